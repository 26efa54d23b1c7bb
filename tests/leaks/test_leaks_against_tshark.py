"""The scanner extracts the same DNS names, server names (TLS and QUIC), HTTP requests and
flow byte counts as tshark, on a phone app session written on every link layer it reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from dronevet.capture import linktypes
from dronevet.leaks import synth
from dronevet.leaks.scan import Scan, scan_capture
from leaks.tshark_oracle import extract
from shared_files import require_tool

CASES = [
    ("ethernet.pcap", linktypes.ETHERNET, synth.write_pcap),
    ("ethernet.pcapng", linktypes.ETHERNET, synth.write_pcapng),
    ("sll.pcap", linktypes.LINUX_SLL, synth.write_pcap),
    ("sll2.pcapng", linktypes.LINUX_SLL2, synth.write_pcapng),
    ("raw.pcap", linktypes.RAW, synth.write_pcap),
    ("wifi.pcap", linktypes.IEEE802_11_RADIOTAP, synth.write_pcap),
]


def ours(scan: Scan) -> dict[str, set[object]]:
    evidence = [e for flow in scan.flows for e in flow.evidence]
    flows: set[object] = set()
    for flow in scan.flows:
        ends = {((flow.client, flow.client_port), flow.packets_up, flow.bytes_up),
                ((flow.server, flow.server_port), flow.packets_down, flow.bytes_down)}
        flows.add((flow.transport, frozenset(e for e in ends if e[1])))
    return {
        "names": {name for name, _ in scan.dns_questions},
        "snis": {e.value for e in evidence if e.kind in ("sni", "quic-sni")},
        "hosts": {e.value for e in evidence if e.kind == "http-host"},
        "requests": {e.value for e in evidence if e.kind in ("http-request", "http-user-agent")},
        "flows": flows,
    }


@pytest.fixture(scope="module")
def session() -> list[synth.IpFrame]:
    return synth.session()


@pytest.mark.parametrize(("name", "linktype", "write"), CASES, ids=[c[0] for c in CASES])
def test_names_server_names_and_flow_bytes_equal_tshark(
    tmp_path: Path, session: list[synth.IpFrame], name: str, linktype: int,
    write: synth.Writer,
) -> None:
    tshark = require_tool("tshark")
    capture = write(tmp_path / name, linktype, session)
    expected, found = extract(tshark, capture), ours(scan_capture(capture))
    for key in ("names", "snis", "hosts", "requests", "flows"):
        assert found[key] == expected[key], key


@pytest.mark.parametrize("write", [synth.write_pcap, synth.write_pcapng])
def test_many_connections_equal_tshark(tmp_path: Path, write: synth.Writer) -> None:
    """Bulk app traffic (the benchmark's kind) through the batch path: still no difference."""
    tshark = require_tool("tshark")
    capture = write(tmp_path / "bulk", linktypes.ETHERNET, synth.bulk_frames(2_000_000))
    expected, found = extract(tshark, capture), ours(scan_capture(capture))
    for key in ("names", "snis", "flows"):
        assert found[key] == expected[key], key
    assert len(found["snis"]) > 20


def test_the_session_holds_what_the_oracle_must_see(session: list[synth.IpFrame],
                                                    tmp_path: Path) -> None:
    """The generated session is not trivially empty: QUIC, IPv6, fragments, DNS over TCP."""
    found = ours(scan_capture(synth.write_pcap(tmp_path / "s.pcap", linktypes.ETHERNET,
                                               session)))
    assert {"mydjiflight.dji.com", "api.mapbox.com", "dji-go.firebaseio.com",
            "www.example.org"} == found["snis"]
    assert {"dl.djicdn.com", "content.djiservice.org"} <= found["names"]
    assert found["hosts"] == {"android.bugly.qq.com"}
