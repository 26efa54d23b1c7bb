"""The knowledge base's user imports kept in the store, on SQLite and on PostgreSQL.

An import is a row holding the file whole with its size and SHA-256; adding, replacing and
removing one is audited; a file over the size limit is refused before it is read; the files
an earlier version kept in the imports folder are copied in once, the folder left as it was
with a note; and what a person imports with `dronevet kb import` is then what `screen` and
`vet` see, on the default SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from dronevet.cli import app
from dronevet.errors import BadInputError, UnknownNameError
from dronevet.knowledge.imports import MAX_IMPORT_BYTES, import_name, with_imports
from dronevet.knowledge.loader import load_builtin
from dronevet.settings import Settings
from dronevet.store import audit, db
from dronevet.store.import_files import MARKER
from dronevet.store.import_rows import RECORD_TYPE, DatabaseImportStore
from dronevet.store.models import KnowledgeImportRow

MAKER = {"id": "zz-maker", "schema": "Company",
         "properties": {"name": ["Zephyr Quux Aerial Ltd"], "country": ["cn"]}}
LISTING = {"id": "zz-maker-el", "schema": "Sanction",
           "properties": {"entity": ["zz-maker"], "programId": ["us-bis-entity-list"],
                          "listingDate": ["2024-01-01"]}}
OTHER = {"id": "zz-other", "schema": "Company",
         "properties": {"name": ["Quillon Rotorcraft GmbH"], "country": ["de"]}}


def _export(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _entries(sessions: sessionmaker[Session]) -> list[audit.Entry]:
    with db.transaction(sessions, read_only=True) as session:
        assert audit.verify(session).ok
        return list(reversed(audit.entries(session)))


def test_add_list_read_remove_each_audited(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    store = DatabaseImportStore(sessions, actor="cli:alice")
    source = _export(tmp_path / "csl.jsonl", MAKER, LISTING)
    data = source.read_bytes()
    saved = store.save("csl.ftm.jsonl", source)
    assert saved.replaced is None
    assert (saved.stored.name, saved.stored.size) == ("csl.ftm.jsonl", len(data))
    assert saved.stored.sha256 == hashlib.sha256(data).hexdigest()
    store.save("a-first.jsonl", _export(tmp_path / "b.jsonl", OTHER))
    assert [item.name for item in store.list()] == ["a-first.jsonl", "csl.ftm.jsonl"]
    (_, first), (item, content) = store.contents()
    assert content == data and item == saved.stored and b"zz-other" in first
    assert "csl.ftm.jsonl" in item.location and store.location in item.location

    kb = with_imports(load_builtin(), store)
    assert kb.entities["zz-maker"].countries == ("cn",) and "zz-other" in kb.entities

    removed = store.remove("csl.ftm.jsonl")
    assert removed == saved.stored
    assert [item.name for item in store.list()] == ["a-first.jsonl"]
    create, _, delete = _entries(sessions)
    state = {"name": "csl.ftm.jsonl", "size": len(data), "sha256": saved.stored.sha256}
    assert (create.action, create.record_type) == ("create", RECORD_TYPE)
    assert delete.record_id == create.record_id
    assert (create.actor, create.before, create.after) == ("cli:alice", None, state)
    assert (delete.action, delete.actor, delete.before, delete.after) == (
        "delete", "cli:alice", state, None)


def test_same_name_again_needs_replace_which_replaces_and_is_audited(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    store = DatabaseImportStore(sessions, actor="cli:alice")
    first = store.save("csl.jsonl", _export(tmp_path / "one.jsonl", MAKER)).stored
    newer = _export(tmp_path / "two.jsonl", MAKER, LISTING)
    with pytest.raises(BadInputError, match="exists already; use --replace"):
        store.save("csl.jsonl", newer)
    assert store.contents()[0][1] == (tmp_path / "one.jsonl").read_bytes()

    saved = store.save("csl.jsonl", newer, replace=True)
    assert saved.replaced == first and saved.stored.sha256 != first.sha256
    assert [pair[1] for pair in store.contents()] == [newer.read_bytes()]
    *_, replace = _entries(sessions)
    assert replace.action == "replace" and replace.after["name"] == "csl.jsonl"
    assert replace.before["sha256"] == first.sha256
    assert replace.after["sha256"] == saved.stored.sha256


def test_the_longest_name_an_import_may_have_is_kept_and_audited(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    name = import_name(tmp_path / "x.jsonl", "n" * 111)  # + ".ftm.jsonl": 121 characters
    store = DatabaseImportStore(sessions, actor="cli:alice")
    store.save(name, _export(tmp_path / "x.jsonl", MAKER))
    store.remove(name)
    create, delete = _entries(sessions)
    assert len(name) == 121 and create.after["name"] == name == delete.before["name"]


def test_a_save_that_fails_part_way_leaves_the_earlier_import_whole(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    # The row is written, then the audit entry is refused (nobody named as the actor):
    # the transaction rolls back, so neither the new bytes nor an entry are kept.
    DatabaseImportStore(sessions, actor="cli:alice").save(
        "csl.jsonl", _export(tmp_path / "one.jsonl", MAKER))
    nobody = DatabaseImportStore(sessions, actor=" ")
    with pytest.raises(BadInputError, match="needs the name of who made it"):
        nobody.save("csl.jsonl", _export(tmp_path / "two.jsonl", OTHER), replace=True)
    with pytest.raises(BadInputError, match="needs the name of who made it"):
        nobody.save("new.jsonl", tmp_path / "two.jsonl")
    ((item, content),) = nobody.contents()
    assert item.name == "csl.jsonl" and content == (tmp_path / "one.jsonl").read_bytes()
    assert len(_entries(sessions)) == 1


def test_a_file_over_the_limit_is_refused_unread_naming_it(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    store = DatabaseImportStore(sessions)
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as out:  # sparse: no disk used, nothing read
        out.truncate(MAX_IMPORT_BYTES + 1)
    with pytest.raises(BadInputError, match="larger than the 512 MiB") as raised:
        store.save("huge.jsonl", huge)
    assert str(huge) in str(raised.value) and "Nothing was imported" in str(raised.value)
    assert store.list() == [] and _entries(sessions) == []


def test_removing_an_unknown_import_suggests_close_names(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    store = DatabaseImportStore(sessions)
    store.save("csl-2025.ftm.jsonl", _export(tmp_path / "a.jsonl", MAKER))
    with pytest.raises(UnknownNameError) as raised:
        store.remove("csl-2024.ftm.jsonl")
    assert list(raised.value.suggestions) == ["csl-2025.ftm.jsonl"]
    assert len(store.list()) == 1 and len(_entries(sessions)) == 1


def test_fingerprint_changes_exactly_when_the_imports_do(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    store = DatabaseImportStore(sessions)
    empty = store.fingerprint()
    store.save("a.jsonl", _export(tmp_path / "a.jsonl", MAKER))
    one = store.fingerprint()
    assert one != empty and store.fingerprint() == one
    store.save("a.jsonl", tmp_path / "a.jsonl", replace=True)  # the same bytes again
    assert store.fingerprint() == one
    store.save("a.jsonl", _export(tmp_path / "b.jsonl", OTHER), replace=True)
    changed = store.fingerprint()
    assert changed not in (one, empty)
    store.remove("a.jsonl")
    assert store.fingerprint() == empty


def test_the_old_imports_folder_is_copied_in_once_and_kept_with_a_note(
    sessions: sessionmaker[Session], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "imports"
    folder.mkdir()
    _export(folder / "csl.ftm.jsonl", MAKER, LISTING)
    _export(folder / "other.json", OTHER)
    _export(folder / "clash.jsonl", OTHER)
    (folder / ".importing-x1y2").write_text("half a file")  # an interrupted copy
    (folder / "notes.txt").write_text("not an import")
    store = DatabaseImportStore(sessions, actor="cli:bob")
    held = store.save("clash.jsonl", _export(tmp_path / "clash.jsonl", MAKER)).stored

    with caplog.at_level(logging.WARNING):
        moved = store.move_in(folder)
    assert moved == ["csl.ftm.jsonl", "other.json"]
    assert [item.name for item in store.list()] == ["clash.jsonl", "csl.ftm.jsonl", "other.json"]
    contents = dict((item.name, data) for item, data in store.contents())
    assert contents["csl.ftm.jsonl"] == (folder / "csl.ftm.jsonl").read_bytes()
    assert store.list()[0] == held  # the database's own import is not overwritten
    (notice,) = [record.getMessage() for record in caplog.records]
    assert "csl.ftm.jsonl, other.json" in notice and str(folder) in notice
    assert "clash.jsonl: the database holds a different import of that name" in notice
    assert MARKER in notice and "no longer reads that folder" in notice
    note = (folder / MARKER).read_text(encoding="utf-8")
    assert "csl.ftm.jsonl" in note and "clash.jsonl" in note and store.location in note
    assert (folder / "csl.ftm.jsonl").exists() and (folder / "other.json").exists()  # kept

    *_, first_move, second_move = _entries(sessions)
    assert (first_move.action, first_move.actor, first_move.after["name"]) == (
        "move", "cli:bob", "csl.ftm.jsonl")
    assert first_move.after["sha256"] == hashlib.sha256(contents["csl.ftm.jsonl"]).hexdigest()
    assert second_move.after["name"] == "other.json"

    # Once: a removed import does not come back from the folder, and nothing is said again.
    store.remove("other.json")
    caplog.clear()
    assert store.move_in(folder) == [] and caplog.records == []
    assert [item.name for item in store.list()] == ["clash.jsonl", "csl.ftm.jsonl"]


def test_an_unreadable_folder_file_is_left_out_and_the_rest_moved(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = tmp_path / "imports"
    folder.mkdir()
    _export(folder / "good.jsonl", MAKER)
    with (folder / "huge.jsonl").open("wb") as out:
        out.truncate(MAX_IMPORT_BYTES + 1)
    store = DatabaseImportStore(sessions)
    assert store.move_in(folder) == ["good.jsonl"]
    note = (folder / MARKER).read_text(encoding="utf-8")
    assert "huge.jsonl" in note and "512 MiB" in note


def test_the_web_app_loads_the_knowledge_again_only_when_the_imports_change(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dronevet.web import app as web

    monkeypatch.setattr(web, "KNOWLEDGE_RECHECK", -1.0)  # look at every request
    settings = Settings.at(tmp_path / "home", database_url=database_url)
    knowledge = web.Knowledge(settings)
    before = knowledge.get()
    assert knowledge.get() is before and "zz-maker" not in before.entities
    store = DatabaseImportStore(db.connect(database_url))
    store.save("csl.jsonl", _export(tmp_path / "csl.jsonl", MAKER, LISTING))
    after = knowledge.get()
    assert after is not before and "zz-maker" in after.entities
    assert knowledge.get() is after


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_kb_import_then_screen_and_vet_see_the_imported_maker(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("followthemoney", reason="kb import validates with followthemoney")
    monkeypatch.setenv("DRONEVET_HOME", str(tmp_path / "home"))
    if database_url.startswith("sqlite"):  # the default: the SQLite file in the home
        monkeypatch.delenv("DRONEVET_DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DRONEVET_DATABASE_URL", database_url)
    export = _export(tmp_path / "csl.ftm.jsonl", MAKER, LISTING)
    code, output = _cli("kb", "import", str(export))
    assert code == 0, output
    assert "Imported csl.ftm.json" in output and "kept in the database" in output
    code, output = _cli("kb", "import", str(export), "--replace")
    assert code == 0 and "replacing the earlier import of that name" in output

    code, output = _cli("screen", "Zephyr Quux Aerial", "--format", "json")
    assert code == 0, output
    assert json.loads(output)["match"]["entity_id"] == "zz-maker"
    bom = tmp_path / "bom.json"
    bom.write_text(json.dumps({"name": "ZQ-1", "manufacturer": "Zephyr Quux Aerial Ltd",
                               "final_assembly_country": "sg"}), encoding="utf-8")
    code, output = _cli("vet", "--bom", str(bom), "--policy", "us-ar-act525-2023",
                        "--use", "procure", "--as-of", "2026-03-02", "--format", "json")
    assert code == 0, output
    assert json.loads(output)["verdict"] == "prohibited"

    code, output = _cli("audit", "verify", "--format", "json")
    assert code == 0 and json.loads(output)["entries"] == 2
    assert _cli("kb", "remove-import", "csl.ftm.jsonl")[0] == 0
    code, output = _cli("screen", "Zephyr Quux Aerial", "--format", "json")
    assert code == 0 and json.loads(output)["match"] is None
    assert not (tmp_path / "home" / "imports").exists()  # nothing written to a folder


def test_reading_a_new_home_creates_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("DRONEVET_HOME", str(home))
    monkeypatch.delenv("DRONEVET_DATABASE_URL", raising=False)
    code, output = _cli("screen", "DJI", "--format", "json")
    assert code == 0 and json.loads(output)["match"]["entity_id"] == "dji"
    assert not home.exists()
    (home / "imports").mkdir(parents=True)  # an old folder waiting: now the store is opened
    _export(home / "imports" / "csl.jsonl", MAKER, LISTING)
    code, output = _cli("screen", "Zephyr Quux Aerial", "--format", "json")
    assert code == 0 and json.loads(output)["match"]["entity_id"] == "zz-maker"
    assert (home / "dronevet.sqlite3").exists()


def test_a_store_without_imports_is_read_without_the_database_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A home whose store holds a fleet but no import: `vet` and `screen` see the built-in
    base at once, without loading SQLAlchemy; the first import is then seen."""
    pytest.importorskip("followthemoney", reason="kb import validates with followthemoney")
    home = tmp_path / "home"
    monkeypatch.setenv("DRONEVET_HOME", str(home))
    monkeypatch.delenv("DRONEVET_DATABASE_URL", raising=False)
    assert _cli("fleet", "org", "Springfield Police", "--policies", "asda")[0] == 0
    probe = ("import sys, dronevet; kb = dronevet.load_knowledge(); "
             "print(len(kb.entities) > 0, 'sqlalchemy' in sys.modules)")
    env = {**os.environ, "DRONEVET_HOME": str(home)}
    found = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                           text=True, check=True)
    assert found.stdout.split() == ["True", "False"]
    assert _cli("kb", "import", str(_export(tmp_path / "csl.jsonl", MAKER, LISTING)))[0] == 0
    code, output = _cli("screen", "Zephyr Quux Aerial", "--format", "json")
    assert code == 0 and json.loads(output)["match"]["entity_id"] == "zz-maker"


def test_the_command_line_says_once_on_stderr_that_the_folder_was_moved(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    (home / "imports").mkdir(parents=True)
    _export(home / "imports" / "csl.jsonl", MAKER)
    env = {**os.environ, "DRONEVET_HOME": str(home),
           "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("DRONEVET_DATABASE_URL", None)
    command = [sys.executable, "-m", "dronevet.cli", "kb", "list-imports"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert "csl.jsonl" in first.stdout
    assert first.stderr.startswith("Copied 1 imported file (csl.jsonl) from the folder")
    again = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert "csl.jsonl" in again.stdout and again.stderr == ""


def test_a_hand_edited_row_is_what_check_reports(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from dronevet.knowledge.validate import check_builtin, with_imports_checked

    pytest.importorskip("followthemoney", reason="kb check validates with followthemoney")
    store = DatabaseImportStore(sessions)
    store.save("csl.jsonl", _export(tmp_path / "csl.jsonl", MAKER, LISTING))
    with db.transaction(sessions) as session:
        content = session.scalars(select(KnowledgeImportRow.content)).one()
        session.execute(update(KnowledgeImportRow).values(
            content=content + b'{"id": "x", "schema": "Kompany", "properties": {}}\n'))
    report = with_imports_checked(check_builtin(), store)
    (error,) = report.errors
    assert error.line == 3 and "import csl.jsonl in" in str(error.path)
    assert "'Kompany' is not an FtM schema" in error.message
