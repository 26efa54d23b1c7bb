"""The directory import store writes all or nothing: a failed write leaves what was there.

`kb import` copies an export (an OpenSanctions file can be hundreds of megabytes) into the
imports directory. If the disk fills or the process dies half way, screening must never
load half a file: the store writes under a temporary name and renames it into place. The
failure here is real: a child process with a file-size limit (RLIMIT_FSIZE) smaller than
the export, so the kernel refuses the write part way through.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from dronevet.errors import BadInputError, KnowledgeError, UnknownNameError
from dronevet.store.import_files import DirectoryImportStore

SAVE_WITH_A_SIZE_LIMIT = """
import resource, signal, sys
from pathlib import Path
from dronevet.errors import DronevetError
from dronevet.store.import_files import DirectoryImportStore
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[3]), int(sys.argv[3])))
try:
    DirectoryImportStore(Path(sys.argv[1])).save("export.ftm.jsonl", Path(sys.argv[2]),
                                                 replace=True)
except DronevetError as error:
    print("refused:", error)
"""


def _export(path: Path, lines: int) -> Path:
    path.write_text("".join(f'{{"id": "e{i}", "schema": "Company"}}\n' for i in range(lines)))
    return path


def test_a_write_that_fails_half_way_leaves_the_earlier_import_whole(tmp_path: Path) -> None:
    directory = tmp_path / "imports"
    store = DirectoryImportStore(directory)
    first = store.save("export.ftm.jsonl", _export(tmp_path / "first.jsonl", 10))
    before = Path(first.location).read_bytes()
    big = _export(tmp_path / "big.jsonl", 50_000)  # about 1.6 MB
    done = subprocess.run(
        [sys.executable, "-c", SAVE_WITH_A_SIZE_LIMIT, str(directory), str(big), "65536"],
        capture_output=True, text=True, check=True,
    )
    assert "refused:" in done.stdout and "cannot write the import" in done.stdout
    assert Path(first.location).read_bytes() == before
    assert sorted(p.name for p in directory.iterdir()) == ["export.ftm.jsonl"]  # no temp left
    assert [item.name for item in store.list()] == ["export.ftm.jsonl"]


def test_a_new_import_that_fails_leaves_no_file(tmp_path: Path) -> None:
    directory = tmp_path / "imports"
    directory.mkdir()
    big = _export(tmp_path / "big.jsonl", 50_000)
    subprocess.run(
        [sys.executable, "-c", SAVE_WITH_A_SIZE_LIMIT, str(directory), str(big), "65536"],
        capture_output=True, text=True, check=True,
    )
    assert list(directory.iterdir()) == []


def test_an_existing_name_needs_replace(tmp_path: Path) -> None:
    store = DirectoryImportStore(tmp_path / "imports")
    source = _export(tmp_path / "a.jsonl", 3)
    store.save("a.ftm.jsonl", source)
    with pytest.raises(BadInputError, match="--replace"):
        store.save("a.ftm.jsonl", source)
    store.save("a.ftm.jsonl", _export(tmp_path / "b.jsonl", 5), replace=True)
    (item,) = store.list()
    assert item.size == (tmp_path / "b.jsonl").stat().st_size


def test_hidden_leftovers_are_never_listed_and_removal_suggests_names(tmp_path: Path) -> None:
    directory = tmp_path / "imports"
    store = DirectoryImportStore(directory)
    store.save("csl-2025.ftm.jsonl", _export(tmp_path / "a.jsonl", 3))
    (directory / ".importing-abc123").write_text("half a file")
    assert [item.name for item in store.list()] == ["csl-2025.ftm.jsonl"]
    with pytest.raises(UnknownNameError) as error:
        store.remove("csl-2024.ftm.jsonl")
    assert "csl-2025.ftm.jsonl" in error.value.suggestions
    assert store.remove("csl-2025.ftm.jsonl").name == "csl-2025.ftm.jsonl"
    assert store.list() == []


def test_the_store_says_where_it_keeps_imports_and_gives_back_what_it_stored(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "imports"
    store = DirectoryImportStore(directory)
    assert store.location == str(directory)
    source = _export(tmp_path / "a.jsonl", 3)
    store.save("a.ftm.jsonl", source)
    store.save("b.ftm.jsonl", _export(tmp_path / "b.jsonl", 4))  # the directory exists now
    with store.open("a.ftm.jsonl") as handle:
        assert handle.read() == source.read_bytes()
    assert [item.name for item in store.list()] == ["a.ftm.jsonl", "b.ftm.jsonl"]


def test_an_import_that_went_missing_is_named_with_its_full_path(tmp_path: Path) -> None:
    store = DirectoryImportStore(tmp_path / "imports")
    store.save("a.ftm.jsonl", _export(tmp_path / "a.jsonl", 1))
    (tmp_path / "imports" / "a.ftm.jsonl").unlink()  # deleted behind the store's back
    with pytest.raises(KnowledgeError) as caught:
        store.open("a.ftm.jsonl")
    assert caught.value.path == str(tmp_path / "imports" / "a.ftm.jsonl")
    assert "cannot read the import (No such file or directory)" in str(caught.value)


def test_what_the_store_says_of_an_import_cannot_be_changed_by_its_reader(tmp_path: Path) -> None:
    store = DirectoryImportStore(tmp_path / "imports")
    item = store.save("a.ftm.jsonl", _export(tmp_path / "a.jsonl", 3))
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.name = "b.ftm.jsonl"  # type: ignore[misc]
