"""Who is covered, for vetting: memoised determinations and the ties a policy only questions.

`CoverageCache` wraps screening's `determine()` with a per-run memo keyed by (entity, date,
criteria): a batch over a fleet asks the same few questions thousands of times. It adds
two things policies need beyond a determination:

- `questionable_tie()`: a link of a kind the policy does not follow (e.g. a technology
  licence where the law says 'subsidiary or affiliate') to an entity that is covered makes
  the maker a question for a person (`review`), not covered;
- `tie_to()`: the chain of links, active on the date, from an entity to one of a named set
  (e.g. FY2025 NDAA §1709: DJI and Autel and their affiliates and licensing partners).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.model import Link, LinkKind
from dronevet.screening.control import determine
from dronevet.screening.model import CoveredCriteria, CoveredDetermination, CoveredStatus

_TieKey = tuple[str, date, frozenset[str], frozenset[LinkKind]]


class CoverageCache:
    """Memoised coverage questions about one knowledge base."""

    __slots__ = ("_dets", "_ties", "kb", "memo")

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        # Derived answers that callers key themselves (e.g. a maker's finding per date).
        self.memo: dict[tuple[object, ...], object] = {}
        self._dets: dict[tuple[str, date, CoveredCriteria], CoveredDetermination] = {}
        self._ties: dict[_TieKey, tuple[Link, ...] | None] = {}

    def determine(
        self, entity_id: str, as_of: date, criteria: CoveredCriteria
    ) -> CoveredDetermination:
        key = (entity_id, as_of, criteria)
        found = self._dets.get(key)
        if found is None:
            found = determine(self.kb, entity_id, as_of, criteria)
            self._dets[key] = found
        return found

    def questionable_tie(
        self,
        entity_id: str,
        as_of: date,
        criteria: CoveredCriteria,
        kinds: frozenset[LinkKind],
    ) -> tuple[Link, CoveredDetermination] | None:
        """A link of one of `kinds` from the entity to a covered entity, on `as_of`."""
        if not kinds:
            return None
        for link in self.kb.links_from.get(entity_id, ()):
            if link.kind in kinds and link.active_on(as_of) and link.object in self.kb.entities:
                other = self.determine(link.object, as_of, criteria)
                if other.status is CoveredStatus.covered:
                    return link, other
        return None

    def tie_to(
        self,
        entity_id: str,
        as_of: date,
        targets: frozenset[str],
        follow: frozenset[LinkKind],
        max_depth: int = 4,
    ) -> tuple[Link, ...] | None:
        """Links from `entity_id` to one of `targets` (empty when it is one), or None."""
        key = (entity_id, as_of, targets, follow)
        if key in self._ties:
            return self._ties[key]
        chain = self._search(entity_id, as_of, targets, follow, max_depth)
        self._ties[key] = chain
        return chain

    def _search(
        self,
        start: str,
        as_of: date,
        targets: frozenset[str],
        follow: frozenset[LinkKind],
        max_depth: int,
    ) -> tuple[Link, ...] | None:
        if start in targets:
            return ()
        frontier: list[tuple[str, tuple[Link, ...]]] = [(start, ())]
        seen = {start}
        for _ in range(max_depth):
            following: list[tuple[str, tuple[Link, ...]]] = []
            for node, path in frontier:
                for link in _active(self.kb.links_from.get(node, ()), as_of, follow):
                    if link.object in seen:
                        continue
                    chain = (*path, link)
                    if link.object in targets:
                        return chain
                    seen.add(link.object)
                    following.append((link.object, chain))
            frontier = following
        return None


def _active(links: Iterable[Link], as_of: date, kinds: frozenset[LinkKind]) -> Iterable[Link]:
    return (link for link in links if link.kind in kinds and link.active_on(as_of))
