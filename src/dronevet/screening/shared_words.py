"""Names that carry a covered entity's distinctive word ("DJI Store Berlin", "Dajiang Foods").

An entity's `keywords` (FtM `keywords`: the words of its brand, each entered with the
entity's source) are indexed once per knowledge base. A screened name that carries one of
them, whether it matched that entity, another, or nothing, is at least `review` while
that entity is covered: the word alone does not prove a tie, but a person must look.
Words are compared as screening normalises them, written together or apart
("Da-Jiang", "Da Jiang" and "Dajiang" are one word).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from dronevet.knowledge.base import KnowledgeBase
from dronevet.screening.normalize import name_tokens


def _forms(tokens: Sequence[str]) -> set[str]:
    """A name's words, and each two adjacent words written together."""
    return {*tokens, *(a + b for a, b in itertools.pairwise(tokens))}


def _index(kb: KnowledgeBase) -> Mapping[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for entity in kb.entities.values():
        for keyword in entity.keywords:
            form = "".join(name_tokens(keyword))
            if form and entity.id not in found.get(form, ()):
                found.setdefault(form, []).append(entity.id)
    return {form: tuple(ids) for form, ids in found.items()}


def shared_words(kb: KnowledgeBase, tokens: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """(word, entity id) for each distinctive word of an entity that a name, normalised to
    `tokens`, carries."""
    index = kb.memo.get("keyword-index", lambda: _index(kb))
    if not index:
        return ()
    forms = _forms(tokens)
    return tuple(
        (form, entity_id) for form in sorted(forms & index.keys()) for entity_id in index[form]
    )
