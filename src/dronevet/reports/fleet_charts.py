"""The fleet's charts, drawn from the JSON the fleet already gives (the stable contract),
so the web pages and the PDF reports draw the same chart from the same data:

```python
from dronevet.reports.fleet_charts import (
    deadline_chart, verdict_counts_chart, aircraft_timeline_chart, plan_spend_chart)

status = fleet_report(register, kb, org, as_of, changes=False)   # `fleet status` JSON
deadline_chart(status, prices={a.serial: a.price for a in aircraft}, by="quarter")
verdict_counts_chart(status)
timeline = fleet_report(register, kb, org, as_of, changes=True)  # `fleet timeline` JSON
aircraft_timeline_chart(timeline["aircraft"][0], as_of)
plan_spend_chart(plan.to_dict())
```

Each returns one `<svg role="img">` string (see `charts.py`), safe inline in a page under
`default-src 'self'` and in a WeasyPrint PDF.

- Deadlines: aircraft grounded (a binding policy prohibits their operation) per month or
  calendar quarter from the status date on, the ones already grounded in a first bar
  "now", each bar with the summed value of its aircraft when `prices` are given.
- Verdict counts: per policy and use, how many aircraft get each verdict on the date.
- Aircraft timeline: one aircraft's verdict under each policy and use over the dates, as
  bands, from a year before the date to two years past its last change.
- Plan spend: per fiscal year, its budget and what the plan spends.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from dronevet.policy.model import VerdictKind
from dronevet.reports.charts import (
    Band,
    Bar,
    Group,
    Part,
    Segment,
    Stack,
    Swatch,
    band_chart,
    bar_chart,
    grouped_bar_chart,
    stacked_bar_chart,
)
from dronevet.reports.words import money, use_words, verdict_words

Period = Literal["month", "quarter"]

_VERDICT_LOOKS = {
    VerdictKind.prohibited: ("#b2182b", "#ffffff", "✕"),
    VerdictKind.review: ("#f1a340", "#1a1a1a", "?"),
    VerdictKind.permitted: ("#1b7837", "#ffffff", "✓"),
    VerdictKind.not_applicable: ("#d9d9d9", "#1a1a1a", "–"),
}
VERDICT_SWATCHES: dict[str, Swatch] = {
    kind.value: Swatch(fill, ink, mark, verdict_words(kind.value))
    for kind, (fill, ink, mark) in _VERDICT_LOOKS.items()
}
"""How each verdict is drawn, strictest first (the legend's order)."""

WAIVED = "waived"
_SWATCHES = {**VERDICT_SWATCHES,
             WAIVED: Swatch("#6a51a3", "#ffffff", "W", "permitted under a waiver")}

MONEY_SWATCHES: dict[str, Swatch] = {
    "budget": Swatch("#c6dbef", "#1a1a1a", "B", "budget"),
    "spend": Swatch("#2b5c8a", "#ffffff", "S", "planned spend"),
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _period(day: date, by: Period) -> tuple[tuple[int, int], str]:
    if by == "quarter":
        quarter = (day.month - 1) // 3 + 1
        return (day.year, quarter), f"{day.year} Q{quarter}"
    return (day.year, day.month), f"{_MONTHS[day.month - 1]} {day.year}"


def deadline_chart(status: Mapping[str, Any], *, prices: Mapping[str, Any] | None = None,
                   by: Period = "month", currency: str = "USD") -> str:
    """Aircraft grounded per month (or quarter) from the `fleet status` JSON `status`;
    `prices` (serial -> price, None for unknown) adds the value grounded per bar."""
    as_of = date.fromisoformat(status["as_of"])
    buckets: dict[tuple[int, int], tuple[str, list[str]]] = {}
    for grounding in status["totals"]["grounded"]["list"]:
        start = _day(grounding["from"])
        key, name = ((0, 0), "now") if start is None or start <= as_of else _period(start, by)
        buckets.setdefault(key, (name, []))[1].append(grounding["serial"])
    bars = []
    for _, (name, serials) in sorted(buckets.items()):
        count = f"{len(serials)} aircraft"
        note = ""
        if prices is not None:
            known = [Decimal(str(prices[s])) for s in serials if prices.get(s) is not None]
            unpriced = len(serials) - len(known)
            note = (f"{money(sum(known, Decimal(0)), currency)} value" if known
                    else "value unknown") + (f", {unpriced} unpriced" if known and unpriced
                                             else "")
        when = "already grounded" if name == "now" else f"grounded from {name}"
        detail = f"{count} {when}" + (f", {note}" if note else "") + ": " + ", ".join(serials)
        bars.append(Bar(name, float(len(serials)), count, note, detail))
    total = sum(int(b.value) for b in bars)
    description = (
        f"Aircraft whose operation a binding policy prohibits, by the {by} it starts, as of "
        f"{as_of.isoformat()}: {total} aircraft in all"
        + "".join(f"; {b.label}: {b.value_label}" + (f" ({b.note})" if b.note else "")
                  for b in bars) + "."
    )
    return bar_chart(f"Aircraft grounded, by {by}", description, bars,
                     class_="deadline-chart", empty=f"No aircraft are grounded on or after "
                     f"{as_of.isoformat()}.")


def verdict_counts_chart(status: Mapping[str, Any]) -> str:
    """How many aircraft get each verdict under each policy and use, from the `fleet
    status` JSON `status`."""
    stacks = []
    for policy, by_use in status["totals"]["counts"].items():
        for use, counts in by_use.items():
            parts = tuple(Part(k, int(counts.get(k, 0))) for k in VERDICT_SWATCHES)
            stacks.append(Stack(f"{policy} {use_words(use)}", parts))
    description = f"Aircraft by verdict as of {status['as_of']}: " + "; ".join(
        f"{s.label}: " + ", ".join(f"{p.count} {VERDICT_SWATCHES[p.key].words}"
                                   for p in s.parts if p.count)
        for s in stacks
    ) + "."
    return stacked_bar_chart("Aircraft by verdict, per policy and use", description, stacks,
                             VERDICT_SWATCHES, class_="verdict-counts-chart",
                             empty="No policy binds this organisation.")


def _band(line: Mapping[str, Any], start: date, end: date) -> Band:
    stretches: list[tuple[date, str, str]] = []
    since = _day(line.get("since")) or start
    key = WAIVED if line.get("waiver") is not None else line["verdict"]
    stretches.append((max(since, start), key, line.get("explanation", "")))
    for change in line.get("changes", []):
        day = date.fromisoformat(change["date"])
        if day > stretches[-1][0]:
            stretches.append((day, change["verdict"], change.get("explanation", "")))
    segments = tuple(
        Segment(day, stretches[i + 1][0] if i + 1 < len(stretches) else end, key, text)
        for i, (day, key, text) in enumerate(stretches)
    )
    return Band(f"{line['policy']} {use_words(line['use'])}", segments)


def aircraft_timeline_chart(aircraft: Mapping[str, Any], as_of: date) -> str:
    """One aircraft's verdicts over the dates, from its entry in the `fleet timeline`
    JSON (`aircraft`, with its lines' `changes`), marked at `as_of`."""
    lines = aircraft["verdicts"]
    changes = [date.fromisoformat(c["date"]) for ln in lines for c in ln.get("changes", [])]
    start = as_of - timedelta(days=365)
    end = max([as_of, *changes]) + timedelta(days=730)
    bands = [_band(line, start, end) for line in lines]
    said = "; ".join(
        f"{b.label}: " + ", then ".join(
            f"{_SWATCHES[s.key].words} from {s.start.isoformat()}" for s in b.segments)
        for b in bands
    )
    serial = aircraft["serial"]
    return band_chart(
        f"Verdicts over time: {serial} ({aircraft['model']})",
        f"Aircraft {serial}, verdict under each binding policy and use from "
        f"{start.isoformat()} until {end.isoformat()}: {said}.",
        bands, _SWATCHES, start=start, end=end, marker=(as_of, "as of"),
        class_="timeline-chart", empty="No policy binds this aircraft's organisation.")


def _currency(plan: Mapping[str, Any]) -> str:
    return next((a["candidate"]["currency"] for a in plan["aircraft"] if a["candidate"]),
                "USD")


def plan_spend_chart(plan: Mapping[str, Any]) -> str:
    """Each fiscal year's budget and the plan's spend, from `Plan.to_dict()`."""
    currency = _currency(plan)
    groups = []
    said = []
    for year in plan["years"]:
        budget, spend = Decimal(year["budget"]), Decimal(year["spend"])
        carried = Decimal(year["carried_in"])
        groups.append(Group(f"FY{year['fiscal_year']}", (
            ("budget", float(budget), money(budget, currency)),
            ("spend", float(spend), money(spend, currency)),
        )))
        said.append(f"FY{year['fiscal_year']}: budget {money(budget, currency)}"
                    + (f" plus {money(carried, currency)} carried in" if carried else "")
                    + f", planned spend {money(spend, currency)}"
                    + f" for {len(year['aircraft'])} aircraft")
    return grouped_bar_chart(
        "Replacement spend per fiscal year, against the budget",
        f"Plan for {plan['organisation']}: " + "; ".join(said) + ".",
        groups, MONEY_SWATCHES, class_="plan-spend-chart",
        empty="The plan has no fiscal years.", tick_label="{:,.0f}")
