"""The leak report: destinations named by their evidence, owners from the sourced domain table,
covered status from screening, the device told apart from its neighbours, the JSON contract,
the comparison's verdict and the self-contained HTML page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from publicsuffixlist import PublicSuffixList
from typer.testing import CliRunner

import dronevet
from dronevet.capture import linktypes
from dronevet.cli import app
from dronevet.errors import BadInputError, KnowledgeError
from dronevet.knowledge.domains import load_domains, parse_domains
from dronevet.leaks import synth
from dronevet.leaks.attribution import registrable_domain

AS_OF = "2026-06-01"


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("leaks")
    return synth.write_pcapng(folder / "app.pcapng", linktypes.ETHERNET, synth.session())


@pytest.fixture(scope="module")
def quiet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same phone with Local Data Mode on: only local DNS, nothing to the internet."""
    folder = tmp_path_factory.mktemp("quiet")
    frames = synth.session()[:2]
    return synth.write_pcap(folder / "ldm-on.pcap", linktypes.ETHERNET, frames)


def test_json_has_exactly_the_contract_keys(capture: Path) -> None:
    report = dronevet.analyze_capture(capture, as_of=AS_OF).to_dict()
    assert list(report) == ["capture", "packets", "skipped", "devices", "destinations",
                            "findings"]
    assert set(report["skipped"]) == {"count", "reasons"}
    assert set(report["destinations"][0]) == {
        "host", "domain", "addresses", "owner", "country", "asn", "asn_org", "covered_status",
        "bytes_up", "bytes_down", "first_seen", "last_seen", "protocols", "evidence"}


def test_dji_destination_is_owned_covered_and_evidenced(capture: Path) -> None:
    report = dronevet.analyze_capture(capture, as_of=AS_OF).to_dict()
    dji = next(d for d in report["destinations"] if d["host"] == "mydjiflight.dji.com")
    assert dji["domain"] == "dji.com"
    assert dji["owner"] == {"entity_id": "dji", "name": "SZ DJI Technology Co., Ltd."}
    assert dji["covered_status"] == "covered"
    assert {e["kind"] for e in dji["evidence"]} == {"dns", "sni", "cert"}
    assert dji["bytes_up"] > 40_000 > dji["bytes_down"]
    assert report["findings"][0]["severity"] == "high"
    assert "SZ DJI Technology Co., Ltd." in report["findings"][0]["text"]


def test_an_operator_not_in_the_entities_is_unknown_never_guessed(capture: Path) -> None:
    report = dronevet.analyze_capture(capture, as_of=AS_OF).to_dict()
    firebase = next(d for d in report["destinations"] if d["host"] == "dji-go.firebaseio.com")
    assert firebase["owner"] == {"entity_id": None, "name": "Google LLC (Firebase)"}
    assert firebase["covered_status"] == "unknown"
    broker = next(d for d in report["destinations"] if d["host"] == "3.120.0.50")
    assert broker["owner"] is None and broker["covered_status"] == "unknown"


def test_cleartext_http_to_the_crash_reporter_is_evidenced_and_warned(capture: Path) -> None:
    report = dronevet.analyze_capture(capture, as_of=AS_OF).to_dict()
    bugly = next(d for d in report["destinations"] if d["host"] == "android.bugly.qq.com")
    assert {(e["kind"], e["value"]) for e in bugly["evidence"]} == {
        ("http-host", "android.bugly.qq.com"), ("http-request", "POST /rqd/async"),
        ("http-user-agent", "DJI GO 4/4.3.0")}
    assert any("HTTP to android.bugly.qq.com is not encrypted" in f["text"]
               for f in report["findings"])


def test_other_devices_traffic_is_left_out_and_can_be_chosen(capture: Path) -> None:
    phone = dronevet.analyze_capture(capture, as_of=AS_OF)
    assert "www.example.org" not in {d.host for d in phone.destinations}
    assert set(phone.device) == {synth.PHONE, synth.PHONE6}  # one MAC, two addresses
    other = dronevet.analyze_capture(capture, device="02:00:00:00:00:77", as_of=AS_OF)
    assert [d.host for d in other.destinations] == ["www.example.org"]
    with pytest.raises(BadInputError):
        dronevet.analyze_capture(capture, device="10.9.9.9", as_of=AS_OF)


def test_compare_says_what_disappeared_and_that_nothing_left(capture: Path,
                                                              quiet: Path) -> None:
    result = dronevet.compare_captures(capture, quiet, as_of=AS_OF).to_dict()
    assert result["external_connections"] == {"a": True, "b": False}
    assert (result["a"]["external_connections"], result["b"]["external_connections"]) == (
        True, False)
    assert "mydjiflight.dji.com" in result["disappeared"] and result["appeared"] == []
    assert "no connection to the internet" in result["verdict"]


def test_cli_json_equals_the_api_and_html_is_self_contained(capture: Path,
                                                            tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["leaks", "analyze", str(capture), "--format", "json",
                               "--as-of", AS_OF])
    assert done.exit_code == 0
    assert json.loads(done.stdout) == json.loads(json.dumps(
        dronevet.analyze_capture(capture, as_of=AS_OF).to_dict()))
    page = tmp_path / "r.html"
    runner.invoke(app, ["leaks", "analyze", str(capture), "-f", "html", "-o", str(page)])
    text = page.read_text()
    assert text.count("<svg") == 2 and "<script" not in text
    # nothing is loaded; the one link allowed is the credit the ASN database's licence asks for
    assert "src=" not in text
    assert text.replace('href="https://db-ip.com"', "").count("href=") == 0


def test_cli_names_a_file_that_is_not_a_capture(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    done = CliRunner().invoke(app, ["leaks", "analyze", str(bad)])
    assert done.exit_code == 3 and "notes.txt" in done.output and "Traceback" not in done.output


def test_registrable_domain_uses_the_icann_suffixes() -> None:
    assert registrable_domain("dji-go.firebaseio.com") == "firebaseio.com"
    assert registrable_domain("a.b.example.co.uk") == "example.co.uk"
    assert registrable_domain("47.91.161.230") is None


@pytest.mark.parametrize("host", [
    "mydjiflight.dji.com", "dji.com", "com", "x.github.io", "a.b.ck", "www.ck",
    "a.city.kawasaki.jp", "city.kawasaki.jp", "b.a.kawasaki.jp", "a.b.c.pvt.k12.ma.us",
    "shop.xn--p1ai", "shop.рф", "a.b.бел", "a.example.unknowntld", "x.y.com.au"])
def test_registrable_domain_reads_the_list_as_the_package_does(host: str) -> None:
    """Only the rules for the host's last label are read, with the same answers as the
    package's whole ICANN list: wildcards, exceptions, non-ASCII suffixes, unknown ones."""
    whole = PublicSuffixList(only_icann=True)
    assert registrable_domain(host) == whole.privatesuffix(host)


def test_every_built_in_domain_is_sourced_and_names_a_known_entity() -> None:
    table = load_domains(dronevet.load_knowledge())
    assert {"dji.com", "djiservice.org", "skypixel.com", "fffsky.net"} <= set(table)
    assert all(entry.source.citation and entry.source.date for entry in table.values())


def test_a_domain_listed_twice_or_unsourced_is_refused() -> None:
    kb = dronevet.load_knowledge()
    twice = [{"domain": "a.com", "owner": "A", "source": "kivu-dji-go4-2018"}] * 2
    with pytest.raises(KnowledgeError, match="listed twice"):
        parse_domains(twice, kb.sources, where="domains.yaml")
    with pytest.raises(KnowledgeError, match="source"):
        parse_domains([{"domain": "a.com", "owner": "A"}], kb.sources, where="domains.yaml")


def test_cli_device_that_is_not_in_the_capture_is_one_sentence(capture: Path) -> None:
    hostile = "[bold]x[/] \x1b[31m"
    done = CliRunner().invoke(app, ["leaks", "analyze", str(capture), "--device", hostile])
    assert done.exit_code == 3 and "sent or received nothing" in done.output
    assert "Traceback" not in done.output and len(done.output.strip().splitlines()) == 1
    # it names the capture and the local devices it does hold
    assert capture.name in done.output and "192.168.1.23" in done.output
