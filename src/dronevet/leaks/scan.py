"""One pass over a capture: every frame to flows, DNS answers, and the names in handshakes.

`Scanner.feed` takes the capture's packets in order and `Scanner.finish` gives the
`Scan`. Per frame: the link layer (`linklayer`) to IP (`ip`, fragments joined), then TCP
or UDP to its flow (`flows`). Payloads are read only where they can name a destination:
DNS (UDP and TCP port 53, mDNS 5353, LLMNR 5355), the first bytes of each TCP direction
until its TLS handshake (ClientHello; ServerHello and certificate), HTTP request heads or
IoT greeting are read (`streams` puts them in order), and QUIC Initials. After that a
flow's frames are only counted, so bulk transfers cost a header read each. A frame that
cannot be read is counted in `skipped` with its number, never fatal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, cast

from dronevet.capture import linktypes
from dronevet.capture.files import open_capture
from dronevet.capture.packets import LinkLayerError, Packet, SkipTally
from dronevet.capture.pcap import PcapReader
from dronevet.capture.pcapng import PcapngReader
from dronevet.leaks import certificates, dns, http, iot, quic, tls
from dronevet.leaks.flows import Evidence, Flow, FlowKey, FlowRecord, address_text
from dronevet.leaks.ip import TCP, UDP, Defragmenter, Fragment, IpPacket
from dronevet.leaks.ip import parse as parse_ip
from dronevet.leaks.ja4 import ja4
from dronevet.leaks.linklayer import carried_ip
from dronevet.leaks.streams import StreamPrefix

DNS_PORTS = frozenset({53, 5353, 5355})
CLIENT_PREFIX = 16_384
SERVER_PREFIX = 65_536
"""Bytes of each direction kept for handshakes: a ClientHello, a certificate chain."""
SYN = 0x02
UDP_LOOKS = 8
"""Datagrams of a UDP flow looked at for an IoT protocol before it is only counted."""


@dataclass(frozen=True, slots=True)
class DnsAnswer:
    """An address a DNS response gave for a name the client asked for."""

    address: str
    name: str
    """The name asked for (the start of any CNAME chain)."""
    chain: tuple[str, ...]
    """The names the answer passed through, the asked name first."""
    frame: int
    time_ns: int


@dataclass(frozen=True, slots=True)
class Scan:
    """What one pass over a capture found."""

    packets: int
    flows: tuple[FlowRecord, ...]
    dns_questions: tuple[tuple[str, int], ...]
    """Every question name of a DNS query or response, with its frame, in order."""
    dns_answers: tuple[DnsAnswer, ...]
    macs: dict[str, str]
    """IP address -> the MAC address its frames came from (where the link layer has one)."""
    skipped: SkipTally
    first_ns: int | None
    last_ns: int | None


def _chains(message: dns.DnsMessage) -> list[tuple[str, tuple[str, ...]]]:
    """(address, names from the asked one to the address's own) for each A/AAAA answer."""
    aliases = {a.name.lower(): a.value for a in message.answers if a.kind == "CNAME"}
    found = []
    for asked in message.questions:
        chain, name = [asked], asked.lower()
        while name in aliases and len(chain) < 16:
            name = aliases[name].lower()
            chain.append(name)
        for answer in message.answers:
            if answer.kind != "CNAME" and answer.name.lower() == name:
                found.append((answer.value, tuple(chain)))
    return found


def tcp_header_length(segment: bytes) -> int:
    """The length of a TCP segment's header, checked against the segment's."""
    if len(segment) < 20:
        raise LinkLayerError("TCP header cut short")
    header = (segment[12] >> 4) * 4
    if header < 20 or header > len(segment):
        raise LinkLayerError("TCP header length wrong")
    return header


@dataclass(slots=True)
class Scanner:
    """The state of one pass: flows so far, fragments waiting, DNS seen, what was skipped."""

    skipped: SkipTally = field(default_factory=SkipTally)
    packets: int = 0
    flows: dict[FlowKey, Flow] = field(default_factory=dict)
    defragmenter: Defragmenter = field(default_factory=Defragmenter)
    questions: list[tuple[str, int]] = field(default_factory=list)
    answers: list[DnsAnswer] = field(default_factory=list)
    macs: dict[bytes, bytes] = field(default_factory=dict)
    first_ns: int | None = None
    last_ns: int = 0
    last_frame: int = 0
    quic_keys: dict[FlowKey, quic.InitialKeys] = field(default_factory=dict)

    def feed(self, packet: Packet) -> None:
        """Take in the capture's next packet: count it, read it for names. (The batch path,
        `batch`, counts the packets it reads itself and hands their TCP segments and UDP
        datagrams to `segment` and `datagram`.)"""
        time_ns = packet.time_ns or 0
        self.packets += 1
        self.last_frame = packet.number
        if self.first_ns is None:
            self.first_ns = time_ns
        self.last_ns = time_ns
        try:
            carried = carried_ip(packet.linktype, packet.data)
            if carried is None:
                return
            found = parse_ip(packet.data, carried.offset)
            if isinstance(found, Fragment):
                whole = self.defragmenter.add(found)
                if whole is None:
                    return
                found = whole
            if carried.source_mac and found.source not in self.macs:
                self.macs[found.source] = carried.source_mac
            if found.protocol == TCP:
                self._tcp(found, packet, time_ns)
            elif found.protocol == UDP:
                self._udp(found, packet, time_ns)
        except LinkLayerError as error:
            self.skipped.add(str(error), packet.number)

    def _flow(
        self, transport: int, ip: IpPacket, ports: tuple[int, int], packet: Packet, time_ns: int
    ) -> tuple[Flow, bool]:
        """The packet's flow (a new one when it opens one), and whether the client sent it."""
        key = (transport, ip.source, ports[0], ip.destination, ports[1])
        flow = self.flows.get(key)
        if flow is not None:
            return flow, True
        flow = self.flows.get((transport, ip.destination, ports[1], ip.source, ports[0]))
        if flow is not None:
            return flow, False
        name = "tcp" if transport == TCP else "udp"
        flow = Flow(name, ip.source, ports[0], ip.destination, ports[1], time_ns, packet.number)
        flow.protocols.add(name)
        self.flows[key] = flow
        return flow, True

    def _tcp(self, ip: IpPacket, packet: Packet, time_ns: int) -> None:
        segment = ip.payload
        header = tcp_header_length(segment)
        ports = (int.from_bytes(segment[0:2]), int.from_bytes(segment[2:4]))
        flow, upward = self._flow(TCP, ip, ports, packet, time_ns)
        flow.count(upward, packet.orig_len, time_ns)
        self.segment(flow, upward, segment, header, packet.number, time_ns)

    def segment(self, flow: Flow, upward: bool, segment: bytes, header: int, frame: int,
                time_ns: int) -> None:
        """Read a TCP segment (its `header` bytes long header checked) of `flow`, sent by
        the client when `upward`, for names; it is counted elsewhere."""
        if flow.done:
            return
        flags = segment[13]
        if flow.up is None:
            flow.up, flow.down = StreamPrefix(CLIENT_PREFIX), StreamPrefix(SERVER_PREFIX)
        stream = flow.up if upward else flow.down
        assert stream is not None
        seq = int.from_bytes(segment[4:8])
        if flags & SYN:
            stream.syn(seq)
        payload = segment[header:]
        if payload and stream.add(seq, payload):
            self._inspect(flow, upward, frame, time_ns)

    def _inspect(self, flow: Flow, upward: bool, frame: int, time_ns: int) -> None:
        assert flow.up is not None and flow.down is not None
        stream = flow.up if upward else flow.down
        data = bytes(stream.data)
        if flow.server_port in DNS_PORTS or flow.client_port in DNS_PORTS:
            flow.protocols.add("dns")
            messages, used = dns.messages_over_tcp(data[stream.read :])
            stream.read += used
            for message in messages:
                self._dns(message, frame, time_ns)
        elif upward:
            self._client_bytes(flow, data, frame)
        elif "tls" in flow.protocols:
            self._server_tls(flow, data, frame)
        if flow.done or (flow.up.full and flow.down.full):
            flow.settle()

    def _client_bytes(self, flow: Flow, data: bytes, frame: int) -> None:
        assert flow.up is not None and flow.down is not None
        handshake, is_tls = tls.records_payload(data)
        if is_tls:
            flow.protocols.add("tls")
            for kind, body in tls.handshake_messages(handshake):
                if kind == tls.CLIENT_HELLO:
                    self._client_hello(flow, tls.parse_client_hello(body), frame, "sni")
                    flow.up.limit = 0
            return
        if http.looks_like_http(data[:8]):
            flow.protocols.add("http")
            seen = {(e.kind, e.value) for e in flow.evidence}
            for request in http.requests(data):
                found = [("http-request", f"{request.method} {request.path}")]
                if request.host:
                    found.append(("http-host", request.host))
                if request.user_agent:
                    found.append(("http-user-agent", request.user_agent))
                for label, value in found:
                    if (label, value) not in seen:
                        seen.add((label, value))
                        flow.evidence.append(Evidence(label, value, frame))
            if len(data) > 2048:
                flow.settle()
            return
        cleartext = iot.tcp_protocol(flow.server_port, data)
        if cleartext:
            flow.protocols.add(cleartext)
        flow.settle()

    def _client_hello(self, flow: Flow, hello: tls.ClientHello, frame: int, kind: str) -> None:
        if hello.server_name is not None:
            flow.evidence.append(Evidence(kind, hello.server_name, frame))
        flow.ja4 = ja4(hello, quic=kind == "quic-sni")

    def _server_tls(self, flow: Flow, data: bytes, frame: int) -> None:
        assert flow.down is not None
        handshake, _ = tls.records_payload(data)
        for kind, body in tls.handshake_messages(handshake):
            if kind == tls.SERVER_HELLO and tls.server_hello_version(body) == tls.TLS13:
                flow.down.limit = 0  # the certificate is encrypted in TLS 1.3
                return
            if kind == tls.CERTIFICATE:
                chain = tls.certificate_list(body)
                if chain:
                    cert = certificates.read(chain[0])
                    flow.evidence.extend(Evidence("cert", name, frame) for name in cert.names)
                flow.down.limit = 0
                return

    def _dns(self, message: dns.DnsMessage, frame: int, time_ns: int) -> None:
        self.questions.extend((name, frame) for name in message.questions)
        if not message.response:
            return
        for address, chain in _chains(message):
            self.answers.append(DnsAnswer(address, chain[0], chain, frame, time_ns))

    def _udp(self, ip: IpPacket, packet: Packet, time_ns: int) -> None:
        datagram = ip.payload
        if len(datagram) < 8:
            raise LinkLayerError("UDP header cut short")
        ports = (int.from_bytes(datagram[0:2]), int.from_bytes(datagram[2:4]))
        flow, upward = self._flow(UDP, ip, ports, packet, time_ns)
        flow.count(upward, packet.orig_len, time_ns)
        self.datagram(flow, upward, ports, datagram, packet.number, time_ns)

    def datagram(self, flow: Flow, upward: bool, ports: tuple[int, int], datagram: bytes,
                 frame: int, time_ns: int) -> None:
        """Read a UDP datagram (header included, at least 8 bytes) of `flow`, sent from
        `ports[0]` to `ports[1]`, for names; it is counted elsewhere."""
        payload = datagram[8 : int.from_bytes(datagram[4:6])]
        if ports[0] in DNS_PORTS or ports[1] in DNS_PORTS:
            flow.protocols.add("dns")
            self._dns(dns.parse(payload), frame, time_ns)
        elif flow.done:
            return
        elif payload and payload[0] & 0x80 and len(payload) > 6 and payload[1:5] == b"\0\0\0\1":
            if upward:
                self._quic(flow, payload, frame)
        else:
            cleartext = iot.udp_protocol(ports, payload)
            if cleartext:
                flow.protocols.add(cleartext)
            flow.inspected += 1
            if flow.inspected >= UDP_LOOKS:
                flow.settle()

    def _quic(self, flow: Flow, payload: bytes, frame: int) -> None:
        flow.protocols.add("quic")
        start = 0
        while start < len(payload) and payload[start] & 0x80:
            header = quic.long_header(payload, start)
            if not header.initial:
                break
            if flow.up is None:
                flow.up = StreamPrefix(CLIENT_PREFIX, base=0)
                self.quic_keys[(UDP, flow.client, flow.client_port, flow.server,
                                flow.server_port)] = quic.initial_keys(header.dcid)
            keys = self.quic_keys[(UDP, flow.client, flow.client_port, flow.server,
                                   flow.server_port)]
            for offset, data in quic.crypto_frames(quic.decrypt_initial(payload, header, keys)):
                flow.up.add(offset, data)
            start = header.end
        if flow.up is None:
            return
        for kind, body in tls.handshake_messages(bytes(flow.up.data)):
            if kind == tls.CLIENT_HELLO:
                self._client_hello(flow, tls.parse_client_hello(body), frame, "quic-sni")
                flow.settle()
                del self.quic_keys[(UDP, flow.client, flow.client_port, flow.server,
                                    flow.server_port)]
                break

    def finish(self) -> Scan:
        """The scan's result (fragments still waiting are counted as skipped)."""
        if self.defragmenter.pending:
            self.skipped.add("IP fragments whose datagram never completed", self.last_frame,
                             len(self.defragmenter.pending))
        if self.defragmenter.dropped:
            self.skipped.add("IP fragments dropped (too many datagrams waiting)", self.last_frame,
                             self.defragmenter.dropped)
        return Scan(
            packets=self.packets,
            flows=tuple(flow.freeze() for flow in self.flows.values()),
            dns_questions=tuple(self.questions),
            dns_answers=tuple(self.answers),
            macs={address_text(a): m.hex(":") for a, m in self.macs.items()},
            skipped=self.skipped,
            first_ns=self.first_ns,
            last_ns=self.last_ns if self.first_ns is not None else None,
        )


def transport_key(linktype: int, data: bytes) -> FlowKey | None:
    """The flow key (as sent) of a whole TCP or UDP packet in a frame; None for anything
    else (fragments, other protocols, frames that cannot be read)."""
    try:
        carried = carried_ip(linktype, data)
        if carried is None:
            return None
        found = parse_ip(data, carried.offset)
        if not isinstance(found, IpPacket) or found.protocol not in (TCP, UDP):
            return None
        payload = found.payload
        if found.protocol == TCP:
            tcp_header_length(payload)
        elif len(payload) < 8:
            return None
    except LinkLayerError:
        return None
    return (found.protocol, found.source, int.from_bytes(payload[0:2]), found.destination,
            int.from_bytes(payload[2:4]))


def scan_capture(source: str | Path | BinaryIO, *, label: str | None = None) -> Scan:
    """Read a pcap or pcapng capture once, front to back, and say what it found."""
    reader = open_capture(source, label=label, supported=linktypes.IP_CARRYING,
                          reads=linktypes.IP_READS)
    scanner = Scanner()
    from dronevet.leaks import batch  # the batch path builds on this module

    if batch.reads(reader):
        batch.scan_batch(cast(PcapReader | PcapngReader, reader), scanner)
    else:
        for packet in reader:
            scanner.feed(packet)
    scanner.skipped.merge(reader.skipped)
    return scanner.finish()
