"""The aircraft list's filter, search, sort and paging, worked out from the arrays the
fleet view keeps (`pages_fleetdata.ListIndex`), give exactly what the plain computation
gives: every aircraft looked at, its strictest verdict under the policies asked about,
`needle in serial.casefold()`, and Python's `sorted` with the same keys. The fleet has
what trips up a fast path: serials that differ only in case, missing prices, dates and
units, a model whose casefolded form is longer than itself (`ß` is `ss`)."""

from __future__ import annotations

import itertools
import random
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dronevet.access import Role
from dronevet.accounts import add_user
from dronevet.fleet.model import Aircraft, Binding, Organisation
from dronevet.fleet.register import open_register
from dronevet.fleet.tracks import CODE
from dronevet.knowledge import load_builtin
from dronevet.policy.model import VerdictKind
from dronevet.settings import Settings
from dronevet.web.app import create_app
from dronevet.web.pages_fleet import PAGE_SIZE, SORTS, ListQuery, listed
from dronevet.web.pages_fleetdata import FleetView, build_view

ORG = "Order County Sheriff"
AS_OF = date(2025, 12, 22)
BINDINGS = (Binding("us-fl-934-50"), Binding("us-asda-2023", ("fund",)))
UNITS = ("Patrol", "SWAT", "patrol", None)
COUNT = 230


def fleet(seed: int = 5) -> list[Aircraft]:
    kb = load_builtin()
    rng = random.Random(seed)
    products = sorted(kb.products.values(), key=lambda p: p.id)
    found = []
    for i in range(COUNT):
        product = rng.choice(products)
        serial = f"{('ab', 'AB', 'Ab', 'zz', 'Zz')[i % 5]}-{i // 5:03d}"
        found.append(Aircraft(
            serial=serial if i % 23 else f"Straße-{i}",
            model=rng.choice([product.name, product.name.upper(), product.name.lower()]),
            product_id=product.id,
            purchase_date=rng.choice([None, date(2019, 1, 1), date(2021, rng.randrange(1, 13),
                                                                   1)]),
            price=rng.choice([None, Decimal(0), Decimal(5000), Decimal(rng.randrange(99999))]),
            unit=rng.choice(UNITS),
        ))
    found.append(Aircraft(serial="STRASSE-1", model="Straße Kopter", product_id=products[0].id))
    return found


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb = load_builtin()
    where = tmp_path_factory.mktemp("order") / "home"
    register = open_register(Settings.at(where))
    register.save_organisation(Organisation(ORG, BINDINGS, "us-fl"), actor="test", kb=kb)
    register.import_aircraft(ORG, fleet(), actor="test")
    add_user(register, "pm", "order test password", Role.program_manager, ORG, actor="test")
    return where


@pytest.fixture(scope="module")
def view(home: Path) -> FleetView:
    register = open_register(Settings.at(home))
    return build_view(load_builtin(), register, register.organisation(ORG), AS_OF)


def plainly(view: FleetView, query: ListQuery) -> list[str]:
    """The serials the query keeps, in its order, the plain way."""
    strictest = []
    for i in range(len(view.aircraft)):
        kinds = [k for k, c in zip(view.verdicts(i), view.columns, strict=True)
                 if not query.policy or c.policy.id == query.policy]
        strictest.append(max((CODE[k] for k in kinds), default=0))
    needle = query.q.casefold()
    kept = [i for i, a in enumerate(view.aircraft)
            if (not query.verdict or strictest[i] == CODE[VerdictKind(query.verdict)])
            and (not query.unit or (a.unit or "") == query.unit)
            and (not needle or needle in a.serial.casefold() or needle in a.model.casefold())]
    keys: dict[str, Any] = {
        "serial": lambda i: view.aircraft[i].serial.casefold(),
        "model": lambda i: (view.aircraft[i].model.casefold(), view.aircraft[i].serial),
        "verdict": lambda i: (strictest[i], view.aircraft[i].serial),
        "purchase_date": lambda i: (view.aircraft[i].purchase_date or date.min,
                                    view.aircraft[i].serial),
        "price": lambda i: (view.aircraft[i].price or 0, view.aircraft[i].serial),
        "unit": lambda i: (view.aircraft[i].unit or "", view.aircraft[i].serial),
    }
    kept.sort(key=keys[query.sort], reverse=query.descending)
    return [view.aircraft[i].serial for i in kept]


def fast(view: FleetView, query: ListQuery) -> list[str]:
    return [view.aircraft[i].serial for i in listed(view, query).tolist()]


def test_the_fleet_has_the_cases_that_trip_a_fast_path(view: FleetView) -> None:
    serials = [a.serial.casefold() for a in view.aircraft]
    assert len(set(serials)) < len(serials)  # serials equal but for case
    assert {a.unit for a in view.aircraft} == set(UNITS)
    assert len({int(c) for c in view.codes.max(axis=1)}) > 1  # more than one verdict


@pytest.mark.parametrize("sort", SORTS)
def test_each_sort_either_way_under_every_filter_gives_the_plain_order(
        view: FleetView, sort: str) -> None:
    policies = ["", *dict.fromkeys(c.policy.id for c in view.columns)]
    verdicts = ["", *(k.value for k in VerdictKind)]
    units = ["", "Patrol", "patrol", "no such unit"]
    needles = ["", "ab-01", "DJI", "ss", "ß", "straße", "no such aircraft"]
    checked = 0
    for descending, policy, verdict, unit, q in itertools.product(
            (False, True), policies, verdicts, units, needles):
        query = ListQuery("", verdict, policy, unit, q, sort, descending, 1)
        expected = plainly(view, query)
        assert fast(view, query) == expected, query
        checked += bool(expected)
    assert checked > 100  # most of these queries keep some aircraft


def test_a_search_for_ss_finds_the_model_spelt_with_sharp_s(view: FleetView) -> None:
    query = ListQuery("", "", "", "", "kopter", "serial", False, 1)
    assert fast(view, query) == ["STRASSE-1"]
    query = ListQuery("", "", "", "", "strasse", "serial", False, 1)
    assert "STRASSE-1" in fast(view, query) and "Straße-23" in fast(view, query)


def test_the_pages_in_turn_show_the_whole_order_once(home: Path, view: FleetView) -> None:
    with TestClient(create_app(Settings.at(home)), follow_redirects=False) as client:
        assert client.post("/login", data={"username": "pm", "password":
                                           "order test password"}).status_code == 303
        asked = f"/aircraft?as_of={AS_OF}&q=AB&sort=price&order=desc"
        expected = plainly(view, ListQuery("", "", "", "", "AB", "price", True, 1))
        pages = -(-len(expected) // PAGE_SIZE)
        assert pages > 1
        shown: list[str] = []
        for page in range(1, pages + 1):
            html = client.get(f"{asked}&page={page}").text
            assert f"page {page} of {pages}" in html
            shown += re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', html)
        assert shown == expected
        last = client.get(f"{asked}&page={pages + 5}").text  # past the end: the last page
        assert re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', last) == \
            expected[(pages - 1) * PAGE_SIZE:]
