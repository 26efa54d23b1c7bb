"""FtM files a user added with `dronevet kb import`: naming rules, the store interface, layering.

The core never touches the file system here: an `ImportStore` keeps the files (the
directory store in `dronevet.store.import_files`, later the database), and
`with_imports(kb, store)` adds each stored file to a knowledge base as one layer, in name
order. An import never replaces a built-in or earlier entity: `kb import` refuses a file
that redefines an id the base holds (`clashing_ids`), and loading leaves such a record
out and reports it (see `KnowledgeBase.with_layer`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO, Protocol

from dronevet.errors import BadInputError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.ftm import read_ftm

SUFFIXES = (".ftm.json", ".ftm.jsonl", ".json", ".jsonl")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


@dataclass(frozen=True, slots=True)
class ImportedFile:
    """One stored import: its name, where it is kept (for people), its size in bytes, and a
    version mark that changes whenever the stored file does."""

    name: str
    location: str
    size: int
    version: str = ""


class ImportStore(Protocol):
    """Where imported FtM files are kept. Saving is atomic: a reader never sees half a file."""

    @property
    def location(self) -> str:
        """Where the store keeps its files, for messages (a directory, a database URL)."""
        ...

    def list(self) -> list[ImportedFile]:
        """The stored imports in name order (the order they are layered in)."""
        ...

    def open(self, name: str) -> AbstractContextManager[BinaryIO]:
        """The stored file's bytes as an open binary stream."""
        ...

    def save(self, name: str, source: Path, *, replace: bool = False) -> ImportedFile:
        """Store a copy of `source` under `name`, all or nothing; an existing name needs
        `replace`."""
        ...

    def remove(self, name: str) -> ImportedFile:
        """Delete a stored import; an unknown name is an `UnknownNameError`."""
        ...


def import_name(source: Path, name: str | None = None) -> str:
    """The name a file gets in the store: `name` or the source's file name."""
    chosen = name or source.name
    if not chosen.endswith(SUFFIXES):
        chosen += ".ftm.jsonl"
    if not _SAFE_NAME.match(chosen):
        raise BadInputError(
            f"import name {chosen!r} may only use letters, digits, '.', '_' and '-'."
        )
    return chosen


def clashing_ids(kb: KnowledgeBase, entity_ids: Iterable[str]) -> list[str]:
    """The ids among `entity_ids` that `kb` already holds (which an import may not redefine)."""
    return sorted({entity_id for entity_id in entity_ids if entity_id in kb.entities})


def with_imports(
    kb: KnowledgeBase, store: ImportStore, *, skip: str | None = None, today: date | None = None
) -> KnowledgeBase:
    """`kb` plus every stored import as a layer, in name order (`skip` leaves one out: the
    import being replaced)."""
    day = today or date.today()
    for item in store.list():
        if item.name == skip:
            continue
        with store.open(item.name) as handle:
            records = read_ftm(
                handle,
                kb.sources,
                label=item.location,
                origin=item.name,
                default_day=day,
            )
        kb = kb.with_layer(item.name, records)
    return kb
