"""What a person asks the planner for, read from the documents they give: budgets per fiscal
year, mission requirements, and price quotes. The CLI reads them from YAML files and the
HTTP API from its JSON body; both hand the parsed mappings here, so a document means the
same whichever front it came through. Every problem is a `BadInputError` naming the
document (`where`) and the entry.

```yaml
# budgets: fiscal year (named for the year it ends) -> money
FY2027: 250000
2028: 120000.50

# requirements: per aircraft (by serial) and per mission; each entry may give
# capabilities, min_flight_time_min, min_ip_rating, min_payload_kg (and, per aircraft,
# trade_in: what a dealer offers for it)
aircraft:
  SN-104: {capabilities: [thermal, zoom], min_flight_time_min: 40, trade_in: 800}
missions:
  search-and-rescue: {capabilities: [thermal], min_ip_rating: IP54}

# quotes: knowledge-base product id -> the price the agency was quoted, with its source
skydio-x10d:
  price: 16000
  currency: USD            # default USD
  source: "Skydio quote Q-2291 to Springfield Police"
  date: 2026-11-02
  verified: true           # default true: the agency's own document
  capabilities: [zoom]     # what the knowledge base does not record
  payload_kg: 0.5
```
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from dronevet.errors import BadInputError
from dronevet.fleet.planner_inputs import Requirements
from dronevet.knowledge.model import Price, Source

_FISCAL_YEAR = re.compile(r"^(?:FY)?\s*(\d{4})$", re.IGNORECASE)
FIRST_YEAR, LAST_YEAR = 1990, 2200
"""The fiscal years a budget may name."""
MOST = Decimal(10) ** 12
"""The most money one amount may be (a trillion): beyond any agency's budget."""
_NEED_KEYS = frozenset({"capabilities", "min_flight_time_min", "min_ip_rating",
                        "min_payload_kg"})  # fmt: skip
_QUOTE_KEYS = frozenset({"price", "currency", "source", "date", "verified", "capabilities",
                         "payload_kg"})  # fmt: skip


def _mapping(raw: Any, *, where: str, what: str) -> Mapping[Any, Any]:
    if not isinstance(raw, Mapping):
        kind = "nothing" if raw is None else f"a {type(raw).__name__}"
        raise BadInputError(f"{where}: {what} must be a mapping; this is {kind}.")
    return raw


def _keys(raw: Mapping[Any, Any], allowed: frozenset[str], *, where: str) -> None:
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        raise BadInputError(f"{where}: {unknown[0]!r} is not one of "
                            f"{', '.join(sorted(allowed))}.")  # fmt: skip


def amount(value: Any, *, where: str) -> Decimal:
    """An amount of money: zero or more, in whole cents."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise BadInputError(f"{where}: {value!r} is not an amount of money.")
    try:
        number = Decimal(str(value).strip().replace(",", "").removeprefix("$"))
    except InvalidOperation:
        raise BadInputError(f"{where}: {value!r} is not an amount of money.") from None
    if not number.is_finite() or number < 0:
        raise BadInputError(f"{where}: {value} must be an amount of zero or more.")
    if number > MOST:
        raise BadInputError(f"{where}: {value} is more than any budget ({MOST:,}).")
    if number != number.quantize(Decimal("0.01")):
        raise BadInputError(f"{where}: {value} is not a whole number of cents.")
    return number.quantize(Decimal("0.01"))


def fiscal_year(key: Any, *, where: str) -> int:
    """The year a fiscal-year name gives (`FY2027`, `fy2027`, `2027`)."""
    found = None if isinstance(key, bool) else _FISCAL_YEAR.match(str(key).strip())
    year = int(found[1]) if found else None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadInputError(f"{where}: {str(key)!r} is not a fiscal year; write it as FY2027 "
                            "(fiscal years are named for the year they end).")  # fmt: skip
    return year


def parse_budgets(raw: Any, *, where: str) -> dict[int, Decimal]:
    """`{FY: amount}` as years and amounts; a year given twice is an error."""
    budgets: dict[int, Decimal] = {}
    for key, value in _mapping(raw, where=where, what="the budgets").items():
        year = fiscal_year(key, where=where)
        if year in budgets:
            raise BadInputError(f"{where}: FY{year} is given twice.")
        budgets[year] = amount(value, where=f"{where}, FY{year}")
    return budgets


def _number(raw: Mapping[Any, Any], key: str, *, where: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadInputError(f"{where}: {key} {value!r} is not a number.")
    if not math.isfinite(value) or value <= 0:
        raise BadInputError(f"{where}: {key} {value} must be more than zero.")
    return float(value)


def _words(raw: Mapping[Any, Any], key: str, *, where: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise BadInputError(f"{where}: {key} must be a list of words, e.g. [thermal, zoom].")
    return tuple(v.strip().lower() for v in value)


def _requirements(raw: Any, *, where: str) -> Requirements:
    entry = _mapping(raw, where=where, what="a requirement")
    _keys(entry, _NEED_KEYS, where=where)
    rating = entry.get("min_ip_rating")
    if rating is not None and not isinstance(rating, str):
        raise BadInputError(f"{where}: min_ip_rating {rating!r} is not an IP rating (IP54).")
    try:
        return Requirements(
            frozenset(_words(entry, "capabilities", where=where)),
            _number(entry, "min_flight_time_min", where=where),
            rating,
            _number(entry, "min_payload_kg", where=where),
        )
    except BadInputError as error:
        raise BadInputError(f"{where}: {error.message}") from None


@dataclass(frozen=True, slots=True)
class RequirementsTable:
    """Requirements per aircraft serial and per mission (as written; the planner resolves
    mission names), and what a dealer offers per aircraft traded in."""

    aircraft: Mapping[str, Requirements] = field(default_factory=lambda: MappingProxyType({}))
    missions: Mapping[str, Requirements] = field(default_factory=lambda: MappingProxyType({}))
    trade_in: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    where: str = "the requirements"
    """The document they come from, named by errors found later."""


def parse_requirements(raw: Any, *, where: str) -> RequirementsTable:
    """`{aircraft: {SERIAL: entry}, missions: {MISSION: entry}}` (see the module docstring)."""
    document = _mapping(raw, where=where, what="the requirements")
    _keys(document, frozenset({"aircraft", "missions"}), where=where)
    by_aircraft: dict[str, Requirements] = {}
    trade_in: dict[str, Decimal] = {}
    for serial, entry in _mapping(document.get("aircraft") or {}, where=where,
                                  what="aircraft").items():  # fmt: skip
        at = f"{where}, aircraft {serial}"
        entry = dict(_mapping(entry, where=at, what="a requirement"))
        if "trade_in" in entry:
            trade_in[str(serial)] = amount(entry.pop("trade_in"), where=f"{at}, trade_in")
        by_aircraft[str(serial)] = _requirements(entry, where=at)
    by_mission = {
        str(mission): _requirements(entry, where=f"{where}, mission {mission}")
        for mission, entry in _mapping(document.get("missions") or {}, where=where,
                                       what="missions").items()
    }  # fmt: skip
    return RequirementsTable(MappingProxyType(by_aircraft), MappingProxyType(by_mission),
                             MappingProxyType(trade_in), where)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Quote:
    """A price the agency was quoted for a knowledge-base product, with what the knowledge
    base does not record of it (capabilities such as zoom, payload)."""

    product_id: str
    price: Price
    capabilities: tuple[str, ...] = ()
    payload_kg: float | None = None
    where: str = "a quote"
    """The document and entry it comes from, named by errors found later."""


def _quote(product_id: str, raw: Any, *, where: str) -> Quote:
    entry = _mapping(raw, where=where, what="a quote")
    _keys(entry, _QUOTE_KEYS, where=where)
    citation = entry.get("source")
    if not isinstance(citation, str) or not citation.strip():
        raise BadInputError(f"{where}: a quote needs its source (who quoted it, which "
                            "document).")  # fmt: skip
    day = entry.get("date")
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day.strip())
        except ValueError:
            raise BadInputError(f"{where}: date {day!r} is not a date (YYYY-MM-DD).") from None
    if not isinstance(day, date):
        raise BadInputError(f"{where}: a quote needs the date it was given (YYYY-MM-DD).")
    verified = entry.get("verified", True)
    if not isinstance(verified, bool):
        raise BadInputError(f"{where}: verified must be true or false.")
    currency = str(entry.get("currency") or "USD").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise BadInputError(f"{where}: currency {currency!r} is not a currency code (USD).")
    price = amount(entry.get("price"), where=f"{where}, price")
    return Quote(
        product_id,
        Price(float(price), currency, Source(citation.strip(), day, verified)),
        _words(entry, "capabilities", where=where),
        _number(entry, "payload_kg", where=where),
        where,
    )


def parse_quotes(raw: Any, *, where: str) -> tuple[Quote, ...]:
    """`{product id: quote}` (see the module docstring)."""
    return tuple(_quote(str(product), entry, where=f"{where}, {product}")
                 for product, entry in _mapping(raw, where=where, what="the quotes").items())
