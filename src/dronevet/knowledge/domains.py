"""Domain ownership: who operates the servers behind a registrable domain (`data/domains.yaml`).

Each entry: `domain` (a registrable domain, lower case), `owner` (the operator's name as
people know it), `entity` (its id in the knowledge base for screening, or null), `role`
(what the domain serves), `source` (an id in `sources.yaml` or an inline source) and
optionally `verified: false`. The table is validated on load: every domain once, every
`entity` known to the knowledge base, every fact sourced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dronevet.errors import KnowledgeError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.loader import data_dir, read_yaml
from dronevet.knowledge.model import Source
from dronevet.knowledge.sources import SourceRegistry


@dataclass(frozen=True, slots=True)
class DomainOwner:
    """The operator of a registrable domain, and the document that says so."""

    domain: str
    owner: str
    entity: str | None
    role: str
    source: Source


def parse_domains(raw: Any, sources: SourceRegistry, *, where: str) -> dict[str, DomainOwner]:
    """The domain table from its YAML form; `KnowledgeError` naming the entry when wrong."""
    if not isinstance(raw, list):
        raise KnowledgeError(f"{where}: must be a list of domains.")
    table: dict[str, DomainOwner] = {}
    for index, item in enumerate(raw):
        at = f"{where}, domain {index + 1}"
        if not isinstance(item, Mapping):
            raise KnowledgeError(f"{at}: each domain is a mapping.")
        domain = str(item.get("domain") or "").strip().lower()
        owner = str(item.get("owner") or "").strip()
        if not domain or "." not in domain or not owner:
            raise KnowledgeError(f"{at}: a domain entry needs a domain and an owner.")
        if domain in table:
            raise KnowledgeError(f"{at}: domain {domain!r} is listed twice.")
        verified = item.get("verified")
        if verified is not None and not isinstance(verified, bool):
            raise KnowledgeError(f"{at}: 'verified' must be true or false.")
        entity = item.get("entity")
        table[domain] = DomainOwner(
            domain, owner, str(entity) if entity else None, str(item.get("role") or ""),
            sources.resolve(item.get("source"), where=at, verified=verified),
        )
    return table


def load_domains(kb: KnowledgeBase, path: Path | None = None) -> dict[str, DomainOwner]:
    """The domain table at `path` (default: the built-in one), checked against `kb`."""
    path = path or data_dir() / "domains.yaml"
    table = parse_domains(read_yaml(path), kb.sources, where=str(path))
    unknown = sorted(d.entity for d in table.values() if d.entity and d.entity not in kb.entities)
    if unknown:
        raise KnowledgeError(
            f"domains name entities not in the knowledge base: {', '.join(unknown)}",
            path=str(path),
        )
    return table


def builtin_domains(kb: KnowledgeBase) -> Mapping[str, DomainOwner]:
    """The built-in domain table for `kb`, read once per knowledge base."""
    return kb.memo.get("domains", lambda: load_domains(kb))
