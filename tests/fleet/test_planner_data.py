"""The planner's facts and inputs: the replacement programmes file (loaded, validated,
every problem naming the file and programme), Florida's surrender schedule as its source
gives it, candidates from the knowledge base with their sourced prices, the core's own
verdicts deciding admissibility, and the requirement checks (IP ratings, unpublished
figures)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from dronevet.errors import BadInputError, KnowledgeError
from dronevet.fleet.model import Aircraft, Binding, Organisation
from dronevet.fleet.planner import plan
from dronevet.fleet.planner_candidates import candidate as from_product
from dronevet.fleet.planner_costs import replacement_cost
from dronevet.fleet.planner_fit import ip_meets, shortfalls
from dronevet.fleet.planner_inputs import Candidate, PlanningProblem, Requirements
from dronevet.fleet.planner_vetting import core_vet
from dronevet.knowledge import load_builtin
from dronevet.knowledge.loader import data_dir
from dronevet.knowledge.model import Price
from dronevet.knowledge.programs import PROGRAMS_FILE, builtin_programs, read_programs
from fleet.planner_fixtures import ORG, QUOTE, budgets, candidate, need

FLORIDA = Organisation("Orange County Sheriff's Office",
                       (Binding("us-fl-934-50", ("procure", "operate")),), "us-fl", 10)


def _programs_copy(tmp_path: Path, change: Callable[[Any], object]) -> Path:
    path = tmp_path / PROGRAMS_FILE
    shutil.copy(data_dir() / PROGRAMS_FILE, path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_the_florida_programmes_load_with_their_sources() -> None:
    programs = builtin_programs()
    surrender = programs["us-fl-fdle-drp-2023"].surrender
    assert surrender is not None and surrender.purchased_before == date(2022, 1, 1)
    assert [(h, surrender.share(h)) for h in (0, 25, 25.5, 50, 800, 801)] == [
        (0, Decimal("1.0")), (25, Decimal("1.0")), (25.5, Decimal("0.9")),
        (50, Decimal("0.9")), (800, Decimal("0.1")), (801, Decimal(0))]
    assert "Drone-Replacement" in surrender.source.citation
    grant = programs["us-fl-fdle-drp-2025-26"]
    assert grant.new_drone is not None and grant.new_drone.cap == Decimal(25_000)
    assert grant.end == date(2026, 7, 1) and grant.covers("us-fl") and not grant.covers("us-tx")


@pytest.mark.parametrize(("change", "message"), [
    (lambda raw: raw[0]["surrender"]["share_by_flight_hours"][0].update(share=1.5),
     "programme 1 (us-fl-fdle-drp-2023), surrender, bracket 1: share 1.5 is more than 1"),
    (lambda raw: raw[0]["surrender"]["share_by_flight_hours"].reverse(),
     "brackets must rise in hours"),
    (lambda raw: raw[1].update(surrender=raw[0]["surrender"]),
     "programme 2 (us-fl-fdle-drp-2025-26): a programme has exactly one of"),
    (lambda raw: raw[1].update(end="2025-01-01"), "it must start before it ends"),
    (lambda raw: raw[1].pop("source"), "a programme needs source"),
    (lambda raw: raw[0]["surrender"].update(source="no-such-source"),
     "unknown source id 'no-such-source'"),
])
def test_a_broken_programme_names_the_file_and_the_programme(
        tmp_path: Path, change: Callable[[Any], object], message: str) -> None:
    path = _programs_copy(tmp_path, change)
    with pytest.raises(KnowledgeError) as error:
        read_programs(path, load_builtin().sources)
    assert str(path) in str(error.value) and message in str(error.value)


def test_a_surrendered_florida_drone_earns_its_share_instead_of_a_trade_in() -> None:
    program = builtin_programs()["us-fl-fdle-drp-2023"]
    florida = Organisation("Florida agency", (), "us-fl", 7)
    old = Aircraft("FL-1", "DJI Matrice 30T", price=Decimal(10_000),
                   purchase_date=date(2021, 5, 1), flight_hours=40)
    cost = replacement_cost(need("FL-1", date(2024, 7, 1), trade_in=500, aircraft=old),
                            candidate("skydio-x10d", 16_000), 2024, (program,), florida)
    assert (cost.credit, cost.trade_in, cost.net, cost.program) == (
        Decimal("9000.00"), Decimal(0), Decimal("7000.00"), program)
    # bought after the schedule's cut-off, or in a year the programme is closed: trade-in only
    late = Aircraft("FL-2", "DJI Matrice 30T", price=Decimal(10_000),
                    purchase_date=date(2022, 3, 1), flight_hours=40)
    for aircraft, year in ((late, 2024), (old, 2025)):
        cost = replacement_cost(need(aircraft.serial, date(2025, 7, 1), trade_in=500,
                                     aircraft=aircraft),
                                candidate("skydio-x10d", 16_000), year, (program,), florida)
        assert (cost.program, cost.net) == (None, Decimal(15_500))


def test_candidates_from_the_knowledge_base_take_its_figures_and_a_sourced_price() -> None:
    kb = load_builtin()
    m30t = kb.products["dji-matrice-30t"]
    with pytest.raises(BadInputError, match="no list price is known for DJI Matrice 30T"):
        from_product(m30t)
    quoted = from_product(m30t, price=Price(9_999, "USD", QUOTE), capabilities=("Thermal",))
    assert (quoted.price, quoted.price_source, quoted.flight_time_min, quoted.capabilities) == (
        Decimal(9_999), QUOTE, 41.0, frozenset({"thermal"}))
    # a product whose capabilities record thermal imaging brings it along
    hornet = from_product(kb.products["flir-black-hornet-4"], price=Price(1, "USD", QUOTE))
    assert hornet.capabilities == frozenset({"thermal"}) and hornet.flight_time_min is None


def test_the_cores_verdicts_decide_which_drones_florida_may_buy() -> None:
    kb = load_builtin()
    offer = tuple(from_product(kb.products[p], price=Price(9_000, "USD", QUOTE))
                  for p in ("dji-matrice-30t", "skydio-x10", "skydio-x10d"))
    problem = PlanningProblem(FLORIDA, (need("OCSO-7", date(2026, 10, 1)),), offer,
                              budgets(fy2026=50_000))
    planned = plan(problem, core_vet(kb)).get("OCSO-7")
    assert planned.candidate is not None and planned.candidate.product_id == "skydio-x10d"
    assert {(o.product_id, o.policy, o.use, o.verdict.value) for o in planned.excluded} == {
        ("dji-matrice-30t", "us-fl-934-50", "procure", "prohibited"),
        ("dji-matrice-30t", "us-fl-934-50", "operate", "prohibited"),
        ("skydio-x10", "us-fl-934-50", "procure", "review"),
        ("skydio-x10", "us-fl-934-50", "operate", "review"),
    }


def test_ip_ratings_compare_digit_by_digit() -> None:
    assert ip_meets("IP55", "IP54") and ip_meets("IP67", "IPX5") and ip_meets("IP45", "IP4X")
    assert not ip_meets("IP43", "IP55") and not ip_meets("IPX4", "IP54")
    with pytest.raises(BadInputError, match="'IP7' is not an IP rating"):
        Requirements(min_ip_rating="IP7")


def test_unpublished_figures_are_shortfalls_named_as_unknown() -> None:
    bare = Candidate("bare", "Bare", Decimal(1), QUOTE)
    wanted = Requirements(frozenset({"Thermal"}), 30, "IP54", 2)
    assert shortfalls(wanted, bare) == (
        "no thermal", "flight time not published (30 min required)",
        "no IP rating published (IP54 required)", "payload not published (2 kg required)")
    full = Candidate("full", "Full", Decimal(1), QUOTE, frozenset({"thermal"}), 30, "IP55", 2)
    assert shortfalls(wanted, full) == ()
    short = Candidate("short", "Short", Decimal(1), QUOTE, frozenset({"thermal"}), 29, "IP44",
                      1.5)
    assert shortfalls(wanted, short) == (
        "flies 29 min of the 30 required", "rated IP44, IP54 required",
        "carries 1.5 kg of the 2 required")


@pytest.mark.parametrize(("make", "message"), [
    (lambda: PlanningProblem(ORG, (need("A", date(2026, 1, 1)), need("A", date(2027, 1, 1))),
                             (), budgets(fy2026=1)), "aircraft serial A is given twice"),
    (lambda: PlanningProblem(ORG, (), (), {}), "at least one fiscal year"),
    (lambda: PlanningProblem(ORG, (), (), budgets(fy2026=-5)), "the FY2026 budget: -5"),
    (lambda: PlanningProblem(
        Organisation("Texas agency", (), "us-tx"), (), (), budgets(fy2026=1),
        programs=(builtin_programs()["us-fl-fdle-drp-2023"],)),
     "programme us-fl-fdle-drp-2023 is for us-fl agencies; Texas agency is in us-tx"),
    (lambda: PlanningProblem(ORG, (), (candidate("a", 1), Candidate(
        "b", "B", Decimal(1), QUOTE, currency="EUR")), budgets(fy2026=1)),
     "priced in EUR, USD"),
    (lambda: candidate("x", -1), "candidate x price: -1"),
    (lambda: PlanningProblem(ORG, (), (), {2026: Decimal("10.005")}),
     "the FY2026 budget: 10.005 is not a whole number of cents"),
])
def test_bad_inputs_say_what_is_wrong(make: Callable[[], object], message: str) -> None:
    with pytest.raises(BadInputError) as error:
        make()
    assert message in str(error.value)
