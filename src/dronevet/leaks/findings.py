"""The report's findings: what the capture shows, in words a program manager can act on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dronevet.leaks.report import Destination, Device, Finding

CLEARTEXT = {"http": "HTTP", "mqtt": "MQTT", "coap": "CoAP", "amqp": "AMQP",
             "mavlink": "MAVLink"}
ENCRYPTED = {"tls": "TLS", "quic": "QUIC"}


def size(count: int) -> str:
    """`5.2 MB`, `830 bytes`: a byte count in decimal units."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes" if count != 1 else "1 byte"


def _over(destination: Destination) -> str:
    names = [CLEARTEXT.get(p) or ENCRYPTED.get(p) for p in destination.protocols]
    shown = [n for n in names if n] or [p.upper() for p in destination.protocols if p in
                                         ("tcp", "udp")]
    return " and ".join(shown)


def _operator(destination: Destination, as_of: date) -> tuple[str, str]:
    owner = destination.owner
    if owner is None:
        return "servers whose operator dronevet does not know", "low"
    mark = "" if owner.source.verified else ", ownership not yet verified"
    if destination.covered_status == "covered":
        return (f"servers operated by {owner.name} (a covered entity as of "
                f"{as_of.isoformat()}{mark})", "high")
    if destination.covered_status == "review":
        return f"servers operated by {owner.name} (needs review{mark})", "medium"
    if owner.entity_id is None:
        return (f"servers operated by {owner.name} (not in dronevet's entities, so not "
                f"screened{mark})", "medium")
    return f"servers operated by {owner.name} (not covered{mark})", "low"


def _where(destination: Destination) -> str:
    return f", registered in {destination.country}" if destination.country else ""


def destination_finding(destination: Destination, as_of: date) -> Finding:
    """One destination in a sentence: how much went where, to whom, over what."""
    operator, severity = _operator(destination, as_of)
    text = (f"{size(destination.bytes_up)} sent to {operator} over {_over(destination)} "
            f"to {destination.host}{_where(destination)}; {size(destination.bytes_down)} "
            "received.")
    return Finding(severity, text)


def cleartext_finding(destination: Destination) -> Finding | None:
    """A warning when a destination was reached without encryption."""
    plain = [CLEARTEXT[p] for p in destination.protocols if p in CLEARTEXT]
    if not plain:
        return None
    return Finding("medium", f"{' and '.join(plain)} to {destination.host} is not encrypted: "
                   "anyone on the network path can read or change it.")


def summary(destinations: Sequence[Destination], device: Sequence[str],
            others: Sequence[Device]) -> list[Finding]:
    """The capture as a whole: did the device reach the internet, and whose traffic is left out."""
    who = ", ".join(device) or "no local device"
    found = []
    if destinations:
        countries = sorted({d.country for d in destinations if d.country})
        found.append(Finding("info", (
            f"The device ({who}) connected to {len(destinations)} destination"
            f"{'s' if len(destinations) != 1 else ''} on the internet"
            + (f", registered in {', '.join(countries)}." if countries else ".")
        )))
    else:
        found.append(Finding("info", f"The device ({who}) made no connection to the internet "
                             "in this capture."))
    mine = [d for d in others if d.address in device]
    if len(mine) > 1 and not any(d.mac for d in mine):
        found.append(Finding("info", (
            "The capture shows no MAC addresses (raw IP, or zeros), so the local addresses "
            f"that reached the internet ({', '.join(d.address for d in mine)}) are all taken "
            "as the device under test; if some belong to another device, name the one to "
            "check as the device under test.")))
    left = [d.address for d in others if d.address not in device]
    if left:
        found.append(Finding("info", f"Traffic of {len(left)} other local address"
                             f"{'es' if len(left) != 1 else ''} ({', '.join(left)}) is left "
                             "out; to check one of them instead, name it as the device under "
                             "test."))
    return found


def findings(destinations: Sequence[Destination], device: Sequence[str],
             others: Sequence[Device], as_of: date, skipped: int, database: str
             ) -> tuple[Finding, ...]:
    """Every finding, most serious first, the summary and the notes last."""
    rank = {"high": 0, "medium": 1, "low": 2, "info": 3}
    each: list[Finding] = []
    for destination in destinations:
        each.append(destination_finding(destination, as_of))
        plain = cleartext_finding(destination)
        if plain:
            each.append(plain)
    each.sort(key=lambda f: rank[f.severity])
    notes = summary(destinations, device, others)
    if skipped:
        notes.append(Finding("info", f"{skipped} frame{'s' if skipped != 1 else ''} could not "
                             "be read and were counted as skipped (see skipped)."))
    notes.append(Finding("info", database))
    return (*each, *notes)
