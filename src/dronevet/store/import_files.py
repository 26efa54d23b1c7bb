"""Imported FtM files kept in a directory (`$DRONEVET_HOME/imports`): the `ImportStore` on disk.

A file is written under a temporary name in the same directory first and renamed into
place, so the directory never holds a partial file, and a failed write leaves no trace.
Hidden files (a temporary file a crash left behind) are never listed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import AbstractContextManager
from pathlib import Path
from typing import BinaryIO

from dronevet.errors import BadInputError, KnowledgeError, UnknownNameError
from dronevet.knowledge.imports import SUFFIXES, ImportedFile
from dronevet.suggest import close_matches


class DirectoryImportStore:
    """Imports as files in one directory (created on the first save)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @property
    def location(self) -> str:
        return str(self.directory)

    def _paths(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(
            path
            for path in self.directory.iterdir()
            if path.is_file() and path.name.endswith(SUFFIXES) and not path.name.startswith(".")
        )

    def _item(self, path: Path) -> ImportedFile:
        stat = path.stat()
        return ImportedFile(path.name, str(path), stat.st_size, str(stat.st_mtime_ns))

    def list(self) -> list[ImportedFile]:
        return [self._item(path) for path in self._paths()]

    def open(self, name: str) -> AbstractContextManager[BinaryIO]:
        try:
            return (self.directory / name).open("rb")
        except OSError as error:
            raise KnowledgeError(
                f"cannot read the import ({error.strerror})", path=str(self.directory / name)
            ) from None

    def save(self, name: str, source: Path, *, replace: bool = False) -> ImportedFile:
        target = self.directory / name
        if target.exists() and not replace:
            raise BadInputError(
                f"an import named {name!r} exists already; use --replace to overwrite it "
                "or --name to choose another name."
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".importing-", dir=self.directory)
        try:
            with os.fdopen(handle, "wb") as out, source.open("rb") as src:
                shutil.copyfileobj(src, out)
            os.replace(temporary, target)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise KnowledgeError(
                f"cannot write the import ({error.strerror})", path=str(target)
            ) from None
        return self._item(target)

    def remove(self, name: str) -> ImportedFile:
        names = [path.name for path in self._paths()]
        if name not in names:
            raise UnknownNameError(
                f"no import named {name!r} in {self.directory}.",
                suggestions=close_matches(name, names),
            )
        path = self.directory / name
        item = self._item(path)
        path.unlink()
        return item
