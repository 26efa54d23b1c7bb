"""The batch path (numpy over chunks) finds exactly what the streaming path finds: the same
flows, counts, names, evidence and skips, frame for frame, in pcap and pcapng files."""

from __future__ import annotations

import dataclasses
import io
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.capture import linktypes
from dronevet.capture.files import open_capture
from dronevet.leaks import batch, synth
from dronevet.leaks.scan import Scan, Scanner, scan_capture


def streamed(path: Path) -> Scan:
    reader = open_capture(path, supported=linktypes.IP_CARRYING, reads=linktypes.IP_READS)
    scanner = Scanner()
    for packet in reader:
        scanner.feed(packet)
    scanner.skipped.merge(reader.skipped)
    return scanner.finish()


def same(path: Path) -> None:
    fast, slow = scan_capture(path), streamed(path)
    assert sorted(fast.flows, key=repr) == sorted(slow.flows, key=repr)
    assert (fast.packets, fast.dns_questions, fast.dns_answers, fast.macs) == (
        slow.packets, slow.dns_questions, slow.dns_answers, slow.macs)
    assert fast.skipped.as_dict() == slow.skipped.as_dict()
    assert (fast.first_ns, fast.last_ns) == (slow.first_ns, slow.last_ns)


@pytest.mark.parametrize("write", [synth.write_pcap, synth.write_pcapng])
@pytest.mark.parametrize("linktype", [linktypes.ETHERNET, linktypes.LINUX_SLL2, linktypes.RAW])
def test_the_session_reads_the_same_both_ways(tmp_path: Path, write: synth.Writer,
                                              linktype: int) -> None:
    same(write(tmp_path / "s", linktype, synth.session()))


@pytest.mark.parametrize("chunk", [1000, 100])
def test_chunks_split_records_and_a_cut_last_one_is_counted(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             chunk: int) -> None:
    """Many chunk edges inside records and blocks; at 100 bytes most records and blocks are
    longer than a chunk, so the next chunk is made longer. A file on disk (read again from
    each chunk's end) and the same bytes as a stream (the rest carried over) read alike."""
    monkeypatch.setattr(batch, "CHUNK", chunk)
    for write in (synth.write_pcap, synth.write_pcapng):
        path = write(tmp_path / "s", linktypes.ETHERNET, synth.session())
        path.write_bytes(path.read_bytes()[:-25])
        same(path)
        on_disk = scan_capture(path)
        assert on_disk.skipped.total >= 1
        as_stream = scan_capture(io.BytesIO(path.read_bytes()), label=str(path))
        assert sorted(as_stream.flows, key=repr) == sorted(on_disk.flows, key=repr)
        assert as_stream.skipped.as_dict() == on_disk.skipped.as_dict()
        assert as_stream.dns_answers == on_disk.dns_answers


def test_pcapng_sections_of_two_link_types(tmp_path: Path) -> None:
    first = synth.write_pcapng(tmp_path / "a", linktypes.ETHERNET, synth.session()[:60])
    second = synth.write_pcapng(tmp_path / "b", linktypes.LINUX_SLL, synth.session()[60:])
    both = tmp_path / "both.pcapng"
    both.write_bytes(first.read_bytes() + second.read_bytes())
    same(both)


def test_bulk_traffic_counts_the_same(tmp_path: Path) -> None:
    frames = list(synth.bulk_frames(3_000_000))
    for write in (synth.write_pcap, synth.write_pcapng):
        same(write(tmp_path / "bulk", linktypes.ETHERNET, frames))


@settings(max_examples=60, deadline=None)
@given(frames=st.lists(st.binary(min_size=0, max_size=120), max_size=12),
       linktype=st.sampled_from(sorted(batch.LINK_HEADERS)),
       pick=st.lists(st.integers(0, 107), max_size=6))
def test_random_frames_among_real_ones_read_the_same_both_ways(
    tmp_path_factory: pytest.TempPathFactory, frames: list[bytes], linktype: int,
    pick: list[int],
) -> None:
    session = synth.session()
    real = [synth.link_frame(linktype, session[i]) for i in pick]
    folder = tmp_path_factory.mktemp("fuzz")
    for name, layout in (("p.pcap", "pcap"), ("p.pcapng", "pcapng")):
        path = folder / name
        path.write_bytes(_file(layout, linktype, [*real, *frames, *real]))
        same(path)


def _file(layout: str, linktype: int, frames: list[bytes]) -> bytes:
    if layout == "pcap":
        out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262_144, linktype)
        for index, data in enumerate(frames):
            out += struct.pack("<IIII", 1_780_000_000, index, len(data), len(data)) + data
        return out
    blocks = [synth._block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)),
              synth._block(1, struct.pack("<HHI", linktype, 0, 0))]
    for index, data in enumerate(frames):
        blocks.append(synth._block(6, struct.pack("<IIIII", 0, 0, index, len(data), len(data))
                                   + data))
    return b"".join(blocks)


def test_one_section_with_two_interfaces_and_a_simple_packet_block(tmp_path: Path) -> None:
    session = synth.session()
    blocks = [synth._block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)),
              synth._block(1, struct.pack("<HHI", linktypes.ETHERNET, 0, 0)),
              synth._block(1, struct.pack("<HHI", linktypes.RAW, 0, 0))]
    for index, frame in enumerate(session):
        iface = index % 2
        data = synth.link_frame(linktypes.RAW if iface else linktypes.ETHERNET, frame)
        seconds, rest = divmod(frame.time_ns, 1_000_000_000)
        ticks = seconds * 1_000_000 + rest // 1000
        blocks.append(synth._block(6, struct.pack("<IIIII", iface, ticks >> 32,
                                                  ticks & 0xFFFFFFFF, len(data), len(data))
                                   + data))
    blocks.insert(10, synth._block(3, struct.pack("<I", 4) + b"\0\0\0\0"))
    path = tmp_path / "mixed.pcapng"
    path.write_bytes(b"".join(blocks))
    same(path)
    assert scan_capture(path).packets == len(session) + 1


def test_damaged_handshakes_and_dns_in_whole_packets_are_skipped_the_same(
        tmp_path: Path) -> None:
    """Whole TCP and UDP packets the batch path reads itself, carrying a ClientHello and a
    ServerHello whose fields overrun their message and a DNS message cut short: each is
    counted in its flow and its damage skipped with its frame number, as the streaming
    path does; a packet whose TCP header cannot be read opens no flow."""
    overrun = b"\x03\x03" + bytes(32) + b"\xff"  # a session id longer than the message
    hello = synth.record(22, b"\x01" + len(overrun).to_bytes(3) + overrun)
    server = synth.record(22, b"\x02" + len(overrun).to_bytes(3) + overrun)
    clock = 1_780_000_000_000_000_000
    phone, far = "192.168.1.23", "203.0.113.9"
    frames = [
        synth.IpFrame(clock, (synth.tcp(
            phone, 50_000, far, 443, 1000, 0, 0x02, b"")), b"\2" * 6, b"\4" * 6),
        synth.IpFrame(clock + 1, (synth.tcp(
            far, 443, phone, 50_000, 7000, 1001, 0x12, b"")), b"\4" * 6, b"\2" * 6),
        synth.IpFrame(clock + 2, (synth.tcp(
            phone, 50_000, far, 443, 1001, 7001, 0x18, hello)), b"\2" * 6, b"\4" * 6),
        synth.IpFrame(clock + 3, (synth.tcp(
            far, 443, phone, 50_000, 7001, 1001 + len(hello), 0x18, server)), b"\4" * 6,
            b"\2" * 6),
        synth.IpFrame(clock + 4, (synth.udp(
            phone, 53_000, "192.168.1.1", 53, synth.dns_query(7, "cut.example")[:15])),
            b"\2" * 6, b"\6" * 6),
        # an IP packet in an IP packet that says TCP: its "TCP header" length is wrong
        synth.IpFrame(clock + 5, synth.ipv4(phone, far, 6, synth.tcp(
            phone, 50_001, far, 443, 1000, 0, 0x02)), b"\2" * 6, b"\4" * 6),
    ]
    for write in (synth.write_pcap, synth.write_pcapng):
        path = write(tmp_path / "damaged", linktypes.ETHERNET, frames)
        same(path)
        scan = scan_capture(path)
        assert scan.packets == 6
        assert sorted(f for where in scan.skipped.examples.values() for f in where) == [
            3, 4, 5, 6]
        assert sorted(f.packets_up + f.packets_down for f in scan.flows) == [1, 4]


def test_a_capture_that_starts_after_the_data_reads_the_data(tmp_path: Path) -> None:
    """The capture opens on a connection's FIN, then holds the segment with data sent before
    it (a DNS query over TCP): the direction's stream starts at that data, in both paths,
    and the query's name is read (found by the fuzz test above)."""
    query = synth.dns_query(7, "dl.djicdn.com")
    connection = synth.TcpSession(synth.PHONE, 50006, synth.RESOLVER, 53, [synth.START_NS])
    connection.open()
    connection.send(True, len(query).to_bytes(2) + query)
    connection.close()
    data, fin = connection.frames[3], connection.frames[4]
    late = [dataclasses.replace(fin, time_ns=data.time_ns),
            dataclasses.replace(data, time_ns=fin.time_ns)]  # captured in this order
    for write in (synth.write_pcap, synth.write_pcapng):
        path = write(tmp_path / "late", linktypes.ETHERNET, late)
        same(path)
        assert [name for name, _ in scan_capture(path).dns_questions] == ["dl.djicdn.com"]
