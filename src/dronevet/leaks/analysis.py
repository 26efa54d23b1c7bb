"""A capture's leak report, and two captures compared (Local Data Mode off, then on).

`analyze` reads the capture once (`scan`), attributes the device's flows
(`attribution`) and words the findings (`findings`). `compare` analyzes two captures of
the same device and says which destinations appeared and disappeared, and whether each
capture shows any connection to the internet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.domains import builtin_domains
from dronevet.leaks import attribution, geo
from dronevet.leaks.asn import AsnDatabase
from dronevet.leaks.findings import findings
from dronevet.leaks.report import LeakReport
from dronevet.leaks.scan import scan_capture


def analyze(source: str | Path | BinaryIO, kb: KnowledgeBase, as_of: date, *,
            networks: AsnDatabase, device: str | None = None, label: str | None = None
            ) -> LeakReport:
    """What the capture shows the device sending, and to whom, as of `as_of`; the
    destinations' networks from `networks`."""
    name = label or str(source if isinstance(source, str | Path) else "<stream>")
    scan = scan_capture(source, label=name)
    local = attribution.devices(scan)
    mine = attribution.device_addresses(scan, device, capture=name)
    found = attribution.destinations(scan, mine, kb, builtin_domains(kb), as_of, networks)
    database = geo.database(networks)
    return LeakReport(
        capture=name, as_of=as_of, packets=scan.packets, skipped=scan.skipped,
        devices=local, device=mine, destinations=found,
        findings=findings(found, mine, local, as_of, scan.skipped.total, database),
        database=database,
    )


@dataclass(frozen=True, slots=True)
class LeakComparison:
    """Two captures of one device side by side: what appeared, what disappeared."""

    first: LeakReport
    second: LeakReport

    @property
    def appeared(self) -> tuple[str, ...]:
        before = {d.host for d in self.first.destinations}
        return tuple(sorted(d.host for d in self.second.destinations if d.host not in before))

    @property
    def disappeared(self) -> tuple[str, ...]:
        after = {d.host for d in self.second.destinations}
        return tuple(sorted(d.host for d in self.first.destinations if d.host not in after))

    @property
    def verdict(self) -> str:
        """One sentence: whether the second capture still reaches the internet."""
        second = self.second
        if not second.external_connections:
            return (f"The second capture ({second.capture}) shows no connection to the "
                    "internet: nothing was sent out.")
        hosts = ", ".join(d.host for d in second.destinations[:5])
        more = "" if len(second.destinations) <= 5 else f" and {len(second.destinations) - 5} more"
        return (f"The second capture ({second.capture}) still connects to "
                f"{len(second.destinations)} destination"
                f"{'s' if len(second.destinations) != 1 else ''} on the internet: "
                f"{hosts}{more}.")

    def to_dict(self) -> dict[str, Any]:
        """`dronevet leaks compare A B --format json`: each side's report (with its own
        `external_connections`), what appeared and disappeared in B, and the verdict."""
        sides = {
            name: {**report.to_dict(), "external_connections": report.external_connections}
            for name, report in (("a", self.first), ("b", self.second))
        }
        return {
            **sides,
            "appeared": list(self.appeared),
            "disappeared": list(self.disappeared),
            "external_connections": {
                "a": self.first.external_connections,
                "b": self.second.external_connections,
            },
            "verdict": self.verdict,
        }


def compare(first: LeakReport, second: LeakReport) -> LeakComparison:
    """Compare two captures' reports (the second is usually the protective setting)."""
    return LeakComparison(first, second)
