"""Checking a drone app's traffic in the browser: a CISO uploads a capture and reads who gets
the data (DJI, covered; Tencent's crash reporter), downloads the report, then compares the
capture with one made with Local Data Mode on and is told nothing left the phone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from dronevet.capture import linktypes
from dronevet.leaks import synth
from web_ui.browser import sign_in
from web_ui.page_checks import check_page


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("captures")
    return (synth.write_pcapng(folder / "ldm-off.pcapng", linktypes.ETHERNET, synth.session()),
            synth.write_pcap(folder / "ldm-on.pcap", linktypes.ETHERNET, synth.session()[:2]))


def test_a_capture_shows_who_gets_the_data_and_a_second_one_shows_nothing_left(
        browser: Any, server: str, artifacts: Path, captures: tuple[Path, Path]) -> None:
    off, on = captures
    page = sign_in(browser, server, "viewer")
    page.get_by_role("link", name="App traffic").click()
    check_page(page, artifacts, "leaks")
    page.get_by_label("Capture file (.pcap or .pcapng)").set_input_files(str(off))
    page.get_by_label("Covered status on the day").first.fill("2026-06-01")
    page.get_by_role("button", name="Check the capture").click()
    main = page.inner_text("main")
    assert "What ldm-off.pcapng shows being sent, and to whom" in main
    assert re.search(r"HIGH .*SZ DJI Technology.*mydjiflight\.dji\.com", main), main
    table = page.get_by_role("table", name=re.compile("Every destination")).inner_text()
    assert "mydjiflight.dji.com" in table and "Tencent" in table
    assert page.locator("svg[aria-label='bytes per destination']").count() == 1
    if "DB-IP" in main:  # the ASN database is installed: its licence asks for a link back
        assert page.locator("a[href='https://db-ip.com']").count() >= 1
    check_page(page, artifacts, "leaks-report")
    with page.expect_download() as waiting:
        page.get_by_role("link", name=re.compile("Download this report")).click()
    report = Path(waiting.value.path()).read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and "mydjiflight.dji.com" in report
    page.get_by_label("First capture (say, Local Data Mode off)").set_input_files(str(off))
    page.get_by_label("Second capture (say, Local Data Mode on)").set_input_files(str(on))
    page.get_by_role("button", name="Compare the captures").click()
    verdict = page.get_by_role("status").inner_text()
    assert "ldm-on.pcap" in verdict and "no connection to the internet" in verdict
    assert "mydjiflight.dji.com" in page.inner_text("main")
    check_page(page, artifacts, "leaks-compare")


def test_the_sample_capture_downloads_and_checks(browser: Any, server: str) -> None:
    page = sign_in(browser, server, "viewer")
    page.goto(server + "/leaks")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download a sample capture").click()
    sample = waiting.value.path()
    page.get_by_label("Capture file (.pcap or .pcapng)").set_input_files(sample)
    page.get_by_role("button", name="Check the capture").click()
    assert "mydjiflight.dji.com" in page.get_by_role("table").first.inner_text()


def test_a_file_that_is_not_a_capture_is_named_on_the_page(
        browser: Any, server: str, tmp_path: Path) -> None:
    notes = tmp_path / "flight-notes.txt"
    notes.write_text("took off at 10:02\n", encoding="utf-8")
    page = sign_in(browser, server, "viewer")
    page.goto(server + "/leaks")
    page.get_by_label("Capture file (.pcap or .pcapng)").set_input_files(str(notes))
    page.get_by_role("button", name="Check the capture").click()
    assert "flight-notes.txt" in page.get_by_role("alert").inner_text()
