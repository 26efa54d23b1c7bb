"""Source registry: the documents facts cite, by id, and parsing of source references.

Data files cite a source either by id (a key of `data/sources.yaml`) or inline as a
mapping `{citation, date, verified, note}`. Dates may be partial (`2020`, `2020-12`), as in
FtM; a partial date means its first day.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from dronevet.errors import KnowledgeError
from dronevet.knowledge.model import Source


def parse_date(value: Any, *, where: str) -> date | None:
    """Parse an ISO date, a partial FtM date (`YYYY`, `YYYY-MM`), a `date`, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()[:10]
    try:
        if len(text) == 4:
            return date(int(text), 1, 1)
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 1)
        return date.fromisoformat(text)
    except ValueError:
        raise KnowledgeError(f"{where}: {value!r} is not a date (YYYY-MM-DD).") from None


def parse_source(raw: Mapping[str, Any], *, where: str) -> Source:
    """Build a `Source` from its mapping form; citation and date are required."""
    citation = str(raw.get("citation") or "").strip()
    if not citation:
        raise KnowledgeError(f"{where}: a source needs a citation (document title or URL).")
    day = parse_date(raw.get("date"), where=where)
    if day is None:
        raise KnowledgeError(f"{where}: source {citation!r} has no date.")
    verified = raw.get("verified", True)
    if not isinstance(verified, bool):
        raise KnowledgeError(f"{where}: 'verified' must be true or false.")
    return Source(citation=citation, date=day, verified=verified, note=str(raw.get("note") or ""))


class SourceRegistry:
    """Sources by id, resolving the references that data files make to them."""

    def __init__(self, sources: Mapping[str, Source]):
        self._sources = dict(sources)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], *, where: str) -> SourceRegistry:
        sources = {}
        for key, value in (raw or {}).items():
            if not isinstance(value, Mapping):
                raise KnowledgeError(f"{where}: source {key!r} must be a mapping.")
            sources[str(key)] = parse_source(value, where=f"{where}: source {key!r}")
        return cls(sources)

    def __contains__(self, key: str) -> bool:
        return key in self._sources

    def __len__(self) -> int:
        return len(self._sources)

    def items(self) -> list[tuple[str, Source]]:
        return list(self._sources.items())

    def resolve(self, ref: Any, *, where: str, verified: bool | None = None) -> Source:
        """Turn a reference (id string or inline mapping) into a `Source`.

        `verified=False` overrides the source's own mark: a fact can be unverified even
        when cited to a verified document (the document may not say it plainly).
        """
        if isinstance(ref, str):
            try:
                source = self._sources[ref]
            except KeyError:
                raise KnowledgeError(f"{where}: unknown source id {ref!r}.") from None
        elif isinstance(ref, Mapping):
            source = parse_source(ref, where=where)
        else:
            raise KnowledgeError(f"{where}: every fact needs a source (id or mapping).")
        return source.marked(verified)
