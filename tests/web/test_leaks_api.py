"""`POST /leaks/analyze` and `/leaks/compare` answer exactly the core's `to_dict()` for an
uploaded capture (the JSON `dronevet leaks analyze --format json` writes), the HTML report
with its own narrow content policy, and a clear 422 naming a file that is not a capture."""

from __future__ import annotations

from pathlib import Path

import pytest

from dronevet import api as core
from dronevet.capture import linktypes
from dronevet.leaks import synth
from web.conftest import Api

USER = "fire-viewer"
AS_OF = "2026-06-01"


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The app's session (Local Data Mode off), and the same phone with only local DNS."""
    folder = tmp_path_factory.mktemp("uploads")
    return (synth.write_pcapng(folder / "ldm-off.pcapng", linktypes.ETHERNET, synth.session()),
            synth.write_pcap(folder / "ldm-on.pcap", linktypes.ETHERNET, synth.session()[:2]))


def _file(path: Path, field: str = "capture") -> dict[str, tuple[str, bytes, str]]:
    return {field: (path.name, path.read_bytes(), "application/vnd.tcpdump.pcap")}


def test_analyze_answers_the_cores_json(api: Api, captures: tuple[Path, Path]) -> None:
    off, _ = captures
    answer = api.send("POST", "/api/v1/leaks/analyze", USER, files=_file(off),
                      data={"as_of": AS_OF})
    assert answer.status_code == 200, answer.text
    expected = core.analyze_capture(off, as_of=AS_OF, label=off.name).to_dict()
    assert answer.json() == expected
    hosts = {d["host"]: d for d in answer.json()["destinations"]}
    assert hosts["mydjiflight.dji.com"]["covered_status"] == "covered"


def test_a_named_device_and_the_html_report(api: Api, captures: tuple[Path, Path]) -> None:
    off, _ = captures
    answer = api.send("POST", "/api/v1/leaks/analyze?format=html", USER, files=_file(off),
                      data={"as_of": AS_OF, "device": synth.OTHER})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
    assert "www.example.org" in answer.text and "mydjiflight.dji.com" not in answer.text
    assert "<script" not in answer.text


def test_compare_answers_the_cores_json(api: Api, captures: tuple[Path, Path]) -> None:
    off, on = captures
    files = {**_file(off, "a"), **_file(on, "b")}
    answer = api.send("POST", "/api/v1/leaks/compare", USER, files=files, data={"as_of": AS_OF})
    assert answer.status_code == 200, answer.text
    expected = core.compare_captures(off, on, as_of=AS_OF, labels=(off.name, on.name))
    assert answer.json() == expected.to_dict()
    assert answer.json()["external_connections"] == {"a": True, "b": False}


def test_a_file_that_is_not_a_capture_is_named(sqlite_api: Api, tmp_path: Path) -> None:
    notes = tmp_path / "flight-notes.txt"
    notes.write_text("took off at 10:02, landed 10:15\n", encoding="utf-8")
    answer = sqlite_api.send("POST", "/api/v1/leaks/analyze", USER, files=_file(notes))
    assert answer.status_code == 422, answer.text
    assert "flight-notes.txt" in answer.json()["detail"]
    assert str(tmp_path) not in answer.json()["detail"]  # the server's folders stay its own


def test_an_unknown_device_is_a_clear_422(sqlite_api: Api, captures: tuple[Path, Path]) -> None:
    off, _ = captures
    answer = sqlite_api.send("POST", "/api/v1/leaks/analyze", USER, files=_file(off),
                             data={"device": "10.9.9.9"})
    assert answer.status_code == 422
    assert "10.9.9.9" in answer.json()["detail"]


def test_nobody_signed_out_may_upload(sqlite_api: Api, captures: tuple[Path, Path]) -> None:
    off, _ = captures
    assert sqlite_api.send("POST", "/api/v1/leaks/analyze", None,
                           files=_file(off)).status_code == 401
