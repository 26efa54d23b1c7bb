"""Charts as SVG strings, drawn on the server: bars, stacked bars, grouped bars and date
bands, each over plain values the caller has put together (`fleet_charts.py` builds them
from a fleet's status, timeline and plan).

Every chart is an `<svg role="img">` with a `<title>` and a `<desc>` that say in words
what it shows; every bar and band carries its number or its verdict as text (a symbol
where it is narrow, explained in the legend), so nothing is told by colour alone. Each
shape has a `<title>` a pointer or a screen reader can read, a `class` a stylesheet may
restyle, and its value in `data-value`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from dronevet.reports.svg import document, element, label, number, tooltip

WIDTH = 680.0
INK = "#1a1a1a"
GRID = "#c8c8c8"


@dataclass(frozen=True, slots=True)
class Swatch:
    """How one kind of thing is drawn: its fill, the colour of text on it, the symbol that
    marks it where its words do not fit, and its words."""

    fill: str
    ink: str
    mark: str
    words: str


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label under it, its height, the text over it, a second line under the
    label, and what its tooltip says."""

    label: str
    value: float
    value_label: str
    note: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of a stacked bar: a kind (a key of the legend) and how many."""

    key: str
    count: int


@dataclass(frozen=True, slots=True)
class Stack:
    """One stacked bar, laid out horizontally: its label and its parts in order."""

    label: str
    parts: tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """A group of bars side by side: its label and one (key, value, text) per bar."""

    label: str
    bars: tuple[tuple[str, float, str], ...]


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of a band: kind `key` from `start` until `end` (the first day it no
    longer holds); `detail` is what its tooltip says."""

    start: date
    end: date
    key: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Band:
    """One row of a band chart: its label and its segments, in date order."""

    label: str
    segments: tuple[Segment, ...]


def nice_step(top: float, ticks: int = 5) -> float:
    """A step of 1, 2 or 5 times a power of ten that cuts 0..`top` into at most `ticks`."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _heading(title: str) -> str:
    return label(8, 20, title, font_size=15, font_weight="bold", class_="chart-heading")


def _empty(title: str, description: str, message: str, class_: str) -> str:
    body = _heading(title) + label(8, 52, message, class_="chart-empty")
    return document(title, description, WIDTH, 72, body, class_=class_)


def _legend(legend: Mapping[str, Swatch], keys: Collection[str], y: float) -> str:
    shown = [k for k in legend if k in keys]
    x = 8.0
    items = []
    for key in shown:
        swatch = legend[key]
        items.append(element(
            "g",
            element("rect", x=x, y=y - 11, width=14.0, height=14.0, fill=swatch.fill,
                    stroke=INK, stroke_width="0.5")
            + label(x + 7, y, swatch.mark, font_size=10, fill=swatch.ink, text_anchor="middle")
            + label(x + 20, y, swatch.words),
            class_=f"legend-item {key}",
        ))
        x += 32 + 7 * len(swatch.words)
    return element("g", "".join(items), class_="legend")


def _value_axis(left: float, top: float, bottom: float, right: float, peak: float,
                ticks: Sequence[float], caption: Sequence[str]) -> str:
    lines = []
    for tick, words in zip(ticks, caption, strict=True):
        y = bottom - (bottom - top) * tick / peak
        lines.append(element("line", x1=left, y1=y, x2=right, y2=y, stroke=GRID,
                             stroke_width="1"))
        lines.append(label(left - 6, y + 4, words, font_size=11, text_anchor="end"))
    return element("g", "".join(lines), class_="axis")


def _scale(values: Sequence[float], *, whole: bool) -> tuple[float, list[float]]:
    """The top of the value axis and its ticks; `whole`: steps of at least 1."""
    step = nice_step(max(values, default=0.0))
    step = max(step, 1.0) if whole else step
    peak = step * max(1, math.ceil(max(values, default=0.0) / step))
    return peak, [step * i for i in range(round(peak / step) + 1)]


def bar_chart(title: str, description: str, bars: Sequence[Bar], *, class_: str,
              empty: str, whole: bool = True, tick_label: str = "{:,.0f}") -> str:
    """Vertical bars, one per item of `bars`, numbered on top, labelled underneath (and
    noted under that); `empty` is said instead when there are no bars; `whole`: the
    values are counts."""
    if not bars:
        return _empty(title, description, empty, class_)
    left, top, plot_bottom = 56.0, 56.0, 220.0
    slot = min(140.0, max(64.0, (WIDTH - left - 16) / len(bars)))
    width = max(WIDTH, left + 16 + slot * len(bars))
    peak, ticks = _scale([b.value for b in bars], whole=whole)
    parts = [_heading(title),
             _value_axis(left, top, plot_bottom, width - 16, peak, ticks,
                         [tick_label.format(t) for t in ticks])]
    for i, bar in enumerate(bars):
        x = left + 8 + slot * i + slot * 0.2
        height = (plot_bottom - top) * bar.value / peak
        middle = x + slot * 0.3
        parts.append(element(
            "g",
            tooltip(bar.detail or f"{bar.label}: {bar.value_label}")
            + element("rect", x=x, y=plot_bottom - height, width=slot * 0.6, height=height,
                      fill="#2b5c8a", class_="bar", data_value=number(bar.value))
            + label(middle, plot_bottom - height - 5, bar.value_label, text_anchor="middle",
                    class_="bar-value")
            + label(middle, plot_bottom + 16, bar.label, text_anchor="middle",
                    class_="bar-label")
            + (label(middle, plot_bottom + 31, bar.note, font_size=10, text_anchor="middle",
                     class_="bar-note") if bar.note else ""),
            class_="bar-group",
        ))
    parts.append(element("line", x1=left, y1=plot_bottom, x2=width - 16, y2=plot_bottom,
                         stroke=INK, stroke_width="1"))
    return document(title, description, width, plot_bottom + 44, "".join(parts),
                    class_=class_)


def stacked_bar_chart(title: str, description: str, stacks: Sequence[Stack],
                      legend: Mapping[str, Swatch], *, class_: str, empty: str) -> str:
    """Horizontal bars, one per item of `stacks`, each cut into its parts, every part
    numbered (and marked with its symbol when its count does not fit); a legend below."""
    if not stacks:
        return _empty(title, description, empty, class_)
    left, right, top, row = 190.0, WIDTH - 16, 40.0, 30.0
    widest = max(sum(p.count for p in s.parts) for s in stacks) or 1
    parts = [_heading(title)]
    for i, stack in enumerate(stacks):
        y = top + row * i
        x = left
        pieces = [label(left - 8, y + 15, stack.label, text_anchor="end", class_="stack-label")]
        for part in stack.parts:
            if part.count <= 0:
                continue
            swatch = legend[part.key]
            width = (right - left) * part.count / widest
            words = f"{part.count}" if width >= 24 else swatch.mark
            pieces.append(element(
                "g",
                tooltip(f"{stack.label}: {part.count} {swatch.words}")
                + element("rect", x=x, y=y, width=width, height=row - 8, fill=swatch.fill,
                          stroke="#ffffff", stroke_width="1", class_=f"part {part.key}",
                          data_value=part.count)
                + label(x + width / 2, y + 15, words, fill=swatch.ink, text_anchor="middle",
                        font_size=11, class_="part-value"),
                class_="part-group",
            ))
            x += width
        parts.append(element("g", "".join(pieces), class_="stack"))
    bottom = top + row * len(stacks) + 16
    keys = {p.key for s in stacks for p in s.parts if p.count > 0}
    parts.append(_legend(legend, keys, bottom))
    return document(title, description, WIDTH, bottom + 14, "".join(parts), class_=class_)


def grouped_bar_chart(title: str, description: str, groups: Sequence[Group],
                      legend: Mapping[str, Swatch], *, class_: str, empty: str,
                      tick_label: str = "{:,.0f}") -> str:
    """Vertical bars side by side in groups (such as a year's budget and its spend), each
    bar labelled with its text, each group with its label; a legend below."""
    if not groups:
        return _empty(title, description, empty, class_)
    left, top, plot_bottom = 76.0, 56.0, 220.0
    per = max(len(g.bars) for g in groups)
    slot = min(90.0 * per + 24, max(40.0 * per + 24, (WIDTH - left - 16) / len(groups)))
    width = max(WIDTH, left + 16 + slot * len(groups))
    peak, ticks = _scale([v for g in groups for _, v, _ in g.bars], whole=False)
    parts = [_heading(title),
             _value_axis(left, top, plot_bottom, width - 16, peak, ticks,
                         [tick_label.format(t) for t in ticks])]
    bar_width = (slot - 24) / per
    for i, group in enumerate(groups):
        x0 = left + 8 + slot * i + 12
        pieces = []
        for j, (key, value, words) in enumerate(group.bars):
            swatch = legend[key]
            x = x0 + bar_width * j
            height = (plot_bottom - top) * value / peak
            pieces.append(element(
                "g",
                tooltip(f"{group.label}, {swatch.words}: {words}")
                + element("rect", x=x + 2, y=plot_bottom - height, width=bar_width - 4,
                          height=height, fill=swatch.fill, stroke=INK, stroke_width="0.5",
                          class_=f"bar {key}", data_value=number(value))
                + label(x + bar_width / 2, plot_bottom - height - 5, words, font_size=10,
                        text_anchor="middle", class_="bar-value"),
                class_="bar-group",
            ))
        pieces.append(label(x0 + bar_width * per / 2, plot_bottom + 16, group.label,
                            text_anchor="middle", class_="group-label"))
        parts.append(element("g", "".join(pieces), class_="group"))
    parts.append(element("line", x1=left, y1=plot_bottom, x2=width - 16, y2=plot_bottom,
                         stroke=INK, stroke_width="1"))
    keys = {k for g in groups for k, _, _ in g.bars}
    parts.append(_legend(legend, keys, plot_bottom + 40))
    return document(title, description, width, plot_bottom + 54, "".join(parts),
                    class_=class_)


def _year_ticks(start: date, end: date) -> list[date]:
    first = date(start.year + (start > date(start.year, 1, 1)), 1, 1)
    every = max(1, math.ceil((end.year - first.year + 1) / 8))
    return [date(y, 1, 1) for y in range(first.year, end.year + 1, every)
            if date(y, 1, 1) < end]


def band_chart(title: str, description: str, bands: Sequence[Band],
               legend: Mapping[str, Swatch], *, start: date, end: date,
               marker: tuple[date, str] | None = None, class_: str, empty: str) -> str:
    """Horizontal bands over dates from `start` to `end`, one row per item of `bands`,
    each segment filled and marked (its words where they fit, else its symbol); years
    along the top, and `marker` (a date and its words, such as "as of") as a line."""
    if not bands or end <= start:
        return _empty(title, description, empty, class_)
    left, right, top, row = 190.0, WIDTH - 16, 56.0, 30.0
    span = (end - start).days

    def at(day: date) -> float:
        return left + (right - left) * (min(max(day, start), end) - start).days / span

    bottom = top + row * len(bands)
    parts = [_heading(title)]
    for tick in _year_ticks(start, end):
        x = at(tick)
        parts.append(element("line", x1=x, y1=top - 6, x2=x, y2=bottom, stroke=GRID,
                             stroke_width="1", class_="tick"))
        parts.append(label(x, top - 10, str(tick.year), font_size=11, text_anchor="middle"))
    for i, band in enumerate(bands):
        y = top + row * i
        pieces = [label(left - 8, y + 15, band.label, text_anchor="end", class_="band-label")]
        for segment in band.segments:
            if segment.end <= start or segment.start >= end:
                continue
            swatch = legend[segment.key]
            x, width = at(segment.start), at(segment.end) - at(segment.start)
            words = swatch.words if width >= 8 * len(swatch.words) else swatch.mark
            pieces.append(element(
                "g",
                tooltip(segment.detail or f"{band.label}: {swatch.words} from "
                        f"{segment.start.isoformat()} until {segment.end.isoformat()}")
                + element("rect", x=x, y=y, width=width, height=row - 8, fill=swatch.fill,
                          stroke="#ffffff", stroke_width="1", class_=f"segment {segment.key}",
                          data_start=segment.start.isoformat(),
                          data_end=segment.end.isoformat())
                + (label(x + width / 2, y + 15, words, fill=swatch.ink, font_size=11,
                         text_anchor="middle", class_="segment-value") if width >= 10 else ""),
                class_="segment-group",
            ))
        parts.append(element("g", "".join(pieces), class_="band"))
    if marker is not None and start <= marker[0] <= end:
        x = at(marker[0])
        parts.append(element(
            "g",
            element("line", x1=x, y1=top - 4, x2=x, y2=bottom + 4, stroke=INK,
                    stroke_width="2", stroke_dasharray="4 3")
            + label(x, bottom + 18, f"{marker[1]} {marker[0].isoformat()}", font_size=11,
                    text_anchor="middle"),
            class_="marker",
        ))
    keys = {s.key for b in bands for s in b.segments}
    parts.append(_legend(legend, keys, bottom + 42))
    return document(title, description, WIDTH, bottom + 56, "".join(parts), class_=class_)
