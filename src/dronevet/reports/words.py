"""How reports write amounts and verdicts for people: `$12,300`, `EUR 9,500.50`, and the
verdict words the fleet timeline uses ("prohibited", "needs review")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from dronevet.errors import UnknownNameError
from dronevet.fleet.timeline import USE_NOUNS, VERDICT_PHRASES
from dronevet.knowledge.model import Use
from dronevet.policy.model import Outcome, VerdictKind


def money(amount: Decimal | str | float, currency: str = "USD") -> str:
    """`amount` as a price: whole amounts without cents, US dollars with `$`."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    text = f"{value:,.2f}".removesuffix(".00")
    return f"${text}" if currency == "USD" else f"{currency} {text}"


def verdict_words(verdict: str) -> str:
    """A verdict's value (`not_applicable`) in words (`not regulated`)."""
    try:
        return VERDICT_PHRASES[VerdictKind(verdict)]
    except ValueError:
        return verdict


def use_words(use: str) -> str:
    """A use's value (`operate`) as a noun (`operation`)."""
    try:
        return USE_NOUNS[Use.parse(use)]
    except UnknownNameError:
        return use


OUTCOME_WORDS = {
    Outcome.hit: "stands in the way",
    Outcome.clear: "met",
    Outcome.review: "needs review",
    Outcome.not_applicable: "does not apply",
}
"""What a rule's outcome means for the reader."""


def outcome_words(outcome: Outcome) -> str:
    """A rule's outcome in words."""
    return OUTCOME_WORDS[outcome]
