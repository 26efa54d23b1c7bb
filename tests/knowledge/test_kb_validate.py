"""`kb check` catches broken data and names the file and line: each test breaks one thing in a
copy of the built-in data, the way a careless edit would."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dronevet.knowledge.loader import data_dir
from dronevet.knowledge.validate import CheckReport, check_directory
from shared_files import require_module

require_module("followthemoney")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    return copy


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _edit_ftm(data: Path, record_id: str, change) -> int:
    """Apply `change` to the FtM record with `record_id`; return its line number."""
    path = data / "entities.ftm.jsonl"
    lines = _lines(path)
    for number, text in enumerate(lines, start=1):
        record = json.loads(text)
        if record["id"] == record_id:
            change(record)
            lines[number - 1] = json.dumps(record, ensure_ascii=False) + "\n"
            path.write_text("".join(lines), encoding="utf-8")
            return number
    raise AssertionError(f"{record_id} not in the data")


def _append_ftm(data: Path, record: dict) -> int:
    path = data / "entities.ftm.jsonl"
    lines = _lines(path)
    lines.append(json.dumps(record) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)


def _only_error(report: CheckReport) -> str:
    assert len(report.errors) == 1, "\n".join(map(str, report.errors))
    return str(report.errors[0])


def test_the_unbroken_copy_passes(data: Path) -> None:
    assert check_directory(data).ok


def test_link_to_a_missing_entity_is_named_with_its_line(data: Path) -> None:
    line = _edit_ftm(data, "link-anzu-dji", lambda r: r["properties"].update(object=["dji-typo"]))
    message = _only_error(check_directory(data))
    assert f"entities.ftm.jsonl, line {line}:" in message and "'dji-typo'" in message


def test_sanction_on_an_undeclared_list_is_an_error(data: Path) -> None:
    line = _edit_ftm(
        data, "sanction-dji-1260h", lambda r: r["properties"].update(programId=["us-dod-1260"])
    )
    message = _only_error(check_directory(data))
    assert f"line {line}:" in message and "undeclared list 'us-dod-1260'" in message


def test_record_without_a_source_is_an_error(data: Path) -> None:
    line = _edit_ftm(data, "sanction-autel-1260h", lambda r: r.pop("source"))
    report = check_directory(data)
    assert any(f"line {line}:" in str(e) and "no source" in str(e) for e in report.errors)


def test_product_citing_an_unknown_source_names_the_product(data: Path) -> None:
    path = data / "products.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("source: dji-manufacturing", "source: dji-manufactring", 1), encoding="utf-8"
    )
    message = _only_error(check_directory(data))
    assert "products.yaml" in message and "dji-mavic-3-enterprise" in message
    assert "unknown source id 'dji-manufactring'" in message


def test_designation_that_ends_before_it_starts_is_an_error(data: Path) -> None:
    line = _edit_ftm(
        data, "fl-dms-parrot", lambda r: r["properties"].update(endDate=["2019-01-01"])
    )
    message = _only_error(check_directory(data))
    assert f"line {line}:" in message and "after it ends 2019-01-01" in message


def test_malformed_date_is_an_error_in_ftm_and_in_products(data: Path) -> None:
    line = _edit_ftm(
        data, "sanction-dji-ns-cmic", lambda r: r["properties"].update(listingDate=["16/12/2021"])
    )
    report = check_directory(data)
    assert any(f"line {line}:" in str(e) and "16/12/2021" in str(e) for e in report.errors)


def test_far_future_date_in_a_list_status_names_the_product_line(data: Path) -> None:
    path = data / "products.yaml"
    lines = _lines(path)
    index = next(i for i, t in enumerate(lines) if "start: '2024-05-28'" in t)
    lines[index] = lines[index].replace("2024-05-28", "2204-05-28")
    path.write_text("".join(lines), encoding="utf-8")
    product_line = max(i for i, t in enumerate(lines[:index]) if t.startswith("- id:")) + 1
    message = _only_error(check_directory(data))
    assert f"products.yaml, line {product_line}:" in message and "2204-05-28" in message


def test_duplicate_ids_are_errors(data: Path) -> None:
    line = _append_ftm(
        data,
        {
            "id": "dji",
            "schema": "Company",
            "source": "dji-company-profile",
            "properties": {"name": ["DJI again"], "country": ["cn"]},
        },
    )
    message = _only_error(check_directory(data))
    assert f"line {line}:" in message and "'dji' already used on line 1" in message


def test_duplicate_source_ids_are_errors_although_yaml_keeps_the_last(data: Path) -> None:
    path = data / "sources.yaml"
    lines = _lines(path)
    lines += ["dji-manufacturing:\n", "  citation: again\n", "  date: 2020-01-01\n"]
    path.write_text("".join(lines), encoding="utf-8")
    report = check_directory(data)
    assert any(f"sources.yaml, line {len(lines) - 2}:" in str(e) for e in report.errors)


def test_property_the_ftm_model_does_not_know_is_an_error(data: Path) -> None:
    line = _edit_ftm(data, "anzu-robotics", lambda r: r["properties"].update(founder=["x"]))
    message = _only_error(check_directory(data))
    assert f"line {line}:" in message and "Company has no property 'founder'" in message


def test_invalid_country_code_is_an_error(data: Path) -> None:
    line = _edit_ftm(data, "wingtra", lambda r: r["properties"].update(country=["swiss"]))
    message = _only_error(check_directory(data))
    assert f"line {line}:" in message and "'swiss' is not a valid country" in message


def test_missing_required_product_and_too_few_products_are_errors(data: Path) -> None:
    path = data / "products.yaml"
    text = path.read_text(encoding="utf-8")
    kept = text.split("\n- id: ")[:21]  # header + the first 20 products
    path.write_text("\n- id: ".join(kept) + "\n", encoding="utf-8")
    messages = [str(e) for e in check_directory(data).errors]
    assert any("required products missing" in m and "brinc-lemur-2" in m for m in messages)
    assert any("only 20 products" in m for m in messages)


def test_product_maker_that_is_not_an_entity_is_an_error(data: Path) -> None:
    path = data / "products.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("manufacturer: brinc\n", "manufacturer: brinc-drones\n", 1), encoding="utf-8"
    )
    message = _only_error(check_directory(data))
    assert "'brinc-lemur-2'" in message and "'brinc-drones' is not an entity" in message


def test_counts_include_unverified_facts(data: Path) -> None:
    before = check_directory(data).counts["unverified_facts"]
    _edit_ftm(data, "sanction-dji-1260h", lambda r: r.update(verified=False))
    assert check_directory(data).counts["unverified_facts"] == before + 1


@pytest.mark.parametrize(
    ("citation", "what"),
    [
        ("Skydio is in Hayward (dronevet research notes)", "research notes"),
        ("Domicile from general knowledge", "general knowledge"),
        ("Makers' own websites (company pages)", "makers' websites"),
        ("Makers' published specification pages for each model", "makers' websites"),
    ],
)
def test_a_source_that_names_no_document_is_an_error(data: Path, citation: str, what: str) -> None:
    path = data / "sources.yaml"
    lines = _lines(path)
    lines += ["blanket-source:\n", f'  citation: "{citation}"\n', "  date: 2020-01-01\n"]
    path.write_text("".join(lines), encoding="utf-8")
    messages = [str(e) for e in check_directory(data).errors]
    assert any(
        "'blanket-source'" in m and what in m and "not a specific document" in m for m in messages
    ), messages
