"""Reading one cell of a fleet register: dates, prices, numbers, lists and text as people
write them in spreadsheets.

Each parser takes what the file holds (text from a CSV; text, a number or a date from an
XLSX cell) and returns the value, or raises `ValueError` with a sentence saying what is
wrong and how to write it; the importer adds the file, the line and the column.

- Dates: ISO (`2024-03-05`, with or without a time), year first (`2024/03/05`), a month
  by name (`5 Mar 2024`, `March 5, 2024`, `05-Mar-2024`), or day and month in numbers
  (`25/12/2024`, `12/25/2024`) only when the numbers say which is the day: `03/04/2024`
  could be 3 April or 4 March and is refused. Years have four digits.
- Prices: a currency symbol or code before or after (`$9,999`, `USD 9999.00`, `9 999 €`)
  is dropped; thousands are grouped by commas, spaces or apostrophes, or by dots when a
  comma is the decimal mark (`1.234,56`). A lone dot followed by exactly three digits
  (`1.500`) is refused: it is 1.5 in one country and 1,500 in another (`written_number`
  writes numbers so that they are never read so).
- Lists (missions, capabilities): items separated by `;` or `,`.
- Text: a leading apostrophe that guards a spreadsheet formula (`'=1+1`, written by the
  exporter: see `GUARDED`) is removed; control characters and cells over `MAX_CELL` characters are
  refused.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, datetime
from decimal import Decimal

Cell = str | int | float | bool | date | datetime | None
"""What a reader hands over for one cell (XLSX cells are typed; CSV cells are text)."""

MAX_CELL = 1000
"""The longest cell accepted, in characters: no register field needs more."""
MAX_DIGITS = 12
"""Digits before the decimal mark of a price or a number of hours."""
GUARDED = ("=", "+", "-", "@", "\t", "\r", "'")
"""Text starting with one of these is guarded with a leading apostrophe by the exporter:
a spreadsheet may read the first six as the start of a formula, and the apostrophe itself
is guarded so that the guard can always be told from the text."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MONTHS = {
    name.casefold(): number
    for names in (calendar.month_name, calendar.month_abbr)
    for number, name in enumerate(names)
    if name
} | {"sept": 9}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_YEAR_FIRST = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_DAY_NAMED = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ \-]([A-Za-z]+)\.?,?[ \-](\d{2,4})")
_NAMED_DAY = re.compile(r"([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{2,4})")
_SYMBOL = "[$€£¥₹₩₽]"
_CURRENCY = re.compile(rf"^(?:[A-Z]{{3}} ?|[A-Z]{{0,2}}{_SYMBOL} ?)|(?: ?[A-Z]{{3}}| ?{_SYMBOL})$")
_GROUP_SPACES = re.compile(r"[ '\u00a0\u202f\u2009]")
_PLAIN = re.compile(r"\d+(?:\.\d+)?")
_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_AMBIGUOUS_DOT = re.compile(r"[1-9]\d{0,2}\.\d{3}")
_COMMA_DECIMAL = re.compile(r"\d+,\d{1,2}")
_SPLIT = re.compile(r"[;,]")


def shown(value: Cell, limit: int = 40) -> str:
    """A cell as quoted in a message, cut to `limit` characters."""
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def text(value: Cell) -> str | None:
    """The cell as text, stripped; None when empty. Numbers read as they are written
    (`1200`, not `1200.0`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value} is a yes/no value, not text.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    found = str(value).strip()
    if len(found) > MAX_CELL:
        raise ValueError(f"the cell is {len(found):,} characters long; at most {MAX_CELL:,}.")
    if _CONTROL.search(found):
        raise ValueError(f"{shown(found)} holds control characters.")
    if found[:1] == "'" and found[1:2] and found[1:2] in GUARDED:
        found = found[1:]
    return found or None


def _four_digit(year: str, written: str) -> int:
    if len(year) != 4:
        raise ValueError(f"{shown(written)}: write the year in four digits, e.g. 2024-03-05.")
    return int(year)


def _day(year: int, month: int, day: int, written: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{shown(written)} is not a date in the calendar.") from None


def _month(name: str, written: str) -> int:
    number = _MONTHS.get(name.casefold())
    if number is None:
        raise ValueError(f"{shown(written)}: {name!r} is not a month.")
    return number


def _day_and_month(first: int, second: int, written: str) -> tuple[int, int]:
    """(day, month) from two numbers when only one reading is a date."""
    if first > 12 and second <= 12:
        return first, second
    if second > 12 and first <= 12:
        return second, first
    if first == second:
        return first, second
    if first <= 12 and second <= 12:
        raise ValueError(
            f"{shown(written)} could be day-month or month-day; write it as YYYY-MM-DD."
        )
    raise ValueError(f"{shown(written)} is not a date in the calendar.")


def parse_date(value: Cell) -> date | None:
    """A date from the forms listed in the module docstring; None when empty."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f"{shown(value)} is a number, not a date; write it as YYYY-MM-DD.")
    written = text(value)
    if written is None:
        return None
    if found := _ISO.fullmatch(written) or _YEAR_FIRST.fullmatch(written):
        year, month, day = found.groups()
        return _day(int(year), int(month), int(day), written)
    if found := _NUMERIC.fullmatch(written):
        first, second, year = found.groups()
        full_year = _four_digit(year, written)
        day, month = _day_and_month(int(first), int(second), written)
        return _day(full_year, month, day, written)
    if found := _DAY_NAMED.fullmatch(written):
        day, name, year = found.groups()
        return _day(_four_digit(year, written), _month(name, written), int(day), written)
    if found := _NAMED_DAY.fullmatch(written):
        name, day, year = found.groups()
        return _day(_four_digit(year, written), _month(name, written), int(day), written)
    raise ValueError(f"{shown(written)} is not a date; write it as YYYY-MM-DD, e.g. 2024-03-05.")


def _digits(number: str, written: str) -> str:
    """`number` with its grouping removed and a dot as the decimal mark."""
    comma, dot = number.rfind(","), number.rfind(".")
    plain: str | None = None
    if comma >= 0 and dot >= 0:
        if comma < dot and _COMMA_GROUPS.fullmatch(number):
            plain = number.replace(",", "")
        elif dot < comma and _DOT_GROUPS.fullmatch(number):
            plain = number.replace(".", "").replace(",", ".")
    elif comma >= 0:
        if _COMMA_GROUPS.fullmatch(number):
            plain = number.replace(",", "")
        elif _COMMA_DECIMAL.fullmatch(number):
            plain = number.replace(",", ".")
    elif _AMBIGUOUS_DOT.fullmatch(number):
        raise ValueError(
            f"{shown(written)} could be a decimal or thousands; write it without grouping, "
            "e.g. 1500 or 1.50."
        )
    elif _PLAIN.fullmatch(number):
        plain = number
    elif _DOT_GROUPS.fullmatch(number):
        plain = number.replace(".", "")
    if plain is None:
        raise ValueError(f"{shown(written)} is not a number; write it as e.g. 1234.50.")
    return plain


def _number(value: Cell, *, currency: bool) -> Decimal | None:
    """A non-negative decimal from a typed number or from text (see the module docstring)."""
    if isinstance(value, bool):
        raise ValueError(f"{value} is a yes/no value, not a number.")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number.")
        written, found = repr(value), Decimal(repr(value))
    else:
        written_text = text(value)
        if written_text is None:
            return None
        written = written_text
        number = _CURRENCY.sub("", written) if currency else written
        number = _GROUP_SPACES.sub("", number)
        if number.startswith("-"):
            raise ValueError(f"{shown(written)} is negative.")
        found = Decimal(_digits(number.removeprefix("+"), written))
    if found < 0:
        raise ValueError(f"{shown(written)} is negative.")
    if found.adjusted() >= MAX_DIGITS:
        raise ValueError(f"{shown(written)} has more than {MAX_DIGITS} digits.")
    return found


def parse_price(value: Cell) -> Decimal | None:
    """A price as a `Decimal` (see the module docstring); None when empty."""
    return _number(value, currency=True)


def parse_amount(value: Cell) -> float | None:
    """A non-negative quantity such as flight hours; None when empty."""
    found = _number(value, currency=False)
    return None if found is None else float(found)


def written_number(value: Decimal | float) -> str:
    """A number as the exporter writes it: exactly, and in a form `parse_price` and
    `parse_amount` read back unambiguously (`1.125` is written `1.1250`)."""
    written = str(value) if isinstance(value, Decimal) else repr(value)
    if "e" in written.casefold():
        written = format(Decimal(written), "f")
    return written + "0" if _AMBIGUOUS_DOT.fullmatch(written) else written


def parse_list(value: Cell) -> tuple[str, ...]:
    """Items separated by `;` or `,`, stripped, empty ones dropped, each once."""
    written = text(value)
    if written is None:
        return ()
    return tuple(dict.fromkeys(item.strip() for item in _SPLIT.split(written) if item.strip()))
