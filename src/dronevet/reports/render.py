"""The memo and the fleet compliance report as self-contained HTML pages (Jinja2 templates
under `templates/`): the page a browser shows or saves, and what `pdf.py` turns into PDF.

The pages carry their stylesheet inside them so that a saved file, mailed to a legal office,
reads the same anywhere; every text is escaped by the templates (autoescape), and the
charts, already escaped SVG, go in as markup. URLs inside a citation become links.
"""

from __future__ import annotations

import functools
import re
from importlib.resources import files
from typing import Any

from markupsafe import Markup, escape

from dronevet.reports.compliance import ComplianceReport
from dronevet.reports.fleet_charts import (
    aircraft_timeline_chart,
    deadline_chart,
    verdict_counts_chart,
)
from dronevet.reports.memo import DecisionMemo
from dronevet.reports.words import money, outcome_words, use_words, verdict_words

_URL = re.compile(r"https?://[^\s,;)\]]+")


def linked(text: str) -> Markup:
    """`text` escaped, with each http(s) URL in it made a link."""
    out = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".")
        out.append(escape(text[last:match.start()]))
        out.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = match.start() + len(url)
    out.append(escape(text[last:]))
    return Markup("").join(out)


@functools.cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("dronevet.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, verdict_words=verdict_words, use_words=use_words,
                       outcome_words=outcome_words,
                       linked=linked)
    return env


def _css() -> Markup:
    return Markup(files("dronevet.reports").joinpath("templates/report.css").read_text("utf-8"))


def render_memo(memo: DecisionMemo) -> str:
    """The procurement decision memo as an HTML page."""
    return str(_environment().get_template("memo.html.j2").render(memo=memo, css=_css()))


def _timelines(report: ComplianceReport) -> list[Markup]:
    """One timeline chart per model among the grounded aircraft (its first aircraft)."""
    grounded = {g["serial"] for g in report.status["totals"]["grounded"]["list"]}
    shown: dict[str, Markup] = {}
    for aircraft in report.timeline["aircraft"]:
        model = aircraft["product_id"] or aircraft["model"]
        if aircraft["serial"] in grounded and model not in shown:
            shown[model] = Markup(aircraft_timeline_chart(aircraft, report.as_of))
    return list(shown.values())


def render_compliance(report: ComplianceReport) -> str:
    """The fleet compliance report as an HTML page, with its charts inline."""
    charts = {
        "counts": Markup(verdict_counts_chart(report.status)),
        "deadlines": Markup(deadline_chart(report.status, prices=report.prices, by="quarter")),
        "timelines": _timelines(report),
    }
    template = _environment().get_template("compliance.html.j2")
    return str(template.render(report=report, charts=charts, css=_css()))
