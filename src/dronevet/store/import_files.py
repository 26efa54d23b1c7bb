"""The imports folder earlier versions kept (`$DRONEVET_HOME/imports`): what is waiting in it
to be moved into the store, and the note left there once it was.

Imports now live in the store's database (`import_rows`). The first time the store is
opened, the FtM files still in the folder are copied into it (`DatabaseImportStore.move_in`)
and the folder is left as it was, plus a note (`MARKER`) that says where the files went and
that dronevet no longer reads them. The files are kept, not deleted: if anything went
wrong, nothing is lost, and the user removes the folder when they choose. A folder with
the note is never looked at again, so an import removed from the store does not come back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from dronevet.knowledge.imports import SUFFIXES

MARKER = "MOVED-TO-DATABASE.txt"
"""The note left in the folder once its files were moved into the store."""


def waiting_files(directory: Path) -> list[Path]:
    """The FtM files in the old imports folder, in name order; none once the folder holds
    the note (or when there is no folder). Hidden files (a temporary file an interrupted
    copy left behind) are not imports."""
    if not directory.is_dir() or (directory / MARKER).exists():
        return []
    return sorted(
        path
        for path in directory.iterdir()
        if path.is_file() and path.name.endswith(SUFFIXES) and not path.name.startswith(".")
    )


def write_marker(
    directory: Path, *, location: str, at: datetime, moved: Sequence[str],
    left_out: Sequence[str],
) -> bool:
    """Leave the note in `directory`; False when it cannot be written (then the folder is
    looked at again next time, and nothing is moved twice: the store holds those names)."""
    lines = [
        f"On {at:%Y-%m-%d at %H:%M} UTC dronevet copied the imported FtM files in this folder "
        f"into its database ({location}).",
        "dronevet no longer reads this folder: list, add and remove imports with",
        "`dronevet kb list-imports`, `dronevet kb import FILE` and",
        "`dronevet kb remove-import NAME`.",
        "The files were left here untouched; delete the folder when you no longer need them.",
        "",
        "Copied:" if moved else "Nothing needed copying.",
        *(f"  {name}" for name in moved),
    ]
    if left_out:
        lines += ["", "Not copied (import them again with `dronevet kb import` if you need them):",
                  *(f"  {reason}" for reason in left_out)]
    try:
        (directory / MARKER).write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError:
        return False
    return True
