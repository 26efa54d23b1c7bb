"""Covered-entity determination: is this entity covered on a date, under these criteria, and why?

`determine(kb, entity_id, as_of, criteria)` walks what the knowledge base says:

1. Domicile: a country of the entity in `criteria.countries` whose government can direct
   it by law (`kb.laws_on(country, day)`, e.g. PRC National Intelligence Law art. 7)
   makes it covered. Domicile there without such a law in force on the date gives review.
2. Designations in force on the date: an adverse list (all of them, or only
   `criteria.lists`) makes it covered; a clearance list (Blue UAS) is reported but never
   overrides anything.
3. Links from the entity (owned by, subsidiary of, licensee of...) of the kinds in
   `criteria.follow`, active on the date, to an entity that is itself covered (recursively,
   cycle-safe, at most `criteria.max_depth` steps) make it covered, with the chain.
4. Weaker evidence gives `review` unless something already covers the entity: an
   `owned_by` stake below `criteria.min_ownership`, an `associated_with` tie, a link with
   a `disputed` note, or a link or designation resting on an unverified source.
5. Otherwise `not_covered` when a domicile is known, `unknown` when nothing is.

Every reason is a sentence a non-programmer can read, with the source it rests on.
Results are memoised in the knowledge base's memo per (entity, date, criteria): vetting a
fleet asks the same questions many times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dronevet.errors import UnknownNameError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.countries import country_name
from dronevet.knowledge.model import Designation, Entity, Link, LinkKind, ListNature
from dronevet.screening.model import (
    DEFAULT_CRITERIA,
    CoveredCriteria,
    CoveredDetermination,
    CoveredStatus,
    Reason,
    ReasonKind,
)


def _first_sentence(text: str) -> str:
    head, _, _ = text.strip().partition(". ")
    return head.rstrip(".")


@dataclass(frozen=True, slots=True)
class _Finding:
    """A determination plus the clause that says, after "which", why the entity is covered."""

    determination: CoveredDetermination
    clause: str


class _Walker:
    """One determination: walks domicile, designations and links from one entity."""

    def __init__(self, kb: KnowledgeBase, day: date, criteria: CoveredCriteria):
        self.kb = kb
        self.day = day
        self.criteria = criteria

    def run(self, entity_id: str, path: tuple[str, ...]) -> _Finding:
        entity = self.kb.entities.get(entity_id)
        if entity is None:
            reason = Reason(
                ReasonKind.no_data,
                f"The knowledge base has no entity with id {entity_id!r}.",
                entity_id=entity_id,
            )
            det = CoveredDetermination(
                entity_id, self.day, self.criteria.name, CoveredStatus.unknown, (reason,)
            )
            return _Finding(det, "")
        covered: list[Reason] = []
        review: list[Reason] = []
        info: list[Reason] = []
        clauses: list[str] = []
        chain: tuple[str, ...] = ()
        if self._domicile(entity, covered, review, clauses):
            chain = (entity.id,)
        if self._designations(entity, covered, review, info, clauses) and not chain:
            chain = (entity.id,)
        if len(path) < self.criteria.max_depth:
            link_chain = self._links(entity, (*path, entity.id), covered, review, clauses)
            if link_chain and not chain:
                chain = link_chain
        if covered:
            status = CoveredStatus.covered
        elif review:
            status = CoveredStatus.review
        elif entity.countries:
            status = CoveredStatus.not_covered
            info.append(
                Reason(
                    ReasonKind.domicile,
                    f"{entity.name} is domiciled in "
                    f"{', '.join(country_name(c) for c in entity.countries)}, outside the "
                    f"countries these criteria name, and nothing known links it to a covered "
                    f"entity on {self.day.isoformat()}.",
                    entity.source,
                    entity.id,
                )
            )
        else:
            status = CoveredStatus.unknown
            info.append(
                Reason(
                    ReasonKind.no_data,
                    f"Nothing is known about where {entity.name} is domiciled, and nothing "
                    "known links it to a covered entity.",
                    entity.source,
                    entity.id,
                )
            )
        reasons = tuple(covered + review + info)
        det = CoveredDetermination(
            entity.id, self.day, self.criteria.name, status, reasons, chain
        )
        return _Finding(det, clauses[0] if clauses else "")

    def _domicile(
        self,
        entity: Entity,
        covered: list[Reason],
        review: list[Reason],
        clauses: list[str],
    ) -> bool:
        found = False
        for code in entity.countries:
            if code not in self.criteria.countries:
                continue
            name = country_name(code)
            laws = self.kb.laws_on(code, self.day)
            where = f"{entity.name} is domiciled in {name}"
            if not laws:
                review.append(
                    Reason(
                        ReasonKind.domicile,
                        f"{where}, but no law letting its government direct companies is "
                        f"known to be in force there on {self.day.isoformat()}.",
                        entity.source,
                        entity.id,
                    )
                )
                continue
            found = True
            covered.append(Reason(ReasonKind.domicile, f"{where}.", entity.source, entity.id))
            for law in laws:
                since = f" (in force since {law.start.isoformat()})" if law.start else ""
                article = f", {law.article}" if law.article else ""
                covered.append(
                    Reason(
                        ReasonKind.law,
                        f"In {name}, the {law.title}{article} applies to it: "
                        f"{_first_sentence(law.summary)}{since}.",
                        law.source,
                        entity.id,
                    )
                )
            law = laws[0]
            since = f" (in force since {law.start.isoformat()})" if law.start else ""
            article = f" {law.article}" if law.article else ""
            clauses.append(
                f"is domiciled in {name}, where the {law.title}{article} obliges organisations "
                f"to support state intelligence and security work{since}"
            )
        return found

    def _designations(
        self,
        entity: Entity,
        covered: list[Reason],
        review: list[Reason],
        info: list[Reason],
        clauses: list[str],
    ) -> bool:
        found = False
        fixed = self.criteria.lists_as_of
        for designation in self.kb.designations_on(entity.id, fixed or self.day):
            text, title = self._designation_text(entity, designation)
            if fixed is not None:
                text = text[:-1] + f" (the list as it stood on {fixed.isoformat()})."
            if self.kb.list_nature(designation.list_id) is ListNature.clearance:
                info.append(
                    Reason(
                        ReasonKind.clearance,
                        text + " This clears products; it does not outweigh other findings.",
                        designation.source,
                        entity.id,
                    )
                )
                continue
            lists = self.criteria.lists
            if lists is not None and designation.list_id not in lists:
                continue
            if not designation.source.verified:
                review.append(
                    Reason(ReasonKind.designation, text + " (not yet verified)",
                           designation.source, entity.id)
                )
                continue
            found = True
            covered.append(Reason(ReasonKind.designation, text, designation.source, entity.id))
            since = designation.effective.isoformat() if designation.effective else "?"
            clauses.append(f"is on the {title} (since {since})")
        return found

    def _designation_text(self, entity: Entity, designation: Designation) -> tuple[str, str]:
        known = self.kb.lists.get(designation.list_id)
        title = self.kb.list_title(designation.list_id)
        authority = f" of the {known.authority}" if known else ""
        since = designation.effective.isoformat() if designation.effective else "an unknown date"
        text = f"{entity.name} is on the {title}{authority}, in force since {since}"
        if designation.end:
            text += f" until {designation.end.isoformat()}"
        if designation.reason:
            text += f"; stated reason: {designation.reason.rstrip('.')}"
        return text + ".", title

    def _links(
        self,
        entity: Entity,
        path: tuple[str, ...],
        covered: list[Reason],
        review: list[Reason],
        clauses: list[str],
    ) -> tuple[str, ...]:
        chain: tuple[str, ...] = ()
        for link in self.kb.links_from.get(entity.id, ()):
            if not link.active_on(self.day) or link.object in path:
                continue
            followed = link.kind in self.criteria.follow
            if not followed and link.kind is not LinkKind.associated_with:
                continue
            target = self.run(link.object, path)
            status = target.determination.status
            if status not in (CoveredStatus.covered, CoveredStatus.review):
                continue
            other = self.kb.entities[link.object]
            text, weakness = self._link_text(entity, link, other, target)
            reason = Reason(ReasonKind.link, text, link.source, entity.id)
            if status is CoveredStatus.covered and followed and not weakness:
                covered.append(reason)
                clauses.append(f"{link.kind.phrase} {other.name}, which {target.clause}")
                if not chain:
                    chain = (entity.id, *target.determination.chain)
            else:
                review.append(reason)
        return chain

    def _link_text(
        self, entity: Entity, link: Link, other: Entity, target: _Finding
    ) -> tuple[str, str]:
        """The sentence for a link to a covered (or under-review) entity, and its weakness."""
        phrase = link.kind.phrase
        if link.kind is LinkKind.owned_by and link.percentage is not None:
            phrase = f"is {link.percentage:g}% owned by"
        text = f"{entity.name} {phrase} {other.name}"
        if link.role:
            text += f" ({link.role})"
        det = target.determination
        if det.status is CoveredStatus.covered:
            text += f", which {target.clause}."
        else:
            text += f", which itself needs review ({det.reasons[0].text.rstrip('.')})."
        weakness = ""
        if link.kind is LinkKind.associated_with:
            weakness = " The tie is not one that passes coverage on by itself; review it."
        elif (
            link.kind is LinkKind.owned_by
            and link.percentage is not None
            and link.percentage < self.criteria.min_ownership
        ):
            weakness = (
                f" The stake is below the {self.criteria.min_ownership:g}% these criteria "
                "require; review it."
            )
        elif link.kind is LinkKind.owned_by and link.percentage is None and "minority" in (
            link.role.lower()
        ):
            weakness = " The stake is a minority one of unknown size; review it."
        if link.disputed:
            weakness += f" This link is disputed: {link.disputed}"
        if not link.source.verified:
            weakness += " The link rests on a source not yet verified."
        return text + weakness, weakness


MEMO_ENTRIES = 500_000
"""A knowledge base remembers at most this many determinations (then starts afresh)."""


def determine(
    kb: KnowledgeBase,
    entity_id: str,
    as_of: date,
    criteria: CoveredCriteria = DEFAULT_CRITERIA,
) -> CoveredDetermination:
    """Whether `entity_id` is a covered entity on `as_of` under `criteria`, with the reasons.
    Answers are kept in the knowledge base's memo (vetting a fleet asks the same few)."""
    memo = kb.memo.table("determinations")
    key = (entity_id, as_of, criteria)
    hit = memo.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    if entity_id not in kb.entities:
        raise UnknownNameError(f"no entity with id {entity_id!r} in the knowledge base.")
    result = _Walker(kb, as_of, criteria).run(entity_id, ()).determination
    if len(memo) >= MEMO_ENTRIES:
        memo.clear()
    memo[key] = result
    return result
