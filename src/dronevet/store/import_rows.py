"""The knowledge base's user imports kept in the store: the `ImportStore` over the
`knowledge_imports` table.

Each import is one row: its name, its bytes whole, their size and SHA-256. Saving reads the
file once, refusing one over `MAX_IMPORT_BYTES` before reading it, and writes the row in
one transaction, so a reader never sees half an import. Every change (an import added,
replaced, removed, or moved in from the old folder) is written to the audit log in the same
transaction, as by the store's `actor`, with the import's name, size and digest before and
after. The knowledge base is loaded from one query (`contents`), and whether it must be
loaded again is told by another that reads no file contents (`fingerprint`).

`move_in(directory)` copies the files an earlier version kept in the imports folder into
the table, once (see `import_files`).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, defer, sessionmaker

from dronevet.errors import BadInputError, DronevetError, UnknownNameError
from dronevet.knowledge.imports import MAX_IMPORT_BYTES, ImportedFile, Saved, check_size
from dronevet.store import audit, db, import_files
from dronevet.store.models import KnowledgeImportRow, now
from dronevet.suggest import close_matches

RECORD_TYPE = "knowledge_import"
"""How the audit log names an import record (its `record_id` is the row's number; the name
is in the state before and after)."""

_log = logging.getLogger(__name__)
_MOVE_LOCK_KEY = int.from_bytes(b"dvimport", "big") >> 1  # fits PostgreSQL's bigint


def _read(path: Path) -> tuple[bytes, str]:
    """The file's bytes and their SHA-256; one over the size limit is refused unread."""
    try:
        with path.open("rb") as handle:
            check_size(os.fstat(handle.fileno()).st_size, str(path))
            data = handle.read(MAX_IMPORT_BYTES + 1)  # a file that grew meanwhile
    except OSError as error:
        raise BadInputError(f"cannot read the file ({error.strerror})", path=str(path)) from None
    check_size(len(data), str(path))
    return data, hashlib.sha256(data).hexdigest()


def _row(session: Session, name: str) -> KnowledgeImportRow | None:
    """The import called `name`, without its contents (they are not needed to change it)."""
    return session.scalars(
        select(KnowledgeImportRow).options(defer(KnowledgeImportRow.content))
        .where(KnowledgeImportRow.name == name)
    ).one_or_none()  # fmt: skip


def _added(session: Session, name: str, data: bytes, digest: str) -> KnowledgeImportRow:
    """A new import row, flushed (so it has its number)."""
    row = KnowledgeImportRow(name=name, content=data, size=len(data), sha256=digest)
    session.add(row)
    session.flush()
    return row


def _state(item: ImportedFile) -> dict[str, Any]:
    """An import as the audit log keeps it: what identifies its contents, not the contents."""
    return {"name": item.name, "size": item.size, "sha256": item.sha256}


class DatabaseImportStore:
    """Imports as rows of the store's `knowledge_imports` table (migrated to the newest
    revision already); changes are audited as by `actor`."""

    def __init__(
        self, sessions: sessionmaker[Session] | Engine, *, actor: str = "dronevet"
    ) -> None:
        self.sessions = (
            sessions if isinstance(sessions, sessionmaker) else db.session_factory(sessions)
        )
        self.actor = actor

    @property
    def location(self) -> str:
        """The database, as it may be shown (no password)."""
        return db.shown_url(self.sessions.kw["bind"].url)

    def _item(self, name: str, size: int, sha256: str) -> ImportedFile:
        return ImportedFile(name, f"import {name} in {self.location}", size, sha256)

    def list(self) -> list[ImportedFile]:
        with db.transaction(self.sessions, read_only=True) as session:
            rows = session.execute(select(
                KnowledgeImportRow.name, KnowledgeImportRow.size, KnowledgeImportRow.sha256
            )).all()  # fmt: skip
        return sorted((self._item(*row) for row in rows), key=lambda item: item.name)

    def contents(self) -> Sequence[tuple[ImportedFile, bytes]]:
        with db.transaction(self.sessions, read_only=True) as session:
            rows = session.execute(select(
                KnowledgeImportRow.name, KnowledgeImportRow.size, KnowledgeImportRow.sha256,
                KnowledgeImportRow.content,
            )).all()  # fmt: skip
        found = [(self._item(name, size, sha256), content) for name, size, sha256, content in rows]
        return sorted(found, key=lambda pair: pair[0].name)

    def fingerprint(self) -> str:
        """The SHA-256 of every import's name and digest, in name order."""
        with db.transaction(self.sessions, read_only=True) as session:
            rows = session.execute(select(KnowledgeImportRow.name, KnowledgeImportRow.sha256))
            lines = sorted(f"{name}\t{sha256}\n" for name, sha256 in rows)
        return hashlib.sha256("".join(lines).encode()).hexdigest()

    def save(self, name: str, source: Path, *, replace: bool = False) -> Saved:
        data, digest = _read(source)
        with db.transaction(self.sessions) as session:
            row = _row(session, name)
            if row is not None and not replace:
                raise BadInputError(
                    f"an import named {name!r} exists already; use --replace to overwrite it "
                    "or --name to choose another name."
                )
            before = None if row is None else self._item(row.name, row.size, row.sha256)
            if row is None:
                row = _added(session, name, data, digest)
            else:
                row.content, row.size, row.sha256 = data, len(data), digest
                row.updated_at = now()  # also when the bytes are the same ones again
                session.flush()
            after = self._item(name, len(data), digest)
            audit.record(session, self.actor, audit.Change(
                "create" if before is None else "replace", RECORD_TYPE, str(row.id),
                None if before is None else _state(before), _state(after),
            ))  # fmt: skip
        return Saved(after, before)

    def remove(self, name: str) -> ImportedFile:
        with db.transaction(self.sessions) as session:
            row = _row(session, name)
            if row is None:
                names = list(session.scalars(select(KnowledgeImportRow.name)))
                raise UnknownNameError(
                    f"no import named {name!r} in {self.location}.",
                    suggestions=close_matches(name, names),
                )
            item = self._item(row.name, row.size, row.sha256)
            session.delete(row)
            session.flush()
            audit.record(session, self.actor,
                         audit.Change("delete", RECORD_TYPE, str(row.id), _state(item), None))
        return item

    def move_in(self, directory: Path) -> Sequence[str]:
        """Copy the FtM files waiting in the old imports folder `directory` into the table,
        in one transaction, and leave the note there; the names copied come back.

        A file whose name the table holds already is not copied (with other contents, it is
        named as left out), nor is one that cannot be read or is over the size limit; the
        files stay in the folder either way. When anything was copied or left out, one
        warning says so (the command line prints it on stderr).
        """
        waiting = import_files.waiting_files(directory)
        if not waiting:
            return []
        found, left_out = [], []
        for path in waiting:
            try:
                found.append((path.name, *_read(path)))
            except DronevetError as error:
                left_out.append(f"{path.name}: {error.message}")
        with db.transaction(self.sessions) as session:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                {"key": _MOVE_LOCK_KEY})  # fmt: skip
            held = dict(session.execute(
                select(KnowledgeImportRow.name, KnowledgeImportRow.sha256)
            ).all())  # fmt: skip
            moved = []
            for name, data, digest in found:
                if name in held:
                    if held[name] != digest:
                        left_out.append(f"{name}: the database holds a different import of "
                                        "that name already")  # fmt: skip
                    continue
                row = _added(session, name, data, digest)
                moved.append((str(row.id), self._item(name, len(data), digest)))
            audit.record(session, self.actor, *(
                audit.Change("move", RECORD_TYPE, row_id, None, _state(item))
                for row_id, item in moved
            ))  # fmt: skip
        names = [item.name for _, item in moved]
        noted = import_files.write_marker(directory, location=self.location, at=now(),
                                          moved=names, left_out=left_out)  # fmt: skip
        if names or left_out:
            _log.warning(_moved_notice(directory, self.location, names, left_out, noted))
        return names


def _moved_notice(
    directory: Path, location: str, moved: list[str], left_out: list[str], noted: bool
) -> str:
    """The one message that tells the user their imports folder was moved into the store."""
    parts = []
    if moved:
        files = "file" if len(moved) == 1 else "files"
        parts.append(
            f"Copied {len(moved)} imported {files} ({', '.join(moved)}) from the folder "
            f"{directory} into the database {location}; dronevet keeps imports there now."
        )
    if left_out:
        parts.append(f"Not copied from {directory}: {'; '.join(left_out)}.")
    if noted:
        parts.append(f"The files were left in the folder, with a note ({import_files.MARKER}) "
                     "saying so; dronevet no longer reads that folder.")  # fmt: skip
    else:
        parts.append(f"The note {import_files.MARKER} could not be written in the folder, "
                     "so it will be looked at again next time.")  # fmt: skip
    return " ".join(parts)
