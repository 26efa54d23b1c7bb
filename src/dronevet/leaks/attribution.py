"""From flows to destinations: host name, registrable domain, operator, country, covered status.

For each flow of the device under test to an address on the public internet, the host is
the first of: the TLS or QUIC server name (SNI), the HTTP Host, the name a DNS answer gave
for the address (the name the app asked for, before any CNAME), a DNS name in the
server's certificate, else the address itself. Every name found is kept as evidence with
its frame. The host's registrable domain comes from the public suffix list's ICANN
section (`publicsuffixlist`, offline; only the rules for the host's top-level label are
handed to it), the one registrars sell under; its operator from the
knowledge base's domain table (`knowledge.domains`); the operator's covered status from
screening (`screening.control.determine`) as of the date asked; the country and network
(ASN) of its first address from `geo`. Flows to one host make one destination.

The device under test is the address given (an IP or MAC address), or else the local
address that sent the most bytes to the internet; its other addresses are those that
share its MAC address. Other local devices are listed, their traffic left out.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from publicsuffixlist import PSLFILE, PublicSuffixList

from dronevet.errors import BadInputError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.domains import DomainOwner
from dronevet.leaks.asn import AsnDatabase
from dronevet.leaks.flows import Evidence, FlowRecord
from dronevet.leaks.geo import is_external, registration
from dronevet.leaks.report import Destination, Device, Owner
from dronevet.leaks.scan import DnsAnswer, Scan
from dronevet.screening.control import determine

NAME_ORDER = ("sni", "quic-sni", "http-host", "dns", "cert")


ICANN_SECTION = ("// ===BEGIN ICANN DOMAINS===", "// ===END ICANN DOMAINS===")


def _ascii_label(label: str) -> str:
    """A name's label as it travels in DNS (punycode for a non-ASCII one)."""
    if label.isascii():
        return label
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:
        return label


@functools.cache
def _icann_rules() -> dict[str, tuple[str, ...]]:
    """The public suffix list's ICANN rules (read as `PublicSuffixList` reads them), by
    their last label."""
    by_label: dict[str, list[str]] = {}
    inside = False
    with open(PSLFILE, encoding="utf-8") as handle:
        for line in handle:
            if line.rstrip() in ICANN_SECTION:
                inside = line.rstrip() == ICANN_SECTION[0]
                continue
            rule = line.lower().split(" ")[0].rstrip()
            if inside and rule and not rule.startswith("//"):
                label = _ascii_label(rule.lstrip("!").rsplit(".", 1)[-1])
                by_label.setdefault(label, []).append(rule)
    return {label: tuple(rules) for label, rules in by_label.items()}


@functools.cache
def _suffixes(label: str) -> PublicSuffixList:
    """The list for names ending in `label`: only the rules ending in it can match them,
    so the package encodes a few rules, not all ten thousand, per run."""
    return PublicSuffixList(_icann_rules().get(label, ()))


def registrable_domain(host: str) -> str | None:
    """`dji.com` for `mydjiflight.dji.com`; None for an address or a bare suffix."""
    name = host.strip(".").lower()
    if not name or name.replace(".", "").isdigit() or ":" in name:
        return None
    found: str | None = _suffixes(_ascii_label(name.rsplit(".", 1)[-1])).privatesuffix(name)
    return found


def _macs(scan: Scan) -> dict[str, str]:
    """Each address's MAC address where it tells devices apart: not all zeros (PCAPdroid
    writes those in its Ethernet trailer mode), not a group (broadcast or multicast) one."""
    return {address: mac for address, mac in scan.macs.items()
            if mac != "00:00:00:00:00:00" and not int(mac[:2], 16) & 1}


def devices(scan: Scan) -> tuple[Device, ...]:
    """The local addresses that sent traffic, with their MAC addresses where known."""
    local = {f.client for f in scan.flows if not is_external(f.client)}
    macs = _macs(scan)
    return tuple(Device(a, macs.get(a)) for a in sorted(local))


def device_addresses(scan: Scan, wanted: str | None, *, capture: str | None = None
                     ) -> tuple[str, ...]:
    """The addresses of the device under test (`wanted`: an IP or MAC address, or None) in
    the capture named `capture`; a device it does not hold is an error naming the local
    ones it does.

    Unnamed, it is the local address that sent the most to the internet and the others
    with its MAC address. A capture without MAC addresses (raw IP, as PCAPdroid and
    tcpdump on a VPN or tunnel interface write them: one device's own traffic) gives no
    way to tell a device's IPv4 and IPv6 addresses apart from another device's, so there
    every local address that reached the internet is taken as the device's."""
    macs = _macs(scan)
    if wanted is None:
        sent: Counter[str] = Counter()
        for flow in scan.flows:
            if not is_external(flow.client) and is_external(flow.server):
                sent[flow.client] += flow.bytes_up + flow.bytes_down
        if not sent:
            return ()
        if not macs:
            return tuple(sorted(sent))
        wanted = sent.most_common(1)[0][0]
    text = wanted.strip().lower()
    mac = text if text.count(":") == 5 and len(text) == 17 else macs.get(text)
    known = {f.client for f in scan.flows} | {f.server for f in scan.flows}
    if mac is None and text not in known:
        raise BadInputError(f"the device {wanted!r} sent or received nothing in this capture.",
                            path=capture, suggestions=[d.address for d in devices(scan)])
    same = {a for a, m in macs.items() if mac is not None and m == mac}
    return tuple(sorted(same | ({text} if text in known else set())))


@dataclass(slots=True)
class _Gathered:
    host: str
    addresses: set[str] = field(default_factory=set)
    bytes_up: int = 0
    bytes_down: int = 0
    first_ns: int = 0
    last_ns: int = 0
    protocols: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)
    timeline: Counter[int] = field(default_factory=Counter)
    timeline_down: Counter[int] = field(default_factory=Counter)


def _dns_names(answers: Iterable[DnsAnswer]) -> dict[str, list[DnsAnswer]]:
    by_address: dict[str, list[DnsAnswer]] = {}
    for answer in answers:
        by_address.setdefault(answer.address, []).append(answer)
    return by_address


def _evidence(flow: FlowRecord, dns_for: list[DnsAnswer]) -> list[Evidence]:
    found = list(flow.evidence)
    before = [a for a in dns_for if a.frame <= flow.first_frame] or dns_for
    if before:
        answer = before[-1]
        found.append(Evidence("dns", answer.name, answer.frame))
    return found


def _host(evidence: list[Evidence], address: str) -> str:
    for kind in NAME_ORDER:
        for item in evidence:
            if item.kind == kind and not item.value.startswith("*"):
                return item.value.lower()
    return address


def _oriented(flow: FlowRecord, device: set[str]) -> tuple[str, int, int] | None:
    """(remote address, bytes from the device, bytes to it), None when not the device's."""
    if flow.client in device and is_external(flow.server):
        return flow.server, flow.bytes_up, flow.bytes_down
    if flow.server in device and is_external(flow.client):
        return flow.client, flow.bytes_down, flow.bytes_up
    return None


def gather(scan: Scan, device: tuple[str, ...]) -> list[_Gathered]:
    """The device's flows to the internet, grouped by host."""
    names = _dns_names(scan.dns_answers)
    mine = set(device)
    groups: dict[str, _Gathered] = {}
    for flow in scan.flows:
        oriented = _oriented(flow, mine)
        if oriented is None:
            continue
        remote, up, down = oriented
        evidence = _evidence(flow, names.get(remote, []))
        host = _host(evidence, remote)
        group = groups.get(host)
        if group is None:
            group = groups[host] = _Gathered(host, first_ns=flow.first_ns, last_ns=flow.last_ns)
        group.addresses.add(remote)
        group.bytes_up += up
        group.bytes_down += down
        group.first_ns = min(group.first_ns, flow.first_ns)
        group.last_ns = max(group.last_ns, flow.last_ns)
        group.protocols |= flow.protocols
        group.evidence.extend(e for e in evidence if e not in group.evidence)
        upward = flow.client in mine
        for minute, sent, received in flow.timeline:
            group.timeline[minute] += sent if upward else received
            group.timeline_down[minute] += received if upward else sent
    return list(groups.values())


def _owner(domain: str | None, table: Mapping[str, DomainOwner]) -> Owner | None:
    entry = table.get(domain or "")
    if entry is None:
        return None
    return Owner(entry.entity, entry.owner, entry.role, entry.source)


def _covered(owner: Owner | None, kb: KnowledgeBase, as_of: date) -> str:
    if owner is None or owner.entity_id is None:
        return "unknown"
    return str(determine(kb, owner.entity_id, as_of).status.value)


def destinations(
    scan: Scan, device: tuple[str, ...], kb: KnowledgeBase, table: Mapping[str, DomainOwner],
    as_of: date, networks: AsnDatabase,
) -> tuple[Destination, ...]:
    """The device's destinations on the internet, most bytes sent first; the network of
    each from `networks`."""
    found = []
    for group in gather(scan, device):
        domain = registrable_domain(group.host)
        owner = _owner(domain, table)
        first = sorted(group.addresses)[0]
        where = registration(first, networks)
        minutes = sorted(set(group.timeline) | set(group.timeline_down))
        found.append(Destination(
            host=group.host, domain=domain, addresses=tuple(sorted(group.addresses)),
            owner=owner, country=where.country, asn=where.asn, asn_org=where.asn_org,
            covered_status=_covered(owner, kb, as_of), bytes_up=group.bytes_up,
            bytes_down=group.bytes_down, first_ns=group.first_ns, last_ns=group.last_ns,
            protocols=tuple(sorted(group.protocols)),
            evidence=tuple(sorted(group.evidence, key=lambda e: (e.frame, e.kind, e.value))),
            timeline=tuple((m, group.timeline[m], group.timeline_down[m]) for m in minutes),
        ))
    return tuple(sorted(found, key=lambda d: (-d.bytes_up, -d.bytes_down, d.host)))
