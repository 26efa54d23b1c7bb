"""The leak report's values: devices, destinations, findings, and their JSON form.

`LeakReport.to_dict()` is `dronevet leaks analyze FILE --format json`, the contract the
acceptance checks read: `capture, packets, skipped {count, reasons}, devices [{address,
mac}], destinations [{host, domain, addresses, owner {entity_id, name} | null, country,
asn, asn_org, covered_status, bytes_up, bytes_down, first_seen, last_seen, protocols,
evidence [{kind, value, frame}]}], findings [{severity, text}]`. `asn` is the network's
number (an integer) and `asn_org` its operator's name, both null where no ASN database is
installed or no range holds the address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from dronevet.capture.packets import SkipTally
from dronevet.knowledge.model import Source
from dronevet.leaks.flows import Evidence


def timestamp(time_ns: int) -> str:
    """ISO 8601 UTC time with microseconds for a capture time in nanoseconds."""
    return datetime.fromtimestamp(time_ns / 1e9, tz=UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Owner:
    """Who operates a destination's domain, and the document that says so."""

    entity_id: str | None
    name: str
    role: str
    source: Source

    def to_dict(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "name": self.name}


@dataclass(frozen=True, slots=True)
class Device:
    """A device on the captured network: its address and, where the capture shows it, MAC."""

    address: str
    mac: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"address": self.address, "mac": self.mac}


@dataclass(frozen=True, slots=True)
class Destination:
    """A server the device talked to, named by the evidence the capture holds."""

    host: str
    domain: str | None
    addresses: tuple[str, ...]
    owner: Owner | None
    country: str | None
    asn: int | None
    asn_org: str | None
    covered_status: str
    bytes_up: int
    bytes_down: int
    first_ns: int
    last_ns: int
    protocols: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    timeline: tuple[tuple[int, int, int], ...]
    """(minute since the epoch, bytes up, bytes down) for the charts."""

    @property
    def network(self) -> str | None:
        """`AS13335 Cloudflare, Inc.`: the network of the first address, where known."""
        if self.asn is None:
            return None
        return f"AS{self.asn} {self.asn_org or ''}".rstrip()

    def to_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "domain": self.domain,
            "addresses": list(self.addresses),
            "owner": self.owner.to_dict() if self.owner else None,
            "country": self.country,
            "asn": self.asn,
            "asn_org": self.asn_org,
            "covered_status": self.covered_status,
            "bytes_up": self.bytes_up,
            "bytes_down": self.bytes_down,
            "first_seen": timestamp(self.first_ns),
            "last_seen": timestamp(self.last_ns),
            "protocols": list(self.protocols),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """One conclusion in plain words; severity `high`, `medium`, `low` or `info`."""

    severity: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"severity": self.severity, "text": self.text}


@dataclass(frozen=True, slots=True)
class LeakReport:
    """What a capture shows a device sending, and to whom, as of a date."""

    capture: str
    as_of: date
    packets: int
    skipped: SkipTally
    devices: tuple[Device, ...]
    device: tuple[str, ...]
    """The addresses of the device under test."""
    destinations: tuple[Destination, ...]
    findings: tuple[Finding, ...]
    database: str

    @property
    def external_connections(self) -> bool:
        """The device connected to at least one server on the public internet."""
        return bool(self.destinations)

    def to_dict(self) -> dict[str, Any]:
        return {
            "capture": self.capture,
            "packets": self.packets,
            "skipped": {"count": self.skipped.total, "reasons": self.skipped.as_dict()},
            "devices": [d.to_dict() for d in self.devices],
            "destinations": [d.to_dict() for d in self.destinations],
            "findings": [f.to_dict() for f in self.findings],
        }
