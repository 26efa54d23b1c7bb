"""Test and benchmark captures built in code: a phone app's session on several link layers.

No public capture of a drone app's internet traffic exists, so the tests and the
benchmark make their own (`../shared/research/data-leaks.md`). Everything here writes
packets exactly as the protocols lay them out (see each parser's module for the layout):
IPv4 (with fragments) and IPv6, UDP and TCP with real checksums, DNS queries and answers
with CNAME chains, TLS ClientHellos, ServerHellos and a TLS 1.2 certificate, QUIC v1
Initials protected with the RFC 9001 initial keys, HTTP requests and an MQTT CONNECT.
`session()` is a phone app session; `write_pcap` and `write_pcapng` put any frames in a
file; `bulk_capture` streams a large capture for the benchmark.

The hosts and addresses are examples for tests: no statement about where any service
really is.
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import itertools
import os
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

from dronevet.capture import linktypes
from dronevet.leaks import quic

PHONE_MAC = bytes.fromhex("020000000023")
ROUTER_MAC = bytes.fromhex("020000000001")
OTHER_MAC = bytes.fromhex("020000000077")
PHONE = "192.168.1.23"
PHONE6 = "fd00::23"
OTHER = "192.168.1.77"
RESOLVER = "192.168.1.1"


def _address(text: str) -> bytes:
    return ipaddress.ip_address(text).packed


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


@dataclass(frozen=True, slots=True)
class IpFrame:
    """An IP packet with its capture time and the MAC addresses of the frame carrying it."""

    time_ns: int
    ip: bytes
    source_mac: bytes
    destination_mac: bytes
    vlan: int | None = None


def ipv4(source: str, destination: str, protocol: int, payload: bytes, *, ident: int = 1,
         fragment: int = 0) -> bytes:
    """An IPv4 packet; `fragment` is the flags/offset word (0x2000: more fragments)."""
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, fragment, 64,
                         protocol, 0, _address(source), _address(destination))
    header = header[:10] + struct.pack("!H", _checksum(header)) + header[12:]
    return header + payload


def ipv6(source: str, destination: str, protocol: int, payload: bytes) -> bytes:
    """An IPv6 packet without extension headers."""
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), protocol, 64, _address(source),
                       _address(destination)) + payload


def _pseudo(source: str, destination: str, protocol: int, length: int) -> bytes:
    a, b = _address(source), _address(destination)
    if len(a) == 4:
        return a + b + struct.pack("!BBH", 0, protocol, length)
    return a + b + struct.pack("!IxxxB", length, protocol)


def udp(source: str, sport: int, destination: str, dport: int, payload: bytes) -> bytes:
    """A UDP datagram in its IP packet."""
    segment = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    check = _checksum(_pseudo(source, destination, 17, len(segment)) + segment) or 0xFFFF
    segment = segment[:6] + struct.pack("!H", check) + segment[8:]
    make = ipv6 if ":" in source else ipv4
    return make(source, destination, 17, segment)


def tcp(source: str, sport: int, destination: str, dport: int, seq: int, ack: int,
        flags: int, payload: bytes = b"", *, checksum: bool = True) -> bytes:
    """A TCP segment (20-byte header) in its IP packet."""
    segment = struct.pack("!HHIIBBHHH", sport, dport, seq % (1 << 32), ack % (1 << 32), 0x50,
                          flags, 65535, 0, 0) + payload
    if checksum:
        check = _checksum(_pseudo(source, destination, 6, len(segment)) + segment)
        segment = segment[:16] + struct.pack("!H", check) + segment[18:]
    make = ipv6 if ":" in source else ipv4
    return make(source, destination, 6, segment)


# --- DNS ------------------------------------------------------------------------------
def _dns_name(name: str) -> bytes:
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".") if p) + b"\0"


def dns_query(ident: int, name: str, kind: int = 1) -> bytes:
    """A recursive query for `name`."""
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + _dns_name(name) + struct.pack(
        "!HH", kind, 1)


def dns_response(ident: int, name: str, aliases: Iterable[str], addresses: Iterable[str],
                 kind: int = 1) -> bytes:
    """A response: `name` through the CNAME chain `aliases` to `addresses`."""
    chain = [name, *aliases]
    records = b""
    for here, there in itertools.pairwise(chain):
        target = _dns_name(there)
        records += _dns_name(here) + struct.pack("!HHIH", 5, 1, 60, len(target)) + target
    count = len(chain) - 1
    for address in addresses:
        raw = _address(address)
        records += _dns_name(chain[-1]) + struct.pack(
            "!HHIH", 28 if len(raw) == 16 else 1, 1, 60, len(raw)) + raw
        count += 1
    question = _dns_name(name) + struct.pack("!HH", kind, 1)
    return struct.pack("!HHHHHH", ident, 0x8180, 1, count, 0, 0) + question + records


# --- TLS ------------------------------------------------------------------------------
def _vector(data: bytes, size: int) -> bytes:
    return len(data).to_bytes(size) + data


def _extension(kind: int, data: bytes) -> bytes:
    return struct.pack("!HH", kind, len(data)) + data


def client_hello(server_name: str | None, *, alpn: tuple[str, ...] = ("h2", "http/1.1"),
                 tls13: bool = True, quic_params: bool = False) -> bytes:
    """A ClientHello handshake message (with GREASE values, as browsers send)."""
    suites = [0x1A1A, 0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0x009C]
    extensions = _extension(0x2A2A, b"")
    if server_name is not None:
        name = server_name.encode()
        extensions += _extension(0, _vector(b"\0" + _vector(name, 2), 2))
    extensions += _extension(10, _vector(b"\x00\x1d\x00\x17", 2))
    extensions += _extension(11, b"\x01\x00")
    extensions += _extension(13, _vector(b"\x04\x03\x08\x04\x04\x01\x05\x03", 2))
    if alpn:
        extensions += _extension(16, _vector(b"".join(_vector(a.encode(), 1) for a in alpn), 2))
    if tls13:
        extensions += _extension(43, _vector(b"\x3a\x3a\x03\x04\x03\x03", 1))
        extensions += _extension(51, _vector(b"\x00\x1d" + _vector(bytes(32), 2), 2))
    if quic_params:
        extensions += _extension(57, b"\x01\x04\x80\x00\x75\x30")
    body = (b"\x03\x03" + bytes(range(32)) + _vector(bytes(32), 1)
            + _vector(b"".join(s.to_bytes(2) for s in suites), 2) + b"\x01\x00"
            + _vector(extensions, 2))
    return b"\x01" + _vector(body, 3)


def server_hello(*, tls13: bool) -> bytes:
    """A ServerHello choosing TLS 1.3 (supported_versions) or TLS 1.2."""
    extensions = _extension(43, b"\x03\x04") if tls13 else b""
    body = (b"\x03\x03" + bytes(32) + _vector(bytes(32), 1) + b"\x13\x01\x00"
            + _vector(extensions, 2))
    return b"\x02" + _vector(body, 3)


@functools.cache
def certificate_der(common_name: str, names: tuple[str, ...]) -> bytes:
    """A self-signed certificate for `names` (a test's stand-in for a server's)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    issuer = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dronevet test CA")])
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
        .public_key(key.public_key()).serial_number(1).not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


def certificate_message(der: bytes) -> bytes:
    """A TLS 1.2 Certificate handshake message holding one certificate."""
    return b"\x0b" + _vector(_vector(_vector(der, 3), 3), 3)


def record(content: int, data: bytes) -> bytes:
    """A TLS record (version 1.2 on the wire)."""
    return struct.pack("!BHH", content, 0x0303, len(data)) + data


# --- QUIC -----------------------------------------------------------------------------
def _varint(value: int) -> bytes:
    if value < 64:
        return bytes([value])
    if value < 16384:
        return (value | 0x4000).to_bytes(2)
    return (value | 0x80000000).to_bytes(4)


def quic_initial(dcid: bytes, scid: bytes, crypto: bytes, *, number: int = 0,
                 offset: int = 0) -> bytes:
    """A client Initial carrying `crypto` at `offset`, padded to 1200 bytes and protected."""
    keys = quic.initial_keys(dcid)
    frames = b"\x06" + _varint(offset) + _varint(len(crypto)) + crypto
    head = bytes([0xC0 | 0x01]) + b"\0\0\0\1" + _vector(dcid, 1) + _vector(scid, 1) + b"\x00"
    size = 2
    pad = max(0, 1200 - (len(head) + 2 + size + len(frames) + 16))
    frames += bytes(pad)
    length = size + len(frames) + 16
    header = head + (length | 0x4000).to_bytes(2) + number.to_bytes(size)
    sealed = AESGCM(keys.key).encrypt(quic.nonce(keys.iv, number), frames, header)
    offset_pn = len(head) + 2
    mask = quic.header_mask(keys.hp, sealed[4 - size : 20 - size])
    first = bytes([header[0] ^ (mask[0] & 0x0F)])
    number_bytes = bytes(b ^ m for b, m in zip(header[offset_pn:], mask[1:], strict=False))
    return first + header[1:offset_pn] + number_bytes + sealed


# --- TCP sessions ---------------------------------------------------------------------
class TcpSession:
    """One TCP connection's frames: handshake, data each way (split, reordered, resent)."""

    def __init__(self, client: str, cport: int, server: str, sport: int, clock: list[int],
                 *, macs: tuple[bytes, bytes] = (PHONE_MAC, ROUTER_MAC),
                 vlan: int | None = None, checksum: bool = True) -> None:
        self.client, self.cport, self.server, self.sport = client, cport, server, sport
        self.seq = {True: 1000, False: 50_000}
        self.clock, self.macs, self.vlan, self.checksum = clock, macs, vlan, checksum
        self.frames: list[IpFrame] = []

    def _frame(self, upward: bool, flags: int, payload: bytes, seq: int) -> IpFrame:
        self.clock[0] += 1_000_000
        a, b = (self.client, self.server) if upward else (self.server, self.client)
        pa, pb = (self.cport, self.sport) if upward else (self.sport, self.cport)
        packet = tcp(a, pa, b, pb, seq, self.seq[not upward], flags, payload,
                     checksum=self.checksum)
        macs = self.macs if upward else self.macs[::-1]
        return IpFrame(self.clock[0], packet, macs[0], macs[1], self.vlan)

    def open(self) -> None:
        self.frames.append(self._frame(True, 0x02, b"", self.seq[True] - 1))
        self.frames.append(self._frame(False, 0x12, b"", self.seq[False] - 1))
        self.frames.append(self._frame(True, 0x10, b"", self.seq[True]))

    def send(self, upward: bool, data: bytes, *, size: int = 1400, swap: bool = False,
             resend: bool = False) -> None:
        """Send `data` in segments of `size`; `swap` the first two, `resend` the first."""
        pieces = [data[i : i + size] for i in range(0, len(data), size)]
        frames, seq = [], self.seq[upward]
        for piece in pieces:
            frames.append(self._frame(upward, 0x18, piece, seq))
            seq += len(piece)
        self.seq[upward] = seq
        if swap and len(frames) > 1:
            frames[0], frames[1] = frames[1], frames[0]
        if resend and frames:
            again = self._frame(upward, 0x18, pieces[0], seq - len(data))
            frames.insert(1, again)
        self.frames.extend(frames)

    def close(self) -> None:
        self.frames.append(self._frame(True, 0x11, b"", self.seq[True]))
        self.frames.append(self._frame(False, 0x11, b"", self.seq[False]))


def _udp_frame(clock: list[int], source: str, sport: int, destination: str, dport: int,
               payload: bytes, upward: bool = True) -> IpFrame:
    clock[0] += 1_000_000
    macs = (PHONE_MAC, ROUTER_MAC) if upward else (ROUTER_MAC, PHONE_MAC)
    return IpFrame(clock[0], udp(source, sport, destination, dport, payload), *macs)


def _fragments(frame: IpFrame, size: int) -> list[IpFrame]:
    """Split an IPv4 packet into fragments carrying `size` bytes (a multiple of 8) each."""
    header, payload = frame.ip[:20], frame.ip[20:]
    source, destination = _text(header[12:16]), _text(header[16:20])
    out = []
    for start in range(0, len(payload), size):
        more = 0x2000 if start + size < len(payload) else 0
        packet = ipv4(source, destination, header[9], payload[start : start + size],
                      ident=0x4242, fragment=more | (start // 8))
        out.append(IpFrame(frame.time_ns + start, packet, frame.source_mac,
                           frame.destination_mac))
    return out


def _text(raw: bytes) -> str:
    return str(ipaddress.ip_address(raw))


START_NS = 1_780_000_000_000_000_000
"""2026-05-28: the test session's first frame."""


def session() -> list[IpFrame]:
    """A phone app's session: what a drone app does when it starts and flies."""
    clock = [START_NS]
    frames: list[IpFrame] = []
    dji, mapbox, bugly = "47.91.161.230", "2600:9000:2000::10", "119.28.121.174"
    firebase, broker = "142.250.1.100", "3.120.0.50"
    frames.append(_udp_frame(clock, PHONE, 40001, RESOLVER, 53,
                             dns_query(1, "mydjiflight.dji.com")))
    frames.append(_udp_frame(clock, RESOLVER, 53, PHONE, 40001, dns_response(
        1, "mydjiflight.dji.com", ["mydjiflight.dji.com.edge.djicdn.com"], [dji]), False))
    # TLS 1.2 with its certificate; the ClientHello in two segments, out of order and resent
    tls12 = TcpSession(PHONE, 50001, dji, 443, clock)
    tls12.open()
    tls12.send(True, record(22, client_hello("mydjiflight.dji.com", tls13=False)),
               size=120, swap=True, resend=True)
    der = certificate_der("mydjiflight.dji.com", ("mydjiflight.dji.com", "*.dji.com"))
    tls12.send(False, record(22, server_hello(tls13=False) + certificate_message(der)),
               size=300)
    tls12.send(True, record(23, os.urandom(40_000)), swap=True, resend=True)
    tls12.send(False, record(23, os.urandom(3_000)))
    tls12.close()
    frames += tls12.frames
    # IPv6: AAAA, then TLS 1.3 to the map tiles
    frames.append(_udp_frame(clock, PHONE6, 40002, "fd00::1", 53,
                             dns_query(2, "api.mapbox.com", 28)))
    frames.append(_udp_frame(clock, "fd00::1", 53, PHONE6, 40002, dns_response(
        2, "api.mapbox.com", [], [mapbox], 28), False))
    tls13 = TcpSession(PHONE6, 50002, mapbox, 443, clock, vlan=7)
    tls13.open()
    tls13.send(True, record(22, client_hello("api.mapbox.com")))
    tls13.send(False, record(22, server_hello(tls13=True)) + record(23, os.urandom(2_000)))
    tls13.send(False, record(23, os.urandom(20_000)))
    tls13.close()
    frames += tls13.frames
    # QUIC: the ClientHello in two Initials
    hello = client_hello("dji-go.firebaseio.com", alpn=("h3",), quic_params=True)
    dcid, scid = bytes.fromhex("8394c8f03e515708"), bytes.fromhex("c0ffee")
    half = len(hello) // 2
    frames.append(_udp_frame(clock, PHONE, 50003, firebase, 443,
                             quic_initial(dcid, scid, hello[:half])))
    frames.append(_udp_frame(clock, PHONE, 50003, firebase, 443,
                             quic_initial(dcid, scid, hello[half:], number=1, offset=half)))
    # cleartext HTTP to the crash reporter, an MQTT CONNECT, DNS over TCP
    web = TcpSession(PHONE, 50004, bugly, 80, clock)
    web.open()
    web.send(True, b"POST /rqd/async HTTP/1.1\r\nHost: android.bugly.qq.com\r\n"
             b"User-Agent: DJI GO 4/4.3.0\r\nContent-Length: 12\r\n\r\nflight=12345")
    web.send(False, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    web.close()
    frames += web.frames
    mqtt = TcpSession(PHONE, 50005, broker, 1883, clock)
    mqtt.open()
    mqtt.send(True, b"\x10\x16\x00\x04MQTT\x04\x02\x00\x3c\x00\x0adrone-0001")
    mqtt.close()
    frames += mqtt.frames
    over_tcp = TcpSession(PHONE, 50006, RESOLVER, 53, clock)
    over_tcp.open()
    over_tcp.send(True, _vector(dns_query(3, "dl.djicdn.com"), 2))
    over_tcp.send(False, _vector(dns_response(3, "dl.djicdn.com", [], ["47.91.161.231"]), 2))
    over_tcp.close()
    frames += over_tcp.frames
    # a large DNS answer in IPv4 fragments
    many = [f"47.91.162.{i}" for i in range(1, 120)]
    big = _udp_frame(clock, RESOLVER, 53, PHONE, 40007,
                     dns_response(4, "content.djiservice.org", [], many), False)
    frames += _fragments(big, 504)
    # another phone on the same network, not the device under test
    other = TcpSession(OTHER, 51000, "151.101.1.69", 443, clock, macs=(OTHER_MAC, ROUTER_MAC))
    other.open()
    other.send(True, record(22, client_hello("www.example.org")))
    other.close()
    frames += other.frames
    return frames


# --- link layers and files ------------------------------------------------------------
def link_frame(linktype: int, frame: IpFrame) -> bytes:
    """`frame` as a frame of `linktype` (Ethernet, Linux cooked v1/v2, raw IP, 802.11)."""
    ethertype = b"\x86\xdd" if frame.ip[0] >> 4 == 6 else b"\x08\x00"
    if linktype == linktypes.ETHERNET:
        tag = b"\x81\x00" + frame.vlan.to_bytes(2) if frame.vlan is not None else b""
        return frame.destination_mac + frame.source_mac + tag + ethertype + frame.ip
    if linktype == linktypes.LINUX_SLL:
        return b"\x00\x04\x00\x01\x00\x06" + frame.source_mac + b"\0\0" + ethertype + frame.ip
    if linktype == linktypes.LINUX_SLL2:
        return (ethertype + b"\0\0" + b"\0\0\0\x02" + b"\x00\x01\x04\x06" + frame.source_mac
                + b"\0\0" + frame.ip)
    if linktype in (linktypes.RAW, linktypes.IPV4, linktypes.IPV6):
        return frame.ip
    if linktype == linktypes.IEEE802_11_RADIOTAP:
        radiotap = b"\x00\x00\x08\x00\x00\x00\x00\x00"
        header = (b"\x08\x01\x00\x00" + ROUTER_MAC + frame.source_mac + frame.destination_mac
                  + b"\x00\x00")
        return radiotap + header + b"\xaa\xaa\x03\x00\x00\x00" + ethertype + frame.ip
    raise ValueError(f"synth writes no link type {linktype}")


Writer = Callable[[Path, int, Iterable["IpFrame"]], Path]
"""`write_pcap` or `write_pcapng`: (path, link type, frames) -> path."""


def write_pcap(path: Path, linktype: int, frames: Iterable[IpFrame]) -> Path:
    """Write frames to a classic pcap file (microsecond times, little-endian)."""
    with path.open("wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262_144, linktype))
        for frame in frames:
            data = link_frame(linktype, frame)
            seconds, rest = divmod(frame.time_ns, 1_000_000_000)
            out.write(struct.pack("<IIII", seconds, rest // 1000, len(data), len(data)) + data)
    return path


def _block(kind: int, body: bytes) -> bytes:
    body += bytes(-len(body) % 4)
    return struct.pack("<II", kind, len(body) + 12) + body + struct.pack("<I", len(body) + 12)


def write_pcapng(path: Path, linktype: int, frames: Iterable[IpFrame]) -> Path:
    """Write frames to a pcapng file: one section, one interface, nanosecond times."""
    with path.open("wb") as out:
        out.write(_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
        resolution = struct.pack("<HHB3x", 9, 1, 9) + b"\0\0\0\0"
        out.write(_block(1, struct.pack("<HHI", linktype, 0, 262_144) + resolution))
        for frame in frames:
            data = link_frame(linktype, frame)
            out.write(_block(6, struct.pack("<IIIII", 0, frame.time_ns >> 32,
                                            frame.time_ns & 0xFFFFFFFF, len(data), len(data))
                             + data))
    return path


def bulk_frames(target_bytes: int) -> Iterator[IpFrame]:
    """Frames of many app connections until about `target_bytes` of frames: per connection a
    DNS lookup, a TLS handshake with a ClientHello, then bulk TLS records both ways (the
    same bytes each time: the content is never read)."""
    clock, written, index = [START_NS], 0, 0
    filler = bytes((7 * i) & 0xFF for i in range(1400))
    while written < target_bytes:
        index += 1
        host = f"api{index % 50}.example-app{index % 7}.com"
        server = f"52.{84 + index % 20}.{index % 250}.{1 + index % 200}"
        for frame in (
            _udp_frame(clock, PHONE, 30000 + index % 30000, RESOLVER, 53,
                       dns_query(index & 0xFFFF, host)),
            _udp_frame(clock, RESOLVER, 53, PHONE, 30000 + index % 30000,
                       dns_response(index & 0xFFFF, host, [], [server]), False),
        ):
            written += len(frame.ip) + 14
            yield frame
        session = TcpSession(PHONE, 1024 + index % 60000, server, 443, clock, checksum=False)
        session.open()
        session.send(True, record(22, client_hello(host)))
        session.send(False, record(22, server_hello(tls13=True)))
        for _ in range(40):
            session.send(False, filler)
        for _ in range(4):
            session.send(True, filler[:600])
        session.close()
        for frame in session.frames:
            written += len(frame.ip) + 14
            yield frame
