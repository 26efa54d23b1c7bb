"""Hostile captures: random frames, cut packets and truncated files are counted, never fatal."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.capture import linktypes
from dronevet.capture.packets import LinkLayerError, Packet
from dronevet.errors import CaptureFormatError
from dronevet.leaks import dns, http, quic, synth, tls
from dronevet.leaks.scan import Scanner, scan_capture

LINKS = sorted(linktypes.IP_CARRYING)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300), linktype=st.sampled_from(LINKS))
def test_any_frame_is_read_or_counted_as_skipped(data: bytes, linktype: int) -> None:
    scanner = Scanner()
    scanner.feed(Packet(1, 0, linktype, data, len(data)))
    scan = scanner.finish()
    assert scan.packets == 1


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=0, max_value=1500), index=st.integers(0, 107))
def test_a_real_frame_cut_anywhere_is_read_or_counted(cut: int, index: int) -> None:
    frame = synth.session()[index]
    data = synth.link_frame(linktypes.ETHERNET, frame)[:cut]
    scanner = Scanner()
    scanner.feed(Packet(7, 0, linktypes.ETHERNET, data, len(data)))
    skipped = scanner.finish().skipped
    assert all(where == [7] for where in skipped.examples.values())


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=400))
def test_payload_readers_raise_only_their_counted_error(data: bytes) -> None:
    for read in (dns.parse, tls.parse_client_hello, tls.certificate_list,
                 tls.server_hello_version, lambda d: quic.crypto_frames(d),
                 lambda d: quic.long_header(d, 0), http.requests, dns.messages_over_tcp):
        with contextlib.suppress(LinkLayerError):
            read(data)


def test_a_truncated_capture_keeps_its_frames_and_names_the_cut_frame(tmp_path: Path) -> None:
    whole = synth.write_pcap(tmp_path / "whole.pcap", linktypes.ETHERNET, synth.session())
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole.read_bytes()[:-30])
    scan = scan_capture(cut)
    assert scan.packets == 107
    assert scan.skipped.as_dict() == {
        "truncated record at end of file": {"count": 1, "examples": [108]}}


def test_a_dns_answer_that_points_at_itself_is_counted() -> None:
    looping = bytes.fromhex("0001818000010000000000") + b"\x00\xc0\x0c\x00\x01\x00\x01"
    udp = synth.udp("192.168.1.1", 53, "192.168.1.23", 5000, looping)
    scanner = Scanner()
    frame = synth.IpFrame(0, udp, synth.ROUTER_MAC, synth.PHONE_MAC)
    data = synth.link_frame(linktypes.ETHERNET, frame)
    scanner.feed(Packet(3, 0, linktypes.ETHERNET, data, len(data)))
    scan = scanner.finish()
    assert scan.skipped.total == 1 and len(scan.flows) == 1


def test_an_empty_file_is_named_and_said_to_be_empty(tmp_path: Path) -> None:
    empty = tmp_path / "phone.pcap"
    empty.write_bytes(b"")
    with pytest.raises(CaptureFormatError) as raised:
        scan_capture(empty)
    assert str(raised.value) == f"{empty}: not a pcap or pcapng capture (the file is empty)"
