"""A demo agency for `dronevet demo`: two county agencies in Florida with about sixty
aircraft, a federal grant, two waivers waiting for a decision, budgets over three fiscal
years and an account for each role.

The agencies, serials, prices, dates, hours and people are made up: they are a plausible
example, not facts. The models are real ones from the knowledge base, and the policies
are the knowledge base's own: Florida's s. 934.50 binds a Florida county for every use,
and the federal grant rules (the American Security Drone Act's funding clause and DOJ's
OJP grant policy) bind it for the aircraft it funds.

`create_demo(register, kb, home, today=...)` fills an open register once: a second call
finds the agencies there and adds nothing (aircraft are stored by serial, waivers and
accounts only when missing; the budgets and quotes go to the planning file in `home`
when it has none). Account passwords are drawn at random the first time and
kept in `home/demo-accounts.json` (readable by its owner only), so that every run of the
demo on one data directory prints the same sign-in.
"""

from __future__ import annotations

import json
import os
import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from dronevet.access import Role
from dronevet.fleet.model import Aircraft, AircraftStatus, Binding, Organisation
from dronevet.fleet.waivers import Waiver

if TYPE_CHECKING:
    from collections.abc import Mapping

    from dronevet.fleet.register import Register
    from dronevet.knowledge.base import KnowledgeBase

ACTOR = "dronevet-demo"
ACCOUNTS_FILE = "demo-accounts.json"

SHERIFF = "Bayshore County Sheriff's Office"
FIRE = "Bayshore County Fire Rescue"

BINDINGS = (
    Binding("us-fl-934-50"),
    Binding("us-asda-2023", ("fund",)),
    Binding("us-doj-ojp-2020", ("fund",)),
)

# (product id, how many, demo purchase price in USD, units, missions)
_SHERIFF_FLEET = (
    ("dji-matrice-30t", 6, "10900", ("Patrol Aviation", "SWAT"),
     ("law-enforcement", "search-and-rescue")),
    ("dji-mavic-3-thermal", 6, "5500", ("Patrol Aviation", "Marine Unit"),
     ("law-enforcement", "search-and-rescue")),
    ("dji-mavic-3-enterprise", 4, "3900", ("Criminal Investigations",),
     ("criminal-investigation",)),
    ("dji-mini-3", 3, "560", ("Criminal Investigations",), ("criminal-investigation",)),
    ("dji-avata-2", 2, "1000", ("SWAT",), ("law-enforcement",)),
    ("dji-matrice-300-rtk", 2, "13600", ("Patrol Aviation",),
     ("search-and-rescue", "infrastructure-inspection")),
    ("autel-evo-ii-dual-640t-v2", 3, "7200", ("Marine Unit",), ("search-and-rescue",)),
    ("autel-evo-max-4t", 2, "11500", ("SWAT",), ("law-enforcement",)),
    ("skydio-x10", 3, "16800", ("Patrol Aviation",), ("law-enforcement",)),
    ("skydio-x2d", 2, "14200", ("SWAT",), ("law-enforcement",)),
    ("brinc-lemur-2", 2, "12500", ("SWAT",), ("law-enforcement",)),
    ("parrot-anafi-usa", 1, "7000", ("Criminal Investigations",), ("criminal-investigation",)),
)
_FIRE_FLEET = (
    ("dji-matrice-30t", 4, "10900", ("Station 1", "Wildland"), ("search-and-rescue", "wildfire")),
    ("dji-matrice-350-rtk", 2, "14500", ("Hazmat",), ("infrastructure-inspection",)),
    ("dji-mavic-3-thermal", 4, "5500", ("Station 4", "Wildland"), ("wildfire",)),
    ("dji-mavic-2-enterprise-advanced", 3, "6500", ("Station 1",), ("search-and-rescue",)),
    ("dji-phantom-4-pro-v2", 1, "1600", ("Station 4",), ("infrastructure-inspection",)),
    ("autel-evo-ii-dual-640t", 2, "7800", ("Wildland",), ("wildfire",)),
    ("skydio-x10", 2, "16800", ("Station 1",), ("search-and-rescue",)),
    ("teal-2", 1, "15000", ("Hazmat",), ("infrastructure-inspection",)),
    ("freefly-astro", 1, "22000", ("Hazmat",), ("infrastructure-inspection",)),
    ("parrot-anafi-usa", 2, "7000", ("Station 4",), ("search-and-rescue",)),
    ("inspired-flight-if800", 2, "19000", ("Wildland",), ("wildfire",)),
)

BUDGETS: Mapping[str, tuple[int, ...]] = MappingProxyType({
    SHERIFF: (180_000, 150_000, 120_000),
    FIRE: (120_000, 100_000, 90_000),
})
"""Replacement budget per agency for the fiscal year of the demo's day and the two after
(October to September)."""
QUOTES: Mapping[str, tuple[int, str, tuple[str, ...]]] = MappingProxyType({
    "skydio-x10d": (16_000, "Demo quote DQ-101 (made up for the dronevet demo)", ("thermal",)),
    "skydio-x2d": (10_999, "Demo quote DQ-102 (made up for the dronevet demo)", ("thermal",)),
    "parrot-anafi-usa": (7_500, "Demo quote DQ-103 (made up for the dronevet demo)",
                         ("thermal", "zoom")),
})
"""The price quotes both agencies hold: made up, as the agencies are, and said to be; with
what each model carries that the knowledge base does not record (all three fly a thermal
camera, as their makers' data sheets say)."""

# (name, role, organisation); the program manager of the sheriff's office signs in first.
_ACCOUNTS = (
    ("pm.sheriff", Role.program_manager, SHERIFF),
    ("security.sheriff", Role.security_officer, SHERIFF),
    ("approver.sheriff", Role.approving_official, SHERIFF),
    ("viewer.sheriff", Role.viewer, SHERIFF),
    ("pm.fire", Role.program_manager, FIRE),
    ("approver.fire", Role.approving_official, FIRE),
    ("admin", Role.admin, None),
)
SIGN_IN = "pm.sheriff"
"""The account `dronevet demo` prints: a program manager."""

_THERMAL = {"dji-matrice-30t", "dji-mavic-3-thermal", "autel-evo-ii-dual-640t-v2",
            "autel-evo-max-4t", "autel-evo-ii-dual-640t", "dji-mavic-2-enterprise-advanced",
            "skydio-x10", "skydio-x2d", "teal-2", "parrot-anafi-usa"}


@dataclass(frozen=True, slots=True)
class Account:
    """A demo account and its password."""

    name: str
    role: Role
    organisation: str | None
    password: str


@dataclass(frozen=True, slots=True)
class DemoAgency:
    """What `create_demo` made (or found): the agencies, their aircraft counts, the
    accounts, and whether this call created anything."""

    organisations: tuple[Organisation, ...]
    aircraft: Mapping[str, int]
    accounts: tuple[Account, ...]
    created: bool

    @property
    def sign_in(self) -> Account:
        return next(a for a in self.accounts if a.name == SIGN_IN)


def _fleet(prefix: str, plan: tuple[tuple[str, int, str, tuple[str, ...], tuple[str, ...]], ...],
           kb: KnowledgeBase, rng: random.Random, today: date) -> list[Aircraft]:
    found: list[Aircraft] = []
    first = date(2018, 1, 1)
    for product_id, count, price, units, missions in plan:
        product = kb.products[product_id]
        for _ in range(count):
            bought = first + timedelta(days=rng.randrange((today - first).days))
            grant = rng.random() < 0.3
            found.append(Aircraft(
                serial=f"{prefix}-{len(found) + 1:03d}",
                model=product.name,
                product_id=product.id,
                purchase_date=bought,
                price=Decimal(price),
                funding="federal-grant" if grant else rng.choice(("county", "county", "state")),
                missions=missions,
                flight_hours=round(rng.uniform(4, 40) * max(1, (today - bought).days / 365), 1),
                unit=rng.choice(units),
                capabilities=("thermal",) if product_id in _THERMAL else (),
            ))
    return found


def _with_statuses(aircraft: list[Aircraft]) -> list[Aircraft]:
    """The oldest aircraft retired, the next one grounded for repair: a register is never
    all active."""
    from dataclasses import replace

    oldest = sorted(aircraft, key=lambda a: a.purchase_date or date.min)
    status = {oldest[0].serial: AircraftStatus.retired, oldest[1].serial: AircraftStatus.retired,
              oldest[2].serial: AircraftStatus.grounded}
    return [replace(a, status=status.get(a.serial, a.status)) for a in aircraft]


def _waivers(sheriff: list[Aircraft], fire: list[Aircraft], today: date) -> list[Waiver]:
    granted = next(a for a in sheriff
                   if a.funding == "federal-grant" and a.product_id == "dji-matrice-30t")
    wildfire = next(a for a in fire if a.product_id == "dji-mavic-3-thermal")
    return [
        Waiver(organisation=SHERIFF, policy="us-doj-ojp-2020", use="fund",
               legal_basis="ojp-ceo-certification", start=today,
               end=today + timedelta(days=365), requested_by="pm.sheriff",
               aircraft=granted.serial, missions=("search-and-rescue",),
               controls=("Local Data Mode", "offline operation", "no cloud firmware updates"),
               evidence=("dronevet leak report of the aircraft's app traffic",)),
        Waiver(organisation=FIRE, policy="us-asda-2023", use="fund",
               legal_basis="asda-no-data-to-covered-entity", start=today,
               end=today + timedelta(days=180), requested_by="pm.fire",
               aircraft=wildfire.serial, missions=("wildfire",),
               controls=("offline operation", "data kept on removable cards only"),
               evidence=("network isolation test record",)),
    ]


def _passwords(home: Path) -> dict[str, str]:
    """The demo accounts' passwords, drawn once per data directory and kept there."""
    path = home / ACCOUNTS_FILE
    if path.exists():
        kept: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        if all(name in kept for name, _, _ in _ACCOUNTS):
            return kept
    found = {name: secrets.token_urlsafe(12) for name, _, _ in _ACCOUNTS}
    home.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(found, file, indent=2)
    return found


def _planning_file(home: Path, first_year: int, today: date) -> None:
    """The agencies' budgets and quotes in the home's planning file (`fleet.planning_file`),
    unless one is there (a user's edits are kept)."""
    import yaml

    from dronevet.fleet.planning_file import PLANNING_FILE

    path = home / PLANNING_FILE
    if path.exists():
        return
    quoted = (today - timedelta(days=30)).isoformat()
    document = {
        name: {"budgets": {f"FY{first_year + n}": amount for n, amount in enumerate(amounts)},
               "quotes": {product: {"price": price, "source": source, "date": quoted,
                                    "capabilities": list(capabilities)}
                          for product, (price, source, capabilities) in QUOTES.items()}}
        for name, amounts in BUDGETS.items()
    }
    home.mkdir(parents=True, exist_ok=True)
    path.write_text("# Budgets and price quotes of the demo agencies (made up), read by "
                    "`dronevet fleet plan` and the plan page.\n"
                    + yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def create_demo(register: Register, kb: KnowledgeBase, home: Path, *,
                today: date) -> DemoAgency:
    """Fill `register` with the demo agency, unless it holds it already (see the module
    docstring); `home` keeps the accounts' passwords."""
    from dronevet.accounts import add_user, users

    known = {o.name for o in register.organisations()}
    created = False
    organisations = []
    for name in (SHERIFF, FIRE):
        org = Organisation(name, BINDINGS, jurisdiction="us-fl", fiscal_year_start=10)
        if name not in known:
            org, _ = register.save_organisation(org, actor=ACTOR, kb=kb)
            created = True
        organisations.append(register.organisation(name))
    if created:
        rng = random.Random(2025)
        sheriff = _with_statuses(_fleet("BCSO", _SHERIFF_FLEET, kb, rng, today))
        fire = _with_statuses(_fleet("BCFR", _FIRE_FLEET, kb, rng, today))
        register.import_aircraft(SHERIFF, sheriff, actor=ACTOR)
        register.import_aircraft(FIRE, fire, actor=ACTOR)
        register.request_waivers(_waivers(sheriff, fire, today), actor=ACTOR, kb=kb)
    _planning_file(home, organisations[0].fiscal_year(today), today)
    passwords = _passwords(home)
    existing = {u.name for u in users(register)}
    for name, role, organisation in _ACCOUNTS:
        if name not in existing:
            add_user(register, name, passwords[name], role, organisation, actor=ACTOR)
            created = True
    return DemoAgency(
        organisations=tuple(organisations),
        aircraft=MappingProxyType({o.name: len(register.aircraft(o.name)) for o in organisations}),
        accounts=tuple(Account(n, r, o, passwords[n]) for n, r, o in _ACCOUNTS),
        created=created,
    )
