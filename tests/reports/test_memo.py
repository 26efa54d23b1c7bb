"""The procurement decision memo a legal office reads: every verdict under the policies
that bind the agency, with its clause, its source document and date, the UNVERIFIED
marks, a recommendation, and the PDF says the same as the page."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from dronevet.fleet.model import Binding, Organisation
from dronevet.knowledge import load_builtin
from dronevet.policy.model import VerdictKind
from dronevet.reports.memo import decision_memo
from dronevet.reports.pdf import pdf_of
from dronevet.reports.render import linked, render_memo
from reports.pdf_text import pdf_text

FLORIDA_SHERIFF = Organisation(
    "Test County Sheriff", (Binding("us-fl-934-50"), Binding("us-asda-2023", ("fund",))), "us-fl")
ON = date(2025, 12, 22)
PREPARED = date(2026, 1, 5)

CAMERA_BOM = """\
name: Test Inspector
manufacturer: Skydio
manufacturer_country: us
final_assembly_country: us
components:
  - {kind: flight_controller, maker: Skydio, made_in: us}
  - {kind: camera, maker: "SZ DJI Technology Co., Ltd.", made_in: cn}
"""


def test_the_memo_answers_under_each_policy_and_use_that_binds_the_agency() -> None:
    memo = decision_memo(load_builtin(), "DJI M30T", as_of=ON, prepared_on=PREPARED,
                         organisation=FLORIDA_SHERIFF)
    asked = [(e.verdict.policy.id, e.verdict.use.value) for e in memo.entries]
    assert asked == [("us-fl-934-50", "procure"), ("us-fl-934-50", "operate"),
                     ("us-asda-2023", "fund")]
    assert {e.verdict.verdict for e in memo.entries} == {VerdictKind.prohibited}
    assert memo.recommendation.startswith("Not recommended: on 2025-12-22 DJI Matrice 30T")
    assert "procurement and operation under us-fl-934-50" in memo.recommendation
    assert "funding under us-asda-2023" in memo.recommendation


def test_without_an_agency_the_memo_answers_every_policy_for_the_uses_it_regulates() -> None:
    memo = decision_memo(load_builtin(), "skydio-x10", as_of=ON, prepared_on=PREPARED)
    assert memo.prepared_for is None
    policies = {e.verdict.policy.id for e in memo.entries}
    assert {"us-fl-934-50", "us-asda-2023", "us-dod-ndaa2020-848"} <= policies
    assert all(e.verdict.policy.regulates(e.verdict.use) for e in memo.entries)


def test_the_pdf_names_each_verdict_its_clause_source_and_date() -> None:
    memo = decision_memo(load_builtin(), "DJI M30T", as_of=ON, prepared_on=PREPARED,
                         organisation=FLORIDA_SHERIFF)
    text = pdf_text(pdf_of(render_memo(memo)))
    assert "Procurement decision memo" in text
    assert "Prepared for: Test County Sheriff" in text
    assert "Verdicts as of: 2025-12-22" in text
    assert "Recommendation: Not recommended" in text
    for entry in memo.entries:
        decisive = entry.verdict.decisive()
        assert decisive is not None
        assert decisive.citation.clause in text
        source = decisive.citation.source
        assert f"{source.date.isoformat()}" in text
    assert "us-fl-934-50, procurement: PROHIBITED" in text
    assert "s. 934.50 (SB 2512, 2022)" in text  # Florida's clause
    assert "§1825" in text  # ASDA's funding clause
    assert "UNVERIFIED" in text


def test_a_bom_with_a_chinese_camera_is_named_and_its_camera_rule_cited(tmp_path: Path) -> None:
    bom = tmp_path / "inspector.yaml"
    bom.write_text(CAMERA_BOM, encoding="utf-8")
    memo = decision_memo(load_builtin(), bom, as_of=ON, prepared_on=PREPARED,
                         organisation=Organisation("Base", (Binding("us-dod-ndaa2020-848"),)))
    assert memo.subject == "Test Inspector" and memo.from_bom == "inspector.yaml"
    assert {e.verdict.verdict for e in memo.entries} == {VerdictKind.prohibited}
    html = render_memo(memo)
    assert "bill of materials inspector.yaml" in html
    camera = [r for e in memo.entries for r in e.verdict.reasons if "camera" in r.text.lower()]
    assert camera and camera[0].citation.clause in pdf_text(pdf_of(html))


def test_text_in_the_memo_is_escaped(tmp_path: Path) -> None:
    bom = tmp_path / "x.yaml"
    bom.write_text(CAMERA_BOM.replace("Test Inspector", "<script>alert(1)</script>"), "utf-8")
    memo = decision_memo(load_builtin(), bom, as_of=ON, prepared_on=PREPARED)
    html = render_memo(memo)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_urls_in_a_citation_become_links_and_the_rest_stays_text() -> None:
    found = str(linked("DIU page <b>, https://www.diu.mil/blue-uas-policy. Read 2021"))
    assert found == ('DIU page &lt;b&gt;, <a href="https://www.diu.mil/blue-uas-policy">'
                     'https://www.diu.mil/blue-uas-policy</a>. Read 2021')


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web_server() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_pdf_maker_fetches_nothing(web_server: str, tmp_path: Path) -> None:
    """A report never reaches the network or the disk: images, stylesheets and fonts named
    by URL are refused."""
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }", encoding="utf-8")
    _Counting.hits.clear()
    page = (f'<html><head><link rel="stylesheet" href="{web_server}/style.css">'
            f'<link rel="stylesheet" href="{secret.as_uri()}">'
            f'<style>@font-face {{ font-family: X; src: url({web_server}/font.ttf) }}</style>'
            f'</head><body><p>Offline</p><img src="{web_server}/logo.png"></body></html>')
    text = pdf_text(pdf_of(page))
    assert "Offline" in text
    assert _Counting.hits == []
