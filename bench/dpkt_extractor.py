"""A straightforward dpkt extractor, the benchmark's peer: DNS names and TLS server names.

What a person would write first with dpkt: each Ethernet frame parsed on its own (no TCP
reassembly, no QUIC), DNS queries' names from UDP port 53, the SNI of a ClientHello that
sits whole in one TCP segment. Prints one name a line.

    python bench/dpkt_extractor.py FILE.pcap
"""

from __future__ import annotations

import sys

import dpkt


def _sni(payload: bytes) -> str | None:
    try:
        records, _ = dpkt.ssl.tls_multi_factory(payload)
    except (dpkt.NeedData, dpkt.UnpackError, dpkt.ssl.SSL3Exception):
        return None
    for record in records:
        if record.type != 22:
            continue
        try:
            handshake = dpkt.ssl.TLSHandshake(record.data)
        except (dpkt.NeedData, dpkt.UnpackError):
            continue
        if isinstance(handshake.data, dpkt.ssl.TLSClientHello):
            for kind, data in handshake.data.extensions:
                if kind == 0 and len(data) > 5:
                    return bytes(data[5:]).decode("ascii", "replace")
    return None


def main(path: str) -> None:
    out = []
    with open(path, "rb") as handle:
        for _time, frame in dpkt.pcap.Reader(handle):
            eth = dpkt.ethernet.Ethernet(frame)
            ip = eth.data
            if not isinstance(ip, dpkt.ip.IP | dpkt.ip6.IP6):
                continue
            transport = ip.data
            if isinstance(transport, dpkt.udp.UDP) and 53 in (transport.sport, transport.dport):
                try:
                    message = dpkt.dns.DNS(transport.data)
                except (dpkt.NeedData, dpkt.UnpackError):
                    continue
                out.extend(question.name for question in message.qd)
            elif isinstance(transport, dpkt.tcp.TCP) and transport.data[:1] == b"\x16":
                name = _sni(transport.data)
                if name:
                    out.append(name)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
