"""Shared helpers for the policy tests: the built-in knowledge, its policies, custom products."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from dronevet.knowledge import load_builtin
from dronevet.knowledge.loader import KnowledgeBase
from dronevet.knowledge.model import Component, ComponentKind, ListStatus, Product, Source, Use
from dronevet.policy.evaluate import vet
from dronevet.policy.loader import PolicyBook, builtin_policies
from dronevet.policy.model import Verdict

TEST_SOURCE = Source("test fixture: a system described for this test", date(2024, 1, 1), False)
ALL_KINDS = tuple(ComponentKind)


def kb() -> KnowledgeBase:
    return load_builtin()


def book() -> PolicyBook:
    return builtin_policies(load_builtin())


def verdict(
    product: Product | str, policy: str, use: Use, day: date, mission: str | None = None
) -> Verdict:
    base = kb()
    subject = base.products[product] if isinstance(product, str) else product
    return vet(base, subject, book().get(policy), use, day, mission)


def western_airframe(
    *,
    maker: str = "skydio",
    assembled: str | None = "us",
    swap: dict[ComponentKind, Component] | None = None,
    blue_from: date | None = None,
) -> Product:
    """A US-built airframe whose every component is the maker's own, made in the US,
    with chosen components swapped (e.g. a PRC camera)."""
    parts = {
        kind: Component(kind=kind, source=TEST_SOURCE, maker=maker, made_in="us")
        for kind in ALL_KINDS
    }
    parts.update(swap or {})
    statuses = ()
    if blue_from is not None:
        statuses = (ListStatus("us-dcma-blue-uas", "cleared", TEST_SOURCE, start=blue_from),)
    return Product(
        id=f"test-{maker}-airframe",
        name=f"Test {maker} airframe",
        manufacturer=maker,
        final_assembly_country=assembled,
        components=tuple(parts.values()),
        source=TEST_SOURCE,
        list_statuses=statuses,
    )


def with_assembly(product: Product, country: str | None) -> Product:
    return replace(product, final_assembly_country=country)


def reason(result: Verdict, rule: str) -> str:
    """The outcome of one rule in a verdict."""
    for item in result.reasons:
        if item.rule == rule:
            return item.outcome.value
    raise AssertionError(f"no reason for rule {rule}: {[r.rule for r in result.reasons]}")
