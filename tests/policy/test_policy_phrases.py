"""Every explanation reads as English: every product x policy x use, rendered as people see it.

A procurement officer reads these sentences; a template bug shows as an empty name, a
doubled word, "neither ... or", a country code in prose ("assembled in MY"), a stray
"None" or a double full stop. The test renders every built-in product under every policy
for every use it regulates (short and --explain views) and fails on any such phrase.
"""

from __future__ import annotations

import re
from datetime import date
from io import StringIO

import pytest
from rich.console import Console

import dronevet
from dronevet.commands.vet import explanation_panel
from dronevet.knowledge.countries import COUNTRY_NAMES
from dronevet.policy.model import Verdict
from dronevet.policy.summary import summarise

DAY = date(2026, 3, 2)

_CODES = "|".join(sorted(COUNTRY_NAMES))
BROKEN = {
    "an empty name": re.compile(r"(?:: ,|\(\)|''|\"\"| , |:\s*\.)"),
    "a doubled word": re.compile(r"\b([A-Za-z]{2,})\s+\1\b", re.IGNORECASE),
    "neither ... or": re.compile(r"\bneither\b[^.]*\bor\b", re.IGNORECASE),
    "a country code in prose": re.compile(
        rf"\b(?:in|from)\s+(?:{_CODES.upper()})\b|\((?:{_CODES})\)"
    ),
    "a Python value": re.compile(r"\b(?:None|True|False)\b|\{'|\[\]"),
    "a double full stop": re.compile(r"[^.]\.\.(?!\.)"),
}


def _render(verdict: Verdict, full: bool) -> str:
    buffer = StringIO()
    console = Console(file=buffer, width=160, color_system=None)
    kb = dronevet.load_knowledge()
    console.print(explanation_panel(summarise(kb, verdict, full=full)))
    return " ".join(buffer.getvalue().replace("│", " ").split())


def _cases() -> list[tuple[str, str, str]]:
    kb = dronevet.load_knowledge()
    book = dronevet.api.policies(kb)
    return [
        (product, policy.id, use.value)
        for product in sorted(kb.products)
        for policy in book
        for use in policy.regulations
    ]


@pytest.mark.parametrize("full", [False, True], ids=["short", "explain"])
def test_no_explanation_has_a_broken_phrase(full: bool) -> None:
    problems: list[str] = []
    kb = dronevet.load_knowledge()
    for product, policy, use in _cases():
        verdict = dronevet.vet(product, policy=policy, use=use, as_of=DAY, kb=kb)
        text = _render(verdict, full)
        for what, pattern in BROKEN.items():
            for found in pattern.finditer(text):
                start = max(0, found.start() - 50)
                context = text[start : found.end() + 30]
                problems.append(f"{product} / {policy} / {use}: {what}: ...{context}...")
    assert not problems, "\n".join(problems[:25]) + f"\n({len(problems)} in all)"


def test_the_control_chain_is_shown_once_per_verdict() -> None:
    verdict = dronevet.vet("dji-matrice-30t", policy="us-dod-ndaa2020-848", use="procure",
                           as_of=DAY)
    text = _render(verdict, full=False)
    # Five §848 rules rest on who DJI is; its domicile is told once.
    assert text.count("is domiciled in China") == 1


def test_short_view_of_a_verdict_stays_short() -> None:
    verdict = dronevet.vet("dji-matrice-30t", policy="us-dod-ndaa2020-848", use="procure",
                           as_of=DAY)
    buffer = StringIO()
    Console(file=buffer, width=100, color_system=None).print(
        explanation_panel(summarise(dronevet.load_knowledge(), verdict))
    )
    assert len(buffer.getvalue().splitlines()) < 80


def test_a_policy_asked_about_a_use_it_does_not_regulate_names_the_uses_it_does() -> None:
    kb = dronevet.load_knowledge()
    for policy in dronevet.api.policies(kb):
        regulated = {use.value for use in policy.regulations}
        for use in ("buy", "fly", "fund", "authorize"):
            verdict = dronevet.vet("dji-mini-4-pro", policy=policy.id, use=use, as_of=DAY, kb=kb)
            if verdict.applicability.status.value != "use_not_regulated":
                continue
            text = verdict.applicability.text
            assert text.startswith("This policy does not regulate "), text
            named = text.split("; it regulates ", 1)[1].rstrip(".")
            assert set(named.replace(" and ", ", ").split(", ")) == regulated, text
