"""FtM files a user added with `dronevet kb import`: naming rules, the size limit, the store
interface, layering.

The core never touches a file or a database here: an `ImportStore` keeps the files (the
store's `knowledge_imports` table, `dronevet.store.import_rows`), and
`with_imports(kb, store)` adds each stored file to a knowledge base as one layer, in name
order. An import never replaces a built-in or earlier entity: `kb import` refuses a file
that redefines an id the base holds (`clashing_ids`), and loading leaves such a record
out and reports it (see `KnowledgeBase.with_layer`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from dronevet.errors import BadInputError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.ftm import read_ftm

SUFFIXES = (".ftm.json", ".ftm.jsonl", ".json", ".jsonl")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")

MAX_IMPORT_BYTES = 512 * 1024 * 1024
"""The largest file an import may be (512 MiB). A stored import is one value in one row, read
whole into memory when the knowledge base loads; both databases cap such a value at about
1 GB: SQLite's longest BLOB, SQLITE_MAX_LENGTH, defaults to 1,000,000,000 bytes
(https://www.sqlite.org/limits.html) and PostgreSQL's largest field is 1 GB
(https://www.postgresql.org/docs/15/limits.html); both read 2026-12-03."""


@dataclass(frozen=True, slots=True)
class ImportedFile:
    """One stored import: its name, where it is kept (for people, in messages), its size in
    bytes and the SHA-256 (hex) of its bytes."""

    name: str
    location: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Saved:
    """What saving an import did: the import as stored, and the one it replaced if any."""

    stored: ImportedFile
    replaced: ImportedFile | None = None


class ImportStore(Protocol):
    """Where imported FtM files are kept. Saving is atomic: a reader never sees half a file."""

    @property
    def location(self) -> str:
        """Where the store keeps its files, for messages (a database URL)."""
        ...

    def list(self) -> list[ImportedFile]:
        """The stored imports in name order (the order they are layered in)."""
        ...

    def contents(self) -> Sequence[tuple[ImportedFile, bytes]]:
        """Every stored import with its bytes, in name order, read in one go."""
        ...

    def fingerprint(self) -> str:
        """A short text that changes whenever an import is added or removed or its bytes
        change, and only then; cheap enough to ask every few seconds."""
        ...

    def save(self, name: str, source: Path, *, replace: bool = False) -> Saved:
        """Store a copy of `source` under `name`, all or nothing; an existing name needs
        `replace`; a file over `MAX_IMPORT_BYTES` is refused."""
        ...

    def remove(self, name: str) -> ImportedFile:
        """Delete a stored import; an unknown name is an `UnknownNameError`."""
        ...


def check_size(size: int, path: str) -> None:
    """Refuse a file of `size` bytes at `path` that is over `MAX_IMPORT_BYTES`."""
    if size > MAX_IMPORT_BYTES:
        limit = MAX_IMPORT_BYTES // (1024 * 1024)
        raise BadInputError(
            f"the file is larger than the {limit} MiB an import may be; split it into "
            "several files and import each (or keep only the records you screen against). "
            "Nothing was imported.",
            path=path,
        )


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
    for item, data in store.contents():
        if item.name == skip:
            continue
        records = read_ftm(
            io.BytesIO(data), kb.sources, label=item.location, origin=item.name, default_day=day
        )
        kb = kb.with_layer(item.name, records)
    return kb
