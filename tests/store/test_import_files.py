"""The old imports folder: which files wait to be copied into the store, and the note left.

Earlier versions kept imports as files in `$DRONEVET_HOME/imports`, writing each under a
hidden temporary name first. What waits to be moved is every FtM file there but a hidden
leftover of an interrupted copy; once the note is in the folder, nothing waits any more.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from dronevet.store.import_files import MARKER, waiting_files, write_marker

AT = datetime(2026, 12, 3, 13, 5, tzinfo=UTC)


def test_the_ftm_files_wait_in_name_order_and_nothing_else(tmp_path: Path) -> None:
    folder = tmp_path / "imports"
    folder.mkdir()
    for name in ("b.jsonl", "a.ftm.json", "c.json", "d.ftm.jsonl", ".importing-k3j2",
                 "readme.txt", "e.jsonl.bak"):
        (folder / name).write_text("{}\n")
    (folder / "sub.jsonl").mkdir()  # a folder is not an import, whatever its name
    assert [p.name for p in waiting_files(folder)] == [
        "a.ftm.json", "b.jsonl", "c.json", "d.ftm.jsonl"]


def test_nothing_waits_without_a_folder_or_once_the_note_is_there(tmp_path: Path) -> None:
    folder = tmp_path / "imports"
    assert waiting_files(folder) == []
    folder.mkdir()
    (folder / "a.jsonl").write_text("{}\n")
    assert write_marker(folder, location="sqlite:///x.sqlite3", at=AT, moved=["a.jsonl"],
                        left_out=["b.jsonl: the file is larger than the 512 MiB"])
    assert waiting_files(folder) == []
    note = (folder / MARKER).read_text(encoding="utf-8")
    assert note.startswith("On 2026-12-03 at 13:05 UTC dronevet copied")
    assert "sqlite:///x.sqlite3" in note and "no longer reads this folder" in note
    assert "  a.jsonl" in note and "Not copied" in note and "  b.jsonl: the file" in note


def test_a_note_that_cannot_be_written_is_reported_not_raised(tmp_path: Path) -> None:
    assert not write_marker(tmp_path / "gone", location="x", at=AT, moved=[], left_out=[])
