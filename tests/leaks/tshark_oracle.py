"""What tshark extracts from a capture: DNS names, server names, HTTP hosts, flow byte counts.

The oracle for the leak scanner (issue 13, point 6). Flows are tshark's TCP and UDP
streams (`tcp.stream`, `udp.stream`), with each frame's `frame.len` added to the
direction of its sender, as `tshark -z conv,tcp` / `conv,udp` count them.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from pathlib import Path

FIELDS = ("dns.qry.name", "tls.handshake.extensions_server_name", "http.host",
          "http.request.method", "http.request.uri", "http.user_agent", "tcp.stream",
          "udp.stream", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.srcport",
          "tcp.dstport", "udp.srcport", "udp.dstport", "frame.len")

Endpoint = tuple[str, int]
FlowCounts = tuple[str, frozenset[tuple[Endpoint, int, int]]]
"""(transport, {(sender endpoint, frames sent, bytes sent)})."""


def extract(tshark: str, capture: Path) -> dict[str, set[object]]:
    """`names`, `snis`, `hosts`, `requests` (method and path, and user agents) and
    `flows` as tshark sees them in `capture`."""
    # Wireshark leaves out-of-order segments out of reassembly unless told to put them in order.
    command = [tshark, "-n", "-o", "tcp.reassemble_out_of_order:TRUE", "-r", str(capture),
               "-T", "fields", "-E", "separator=\t",
               "-E", "occurrence=a", "-E", "aggregator=|"]
    for name in FIELDS:
        command += ["-e", name]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    names: set[object] = set()
    snis: set[object] = set()
    hosts: set[object] = set()
    requests: set[object] = set()
    streams: dict[tuple[str, str], dict[Endpoint, list[int]]] = defaultdict(dict)
    for line in out.splitlines():
        row = dict(zip(FIELDS, line.split("\t"), strict=False))
        names.update(n for n in row.get("dns.qry.name", "").split("|") if n)
        snis.update(n for n in row.get("tls.handshake.extensions_server_name", "").split("|")
                    if n)
        hosts.update(n for n in row.get("http.host", "").split("|") if n)
        if row.get("http.request.method"):
            requests.add(f"{row['http.request.method']} {row['http.request.uri']}")
        requests.update(a for a in row.get("http.user_agent", "").split("|") if a)
        source = (row.get("ip.src") or row.get("ipv6.src") or "").split("|")[-1]
        for transport in ("tcp", "udp"):
            stream = row.get(f"{transport}.stream", "")
            if stream:
                port = int(row[f"{transport}.srcport"].split("|")[-1])
                sent = streams[(transport, stream)].setdefault((source, port), [0, 0])
                sent[0] += 1
                sent[1] += int(row["frame.len"])
    flows: set[object] = {
        (transport, frozenset((e, c[0], c[1]) for e, c in ends.items()))
        for (transport, _), ends in streams.items()
    }
    return {"names": names, "snis": snis, "hosts": hosts, "requests": requests, "flows": flows}
