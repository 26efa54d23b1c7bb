"""Plain explanations of a verdict for people: what every front (CLI text, web page, PDF) shows.

`summarise(kb, verdict)` arranges a `Verdict` for a reader who is not a lawyer:

- a headline (the verdict, the drone, the use, the date, the policy) and one sentence on
  whether and since when the policy applies;
- one line per rule, worded by what was found, with the clause and the one or two facts
  that decide it (all of them with `full=True`, with what the rule requires);
- who the makers are, once per entity: its domicile, the laws and lists that reach it, its
  links (instead of repeating them under every rule);
- the exemption and waiver routes, the cautions, and each source document once, numbered,
  which the lines refer to as [1], [2]...

Every line keeps its UNVERIFIED mark. The fronts only render this: they decide nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.model import Source
from dronevet.policy.model import Fact, Outcome, Verdict, VerdictKind

SHORT_FACTS = 2
"""Facts shown under a rule in the short view."""
SHORT_ENTITY_FACTS = 2
"""Facts shown for each entity in the short view."""

VERDICT_WORDS = {
    VerdictKind.permitted: "PERMITTED",
    VerdictKind.prohibited: "PROHIBITED",
    VerdictKind.review: "REVIEW",
    VerdictKind.not_applicable: "DOES NOT APPLY",
}
VERDICT_MEANING = {
    VerdictKind.permitted: "nothing in this policy stands in the way",
    VerdictKind.prohibited: "this policy forbids it",
    VerdictKind.review: "a person must decide: something is unknown or disputed",
    VerdictKind.not_applicable: "this policy does not speak to this question",
}


@dataclass(frozen=True, slots=True)
class Line:
    """A sourced statement as shown: its text, the source's number, whether unverified."""

    text: str
    ref: int
    unverified: bool


@dataclass(frozen=True, slots=True)
class RuleLine:
    """One rule: what it found, its clause, the deciding facts."""

    rule: str
    outcome: Outcome
    decisive: bool
    text: str
    clause: str
    ref: int
    unverified: bool
    requirement: str = ""
    facts: tuple[Line, ...] = ()
    more: int = 0


@dataclass(frozen=True, slots=True)
class EntityNote:
    """What the knowledge base says about one maker, once."""

    entity_id: str
    name: str
    facts: tuple[Line, ...]
    more: int = 0


@dataclass(frozen=True, slots=True)
class Route:
    """An exemption or waiver route that could apply."""

    id: str
    text: str
    clause: str
    ref: int
    unverified: bool


@dataclass(frozen=True, slots=True)
class Explanation:
    """A verdict arranged for reading; see the module docstring."""

    verdict: VerdictKind
    headline: str
    meaning: str
    policy: str
    applicability: Line
    rules: tuple[RuleLine, ...]
    entities: tuple[EntityNote, ...]
    routes: tuple[Route, ...]
    cautions: tuple[Line, ...]
    sources: tuple[tuple[int, Source], ...]
    unverified: bool


@dataclass
class _Sources:
    """Numbers each distinct source document in the order it is first cited."""

    numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    found: list[tuple[int, Source]] = field(default_factory=list)

    def ref(self, source: Source) -> int:
        key = (source.citation, source.date.isoformat())
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = len(self.numbers) + 1
            self.found.append((number, source))
        return number

    def line(self, fact: Fact) -> Line:
        return Line(fact.claim, self.ref(fact.source), not fact.source.verified)


def _unique(facts: list[Fact]) -> list[Fact]:
    seen: set[str] = set()
    out = []
    for fact in facts:
        if fact.claim not in seen:
            seen.add(fact.claim)
            out.append(fact)
    return out


def summarise(kb: KnowledgeBase, verdict: Verdict, *, full: bool = False) -> Explanation:
    """The explanation of one verdict (`full`: every fact and what each rule requires)."""
    sources = _Sources()
    policy = verdict.policy
    decisive = verdict.decisive()
    scope, *rules = verdict.reasons
    applicability = Line(scope.text, sources.ref(scope.citation.source), scope.unverified)
    lines: list[RuleLine] = []
    by_entity: dict[str, list[Fact]] = {}
    for reason in rules:
        own = _unique([f for f in reason.facts if f.entity is None])
        for fact in reason.facts:
            if fact.entity is not None:
                by_entity.setdefault(fact.entity, []).append(fact)
        shown = own if full else own[:SHORT_FACTS]
        lines.append(
            RuleLine(
                rule=reason.rule,
                outcome=reason.outcome,
                decisive=reason is decisive and verdict.verdict is not VerdictKind.permitted,
                text=reason.text,
                clause=reason.citation.clause,
                ref=sources.ref(reason.citation.source),
                unverified=reason.unverified,
                requirement=reason.requirement if full else "",
                facts=tuple(sources.line(f) for f in shown),
                more=len(own) - len(shown),
            )
        )
    entities = []
    for entity_id, facts in by_entity.items():
        unique = _unique(facts)
        shown = unique if full else unique[:SHORT_ENTITY_FACTS]
        entities.append(
            EntityNote(
                entity_id,
                kb.name_of(entity_id),
                tuple(sources.line(f) for f in shown),
                len(unique) - len(shown),
            )
        )
    routes = tuple(
        Route(
            r.id,
            r.text,
            r.citation.clause,
            sources.ref(r.citation.source),
            not r.citation.source.verified,
        )
        for r in verdict.exemptions
    )
    cautions = tuple(sources.line(c) for c in verdict.cautions)
    mission = f" for a {verdict.mission} mission" if verdict.mission else ""
    headline = (
        f"{VERDICT_WORDS[verdict.verdict]}: {verdict.subject.name}, {verdict.use.value} "
        f"on {verdict.as_of.isoformat()}{mission}"
    )
    return Explanation(
        verdict=verdict.verdict,
        headline=headline,
        meaning=VERDICT_MEANING[verdict.verdict],
        policy=f"{policy.title} (binds {policy.binds})",
        applicability=applicability,
        rules=tuple(lines),
        entities=tuple(entities),
        routes=routes,
        cautions=cautions,
        sources=tuple(sources.found),
        unverified=verdict.unverified or any(c.unverified for c in cautions),
    )
