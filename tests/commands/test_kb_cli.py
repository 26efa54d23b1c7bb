"""`dronevet kb import`: an OpenSanctions-style FtM export is validated with followthemoney and
added all or nothing; imported entities are then part of the knowledge base."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dronevet.api import import_store, load_knowledge
from dronevet.commands import common
from dronevet.commands.kb import app
from dronevet.settings import Settings
from shared_files import require_module

require_module("followthemoney")

# Shaped like an OpenSanctions export (us_trade_csl): entity records carry datasets and
# first/last-seen stamps instead of dronevet's own `source` field.
COMPANY = {
    "id": "NK-7f3a9c",
    "schema": "Company",
    "caption": "Shenzhen Example Aviation Technology Co., Ltd.",
    "properties": {
        "name": ["Shenzhen Example Aviation Technology Co., Ltd."],
        "alias": ["Example Aviation", "深圳示例航空科技有限公司"],
        "country": ["cn"],
        "address": ["Nanshan District, Shenzhen, Guangdong"],
        "topics": ["sanction"],
        "sourceUrl": ["https://www.trade.gov/consolidated-screening-list"],
    },
    "datasets": ["us_trade_csl"],
    "first_seen": "2024-06-12T10:00:00",
    "last_seen": "2025-02-01T10:00:00",
    "target": True,
}
PARENT = {
    "id": "NK-11b2c3",
    "schema": "Company",
    "properties": {"name": ["Example Holdings Limited"], "jurisdiction": ["hk"]},
    "datasets": ["us_trade_csl"],
    "first_seen": "2024-06-12T10:00:00",
    "last_seen": "2025-02-01T10:00:00",
}
SANCTION = {
    "id": "NK-7f3a9c-sanction-bis",
    "schema": "Sanction",
    "properties": {
        "entity": ["NK-7f3a9c"],
        "authority": ["Bureau of Industry and Security"],
        "program": ["Entity List"],
        "programId": ["us-bis-entity-list"],
        "listingDate": ["2024-06-12"],
        "sourceUrl": ["https://www.federalregister.gov/"],
    },
    "datasets": ["us_trade_csl"],
    "first_seen": "2024-06-12T10:00:00",
    "last_seen": "2025-02-01T10:00:00",
}
OWNERSHIP = {
    "id": "NK-own-1",
    "schema": "Ownership",
    "properties": {
        "asset": ["NK-7f3a9c"],
        "owner": ["NK-11b2c3"],
        "percentage": ["60"],
        "startDate": ["2019-03"],
    },
    "datasets": ["us_trade_csl"],
    "first_seen": "2024-06-12T10:00:00",
    "last_seen": "2025-02-01T10:00:00",
}
ADDRESS = {
    "id": "addr-1",
    "schema": "Address",
    "properties": {"full": ["Nanshan District, Shenzhen"], "country": ["cn"]},
}


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("DRONEVET_HOME", str(tmp_path / "home"))
    # Wide consoles, so messages with long temporary paths are not wrapped.
    monkeypatch.setattr(common.console, "width", 400)
    monkeypatch.setattr(common.err_console, "width", 400)
    yield tmp_path / "home"


def _write(path: Path, records: list[dict], *, extra_lines: tuple[str, ...] = ()) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored() -> list[str]:
    """The names of the imports kept for the current DRONEVET_HOME."""
    return [item.name for item in import_store(Settings.from_env()).list()]


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_opensanctions_style_export_imports_and_is_loaded(tmp_path: Path) -> None:
    export = _write(tmp_path / "csl.ftm.json", [COMPANY, PARENT, SANCTION, OWNERSHIP, ADDRESS])
    result = _run("import", str(export), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["entities"], report["links"], report["designations"]) == (2, 1, 1)
    assert len(report["skipped"]) == 1 and "Address" in report["skipped"][0]
    assert stored() == ["csl.ftm.json"]

    kb = load_knowledge()
    company = kb.entities["NK-7f3a9c"]
    assert "深圳示例航空科技有限公司" in company.names and company.countries == ("cn",)
    (designation,) = kb.designations_of["NK-7f3a9c"]
    assert designation.list_id == "us-bis-entity-list" and not designation.source.verified
    (owner,) = kb.links_from["NK-7f3a9c"]
    assert owner.object == "NK-11b2c3" and owner.percentage == 60.0
    assert "dji" in kb.entities  # the built-in base is still there


def test_malformed_line_is_rejected_with_its_line_and_nothing_is_imported(
    tmp_path: Path, home: Path
) -> None:
    export = _write(tmp_path / "bad.ftm.json", [COMPANY, PARENT],
                    extra_lines=('{"id": "NK-x", "schema": "Company", "properties": ',))
    result = _run("import", str(export))
    assert result.exit_code == 3
    assert "bad.ftm.json, line 3" in result.output and "not valid JSON" in result.output
    assert "nothing was imported" in result.output
    assert stored() == []
    assert not (home / "imports").exists()


def test_record_invalid_for_followthemoney_is_rejected_with_its_line(tmp_path: Path) -> None:
    bad_sanction = {**SANCTION, "properties": {**SANCTION["properties"],
                                               "listingDate": ["twelfth of June"]}}
    export = _write(tmp_path / "bad.jsonl", [COMPANY, PARENT, bad_sanction])
    result = _run("import", str(export))
    assert result.exit_code == 3
    assert "line 3" in result.output and "'twelfth of June' is not a valid date" in result.output
    assert stored() == []


def test_a_second_import_under_the_same_name_needs_replace(tmp_path: Path) -> None:
    export = _write(tmp_path / "csl.ftm.json", [COMPANY])
    first = _run("import", str(export))
    assert first.exit_code == 0 and "Imported csl.ftm.json: 1 entities" in first.output
    again = _run("import", str(export))
    assert again.exit_code == 3 and "--replace" in again.output
    _write(export, [COMPANY, PARENT, OWNERSHIP])
    replaced = _run("import", str(export), "--replace")
    assert replaced.exit_code == 0
    assert "replacing the earlier import of that name: 2 entities, 1 links" in replaced.output
    assert stored() == ["csl.ftm.json"]
    assert "NK-11b2c3" in load_knowledge().entities


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from dronevet.knowledge.imports import MAX_IMPORT_BYTES

    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as out:  # sparse: no disk used, nothing read
        out.truncate(MAX_IMPORT_BYTES + 1)
    result = _run("import", str(huge))
    assert result.exit_code == 3
    assert f"{huge}: the file is larger than the 512 MiB an import may be" in result.output
    assert stored() == []


def test_import_that_redefines_a_builtin_entity_is_refused_naming_the_id(tmp_path: Path) -> None:
    # An export that also carries DJI under the built-in id must not silently replace the
    # sourced built-in record: the import is refused and nothing is stored.
    dji = {"id": "dji", "schema": "Company",
           "properties": {"name": ["SZ DJI Technology Co., Ltd."], "country": ["us"]}}
    result = _run("import", str(_write(tmp_path / "dji.jsonl", [COMPANY, dji])))
    assert result.exit_code == 3
    assert "redefines entities" in result.output and "dji" in result.output
    assert stored() == []
    assert load_knowledge().entities["dji"].countries == ("cn",)


def test_list_and_remove_imports(tmp_path: Path) -> None:
    _run("import", str(_write(tmp_path / "a.jsonl", [COMPANY])), "--name", "csl-2025")
    listed = json.loads(_run("list-imports", "--format", "json").output)
    assert [item["name"] for item in listed] == ["csl-2025.ftm.jsonl"]
    missing = _run("remove-import", "csl-2024.ftm.jsonl")
    assert missing.exit_code == 3 and "csl-2025.ftm.jsonl" in missing.output  # suggested
    assert _run("remove-import", "csl-2025.ftm.jsonl").exit_code == 0
    assert stored() == []


def test_show_lists_names_links_and_designations_with_sources() -> None:
    result = _run("show", "anzu-robotics", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    (licence,) = [link for link in data["links"] if link["other"] == "dji"]
    assert licence["kind"] == "licensee_of" and licence["disputed"]
    assert licence["source"]["date"] == "2024-08-27"
    dji = json.loads(_run("show", "dji", "--format", "json").output)
    lists = {d["list"]: d for d in dji["designations"]}
    assert lists["us-ofac-ns-cmic"]["listed"] == "2021-12-16" and lists["us-ofac-ns-cmic"]["active"]
    assert "prc-national-intelligence-law-art7" in dji["laws"]


def test_show_text_marks_unverified_facts() -> None:
    result = _run("show", "autel-robotics")
    assert result.exit_code == 0
    entity_list = next(line for line in result.output.splitlines()
                       if "dronelife.com" in line)
    assert "UNVERIFIED" in entity_list


def test_show_unknown_entity_suggests_close_ids() -> None:
    result = _run("show", "autel-robotic")
    assert result.exit_code == 3 and "autel-robotics" in result.output


def test_check_command_exits_0_on_builtin_data_and_reports_counts() -> None:
    result = _run("check", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["products"] >= 40


def test_empty_file_is_not_imported(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    result = _run("import", str(empty))
    assert result.exit_code == 3 and "no FtM records" in result.output
    assert stored() == []


def test_check_reports_a_broken_import_with_its_name_and_line(tmp_path: Path) -> None:
    from sqlalchemy import update

    from dronevet.store.import_rows import DatabaseImportStore
    from dronevet.store.models import KnowledgeImportRow

    export = _write(tmp_path / "csl.ftm.json", [COMPANY, SANCTION])
    assert _run("import", str(export)).exit_code == 0
    # Someone edits the stored import by hand afterwards, in the database.
    store = import_store(Settings.from_env())
    assert isinstance(store, DatabaseImportStore)
    with store.sessions.begin() as session:
        session.execute(update(KnowledgeImportRow).values(
            content=export.read_bytes() + b'{"id": "x", "schema": "Kompany", "properties": {}}\n'))
    result = _run("check", "--format", "json")
    assert result.exit_code == 3
    (error,) = json.loads(result.output)["errors"]
    assert error["path"].startswith("import csl.ftm.json in sqlite:///") and error["line"] == 3
    assert "'Kompany' is not an FtM schema" in error["message"]
    assert _run("check", "--no-imports").exit_code == 0


def test_list_and_remove_are_written_to_the_audit_log(tmp_path: Path) -> None:
    from dronevet.cli import app as dronevet

    _run("import", str(_write(tmp_path / "a.jsonl", [COMPANY])), "--name", "csl-2025")
    listed = json.loads(_run("list-imports", "--format", "json").output)
    assert listed[0]["sha256"] == hashlib.sha256((tmp_path / "a.jsonl").read_bytes()).hexdigest()
    assert _run("remove-import", "csl-2025.ftm.jsonl").exit_code == 0
    verified = CliRunner().invoke(dronevet, ["audit", "verify", "--format", "json"])
    assert verified.exit_code == 0 and json.loads(verified.output)["entries"] == 2
