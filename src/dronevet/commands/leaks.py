"""`dronevet leaks analyze FILE` and `dronevet leaks compare A B`: what a drone app sends, to whom.

The answers come from `dronevet.api.analyze_capture` and `compare_captures`; `--format
json` writes their `to_dict()` (the stable contract), `html` a self-contained report with
charts, text explains them for people.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dronevet.commands.common import (
    err_console,
    existing_file,
    guarded,
    parse_date,
    say,
    write_json,
)

if TYPE_CHECKING:
    from dronevet.leaks.analysis import LeakComparison
    from dronevet.leaks.report import LeakReport

app = typer.Typer(help="What a drone system's apps send over the network, and to whom.",
                  no_args_is_help=True)

_STYLES = {"high": "bold red", "medium": "bold yellow", "low": "", "info": "dim"}

AsnDbOption = Annotated[Path | None, typer.Option(
    "--asn-db", help="The @ip-location-db/asn database: its folder or the npm prefix it was "
    "installed under (default: DRONEVET_ASN_DB, else the home's data folder).")]


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"


def print_report(report: LeakReport) -> None:
    """The report for a person: findings first, then each destination with its evidence."""
    say((report.capture, "bold"), f": {report.packets} frames, as of {report.as_of.isoformat()}")
    for finding in report.findings:
        say((f"{finding.severity.upper():<6} ", _STYLES[finding.severity]), finding.text)
    for destination in report.destinations:
        owner = (f"{destination.owner.name} ({destination.owner.role})"
                 if destination.owner else "operator unknown")
        say("")
        say((destination.host, "bold"), f"  {owner}; covered status: "
            f"{destination.covered_status.replace('_', ' ')}")
        say(f"  addresses {', '.join(destination.addresses)}; country "
            f"{destination.country or 'unknown'}; network {destination.network or 'unknown'}"
            f"; {', '.join(destination.protocols)}")
        for item in destination.evidence:
            say((f"  evidence: {item.kind} {item.value} (frame {item.frame})", "dim"))
        if destination.owner:
            source = destination.owner.source
            mark = "" if source.verified else " (not yet verified)"
            say((f"  owner source: {source.citation} ({source.date.isoformat()}){mark}", "dim"))


def print_comparison(comparison: LeakComparison) -> None:
    """Two captures side by side for a person, ending in the verdict."""
    for side, report in (("A", comparison.first), ("B", comparison.second)):
        state = "connects to the internet" if report.external_connections else "no connection"
        count = len(report.destinations)
        say((f"{side}: {report.capture}", "bold"),
            f": {count} destination{'s' if count != 1 else ''}, {state}")
    for word, hosts in (("Appeared in B", comparison.appeared),
                        ("Disappeared in B", comparison.disappeared)):
        say(f"{word}: {', '.join(hosts) if hosts else 'none'}")
    say((comparison.verdict, "bold"))


def _write_html(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@app.command("analyze")
@guarded
def analyze_command(
    capture: Annotated[Path, typer.Argument(help="A pcap or pcapng capture of the app's traffic.")],
    device: Annotated[str | None, typer.Option(
        "--device", help="The device under test: its IP or MAC address (default: the local "
        "address that sent the most to the internet).")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="text, json or html.")
                   ] = ReportFormat.text,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Date for covered status (YYYY-MM-DD, default today).")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the HTML report to this file.")] = None,
    asn_db: AsnDbOption = None,
) -> None:
    """Say where a capture shows the device sending data: hosts, owners, countries, networks,
    findings."""
    from dronevet.api import analyze_capture

    path, day = existing_file(capture), parse_date(as_of)
    with err_console.status(f"Reading {path.name} (a large capture takes a while)"):
        report = analyze_capture(path, device=device, as_of=day, asn_db=asn_db)
    if fmt is ReportFormat.json:
        write_json(report.to_dict())
    elif fmt is ReportFormat.html:
        from dronevet.leaks.html import render

        _write_html(render(report), output)
    else:
        print_report(report)


@app.command("compare")
@guarded
def compare_command(
    first: Annotated[Path, typer.Argument(help="The first capture (say, Local Data Mode off).")],
    second: Annotated[Path, typer.Argument(help="The second capture (say, Local Data Mode on).")],
    device: Annotated[str | None, typer.Option(
        "--device", help="The device under test: its IP or MAC address.")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="text or json.")
                   ] = ReportFormat.text,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Date for covered status (YYYY-MM-DD, default today).")] = None,
    asn_db: AsnDbOption = None,
) -> None:
    """Compare two captures: which destinations appear or disappear, and a verdict."""
    from dronevet.api import compare_captures
    from dronevet.errors import UsageError

    if fmt is ReportFormat.html:
        raise UsageError("compare writes text or json; use analyze --format html per capture.")
    paths, day = (existing_file(first), existing_file(second)), parse_date(as_of)
    with err_console.status(f"Reading {paths[0].name} and {paths[1].name}"):
        comparison = compare_captures(*paths, device=device, as_of=day, asn_db=asn_db)
    if fmt is ReportFormat.json:
        write_json(comparison.to_dict())
    else:
        print_comparison(comparison)
