"""FtM files a user added with `dronevet kb import`, kept in `settings.imports_dir()`.

An import is transactional: the file is validated completely (`validate.validate_ftm_file`)
and only then written, under a temporary name first and renamed into place, so the imports
directory never holds a partial or invalid file. Screening and vetting load the built-in
base plus `imported_files()`.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dronevet import settings
from dronevet.errors import BadInputError, KnowledgeError, UnknownNameError

SUFFIXES = (".ftm.json", ".ftm.jsonl", ".json", ".jsonl")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


@dataclass(frozen=True, slots=True)
class ImportedFile:
    """One file in the imports directory."""

    name: str
    path: Path
    size: int


def imports_dir() -> Path:
    """Where imported FtM files live (`$DRONEVET_HOME/imports`)."""
    return settings.imports_dir()


def imported_files() -> list[Path]:
    """The imported FtM files, in name order (the order they are loaded in)."""
    directory = imports_dir()
    if not directory.is_dir():
        return []
    return sorted(
        path
        for path in directory.iterdir()
        if path.is_file() and path.name.endswith(SUFFIXES) and not path.name.startswith(".")
    )


def list_imports() -> list[ImportedFile]:
    """Imported files with their sizes."""
    return [ImportedFile(p.name, p, p.stat().st_size) for p in imported_files()]


def import_name(source: Path, name: str | None = None) -> str:
    """The name a file gets in the imports directory: `name` or the source's file name."""
    chosen = name or source.name
    if not chosen.endswith(SUFFIXES):
        chosen += ".ftm.jsonl"
    if not _SAFE_NAME.match(chosen):
        raise BadInputError(
            f"import name {chosen!r} may only use letters, digits, '.', '_' and '-'."
        )
    return chosen


def store_import(source: Path, name: str, *, replace: bool = False) -> Path:
    """Copy a validated file into the imports directory atomically; return its new path."""
    directory = imports_dir()
    target = directory / name
    if target.exists() and not replace:
        raise BadInputError(
            f"an import named {name!r} exists already; use --replace to overwrite it "
            "or --name to choose another name."
        )
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".importing-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        message = f"cannot write the import ({error.strerror})"
        raise KnowledgeError(message, path=str(target)) from None
    return target


def remove_import(name: str) -> Path:
    """Delete an imported file by name; an unknown name suggests close ones."""
    names = [path.name for path in imported_files()]
    if name not in names:
        raise UnknownNameError(
            f"no import named {name!r}.",
            suggestions=tuple(difflib.get_close_matches(name, names, n=3)),
        )
    path = imports_dir() / name
    path.unlink()
    return path
