"""`dronevet report memo|fleet`: the memo and the fleet compliance report written as the
file's name says (PDF or HTML), with the verdict words, clauses and sources a legal office
looks for; a name that says no format, or an organisation the store lacks, is refused in
one sentence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from commands.conftest import output_of
from reports.pdf_text import pdf_text

Run = Callable[..., Result]

FLEET_CSV = """\
serial,model,purchase_date,price,funding,missions,flight_hours
DJI-1,DJI M30T,2021-03-01,10900,federal-grant,search-and-rescue,120.5
SKY-1,Skydio X10,2024-05-01,16800,county,law-enforcement,40
"""


def _fleet(run: Run, tmp_path: Path) -> None:
    result = run("fleet", "org", "Test Sheriff", "--policies", "florida,asda")
    assert result.exit_code == 0, output_of(result)
    register = tmp_path / "fleet.csv"
    register.write_text(FLEET_CSV, encoding="utf-8")
    result = run("fleet", "import", str(register), "--org", "Test Sheriff")
    assert result.exit_code == 0, output_of(result)


def test_a_memo_as_pdf_names_verdicts_clauses_and_the_recommendation(
    run: Run, tmp_path: Path
) -> None:
    _fleet(run, tmp_path)
    out = tmp_path / "memo.pdf"
    result = run("report", "memo", "DJI M30T", "--org", "Test Sheriff", "--as-of",
                 "2025-12-22", "-o", str(out))
    assert result.exit_code == 0, output_of(result)
    assert "Not recommended" in result.output
    text = pdf_text(out.read_bytes())
    for words in ("Prepared for: Test Sheriff", "PROHIBITED", "s. 934.50 (SB 2512, 2022)",
                  "§1824", "(us-asda-2023), operation", "UNVERIFIED", "Sources"):
        assert words in text, words


def test_a_memo_for_a_bom_as_html(run: Run, tmp_path: Path) -> None:
    bom = tmp_path / "system.yaml"
    bom.write_text("name: Harbor Inspector\nmanufacturer: Skydio\nmanufacturer_country: us\n"
                   "final_assembly_country: us\ncomponents:\n"
                   "  - {kind: camera, maker: \"SZ DJI Technology Co., Ltd.\", made_in: cn}\n",
                   encoding="utf-8")
    out = tmp_path / "memo.html"
    result = run("report", "memo", "--bom", str(bom), "--as-of", "2025-12-22", "-o", str(out))
    assert result.exit_code == 0, output_of(result)
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Harbor Inspector" in html and "bill of materials system.yaml" in html
    assert 'class="verdict prohibited"' in html


def test_the_fleet_report_as_pdf_names_grounded_aircraft_and_sources(
    run: Run, tmp_path: Path
) -> None:
    _fleet(run, tmp_path)
    out = tmp_path / "fleet.pdf"
    result = run("report", "fleet", "--org", "Test Sheriff", "--as-of", "2025-12-22",
                 "-o", str(out))
    assert result.exit_code == 0, output_of(result)
    assert "2 aircraft in service, 1 grounded" in result.output
    text = pdf_text(out.read_bytes())
    for words in ("Fleet compliance report", "Organisation: Test Sheriff", "DJI-1",
                  "operation prohibited since", "s. 934.50 (SB 2512, 2022)", "$10,900"):
        assert words in text, words


def test_an_output_name_without_a_format_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    result = run("report", "memo", "DJI M30T", "-o", str(tmp_path / "memo.docx"))
    assert result.exit_code == 2
    assert "must end in .pdf or .html" in output_of(result)
    assert not (tmp_path / "memo.docx").exists()


def test_an_unknown_organisation_is_bad_input_named_in_one_sentence(
    run: Run, tmp_path: Path
) -> None:
    result = run("report", "fleet", "--org", "Nobody", "-o", str(tmp_path / "f.pdf"))
    assert result.exit_code == 3
    assert output_of(result).count("error:") == 1 and "Nobody" in output_of(result)


def test_a_file_that_cannot_be_written_is_bad_input(run: Run, tmp_path: Path) -> None:
    result = run("report", "memo", "DJI M30T", "-o", str(tmp_path / "missing" / "memo.html"))
    assert result.exit_code == 3
    assert "cannot write it" in output_of(result)
