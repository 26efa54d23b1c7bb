"""Third-party SDK servers in a drone app's traffic, attributed to their operators: the
crash reporter DJI GO 4 posts to (Tencent's Bugly, Kivu 2018) is Tencent Holdings Limited,
on the DoD 1260H list since the update of 2025-01-07; the map tiles (Mapbox, Inc.) are not
covered. Programs that count only the 1260H list read the same owner on their own terms."""

from __future__ import annotations

from datetime import date

import pytest

import dronevet
from dronevet.capture import linktypes
from dronevet.knowledge.loader import KnowledgeBase
from dronevet.leaks import synth
from dronevet.policy.loader import builtin_policies
from dronevet.screening.control import determine
from dronevet.screening.model import CoveredStatus

AS_OF = "2026-06-01"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return dronevet.load_knowledge()


@pytest.fixture(scope="module")
def report(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("sdk") / "app.pcapng"
    synth.write_pcapng(path, linktypes.ETHERNET, synth.session())
    return dronevet.analyze_capture(path, as_of=AS_OF, kb=kb).to_dict()


def _destination(report: dict, host: str) -> dict:
    return next(d for d in report["destinations"] if d["host"] == host)


def test_bugly_crash_reports_go_to_tencent_a_covered_entity(report: dict) -> None:
    bugly = _destination(report, "android.bugly.qq.com")
    assert bugly["domain"] == "qq.com"
    assert bugly["owner"] == {"entity_id": "tencent", "name": "Tencent Holdings Limited"}
    assert bugly["covered_status"] == "covered"
    (finding,) = [f for f in report["findings"] if "android.bugly.qq.com, registered" in f["text"]]
    assert finding["severity"] == "high"
    assert "Tencent Holdings Limited (a covered entity as of 2026-06-01" in finding["text"]


def test_map_tiles_go_to_mapbox_which_is_not_covered(report: dict) -> None:
    mapbox = _destination(report, "api.mapbox.com")
    assert mapbox["owner"] == {"entity_id": "mapbox", "name": "Mapbox, Inc."}
    assert mapbox["covered_status"] == "not_covered"


def test_the_1260h_programs_read_the_crash_reporters_owner_by_the_list_dates(
    report: dict, kb: KnowledgeBase
) -> None:
    owner = _destination(report, "android.bugly.qq.com")["owner"]["entity_id"]
    book = builtin_policies(kb)
    section_805 = book.get("us-dod-ndaa2024-805").coverage
    nevada = book.get("us-nv-sb11").coverage
    assert section_805 is not None and nevada is not None
    # Listed 2025-01-07 on a notice whose list dronevet has not read: a question for a person.
    before = determine(kb, owner, date(2025, 1, 6), section_805.criteria)
    after = determine(kb, owner, date(2025, 1, 7), section_805.criteria)
    assert before.status is CoveredStatus.not_covered
    assert after.status is CoveredStatus.review
    assert any("1260H" in r.text and "2025-01-07" in r.text for r in after.reasons)
    # Nevada reads the list as it stood on 2024-01-31, before Tencent was added.
    assert determine(kb, owner, date(2026, 6, 1), nevada.criteria).status is (
        CoveredStatus.not_covered
    )
