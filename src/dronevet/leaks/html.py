"""The leak report as one self-contained HTML page: inline CSS and SVG charts, no scripts.

Two charts: bytes sent and received per destination (bars), and bytes per country over
the capture's minutes (one line per country). The page loads nothing from the network; its
one link is the credit the ASN database's licence asks for (`leaks.asn.ATTRIBUTION`).
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from dronevet.leaks.asn import ATTRIBUTION, ATTRIBUTION_URL
from dronevet.leaks.findings import size
from dronevet.leaks.report import Destination, LeakReport

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3em;
text-align:left;vertical-align:top;font-size:.9em}
.high{color:#b00020;font-weight:bold}.medium{color:#8a5a00;font-weight:bold}.low{color:#333}
.info{color:#666}.small{font-size:.8em;color:#555}
"""
_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")


def destination_chart(destinations: tuple[Destination, ...]) -> str:
    """Bytes sent and received per destination (the first 20), as inline SVG."""
    shown = destinations[:20]
    if not shown:
        return "<p>No destination on the internet.</p>"
    top = max(max(d.bytes_up, d.bytes_down) for d in shown) or 1
    rows, height = [], 22
    for index, item in enumerate(shown):
        y = index * height
        up = 400 * item.bytes_up / top
        down = 400 * item.bytes_down / top
        rows.append(
            f'<text x="0" y="{y + 14}" font-size="12">{escape(item.host[:40])}</text>'
            f'<rect x="260" y="{y + 3}" width="{up:.1f}" height="8" fill="#d62728"/>'
            f'<rect x="260" y="{y + 11}" width="{down:.1f}" height="8" fill="#1f77b4"/>'
            f'<text x="{265 + max(up, down):.1f}" y="{y + 14}" font-size="11">'
            f'{size(item.bytes_up)} sent, {size(item.bytes_down)} received</text>'
        )
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="860" height="{len(shown) * height}"'
            f' role="img" aria-label="bytes per destination">{"".join(rows)}</svg>'
            '<p class="small">Red: sent by the device; blue: received.</p>')


def country_chart(destinations: tuple[Destination, ...]) -> str:
    """Bytes per minute by the country each server's address is registered in, as inline
    SVG with its legend drawn inside (no style attribute: the web pages allow none)."""
    per: defaultdict[str, defaultdict[int, int]] = defaultdict(lambda: defaultdict(int))
    for item in destinations:
        for minute, up, down in item.timeline:
            per[item.country or "unknown"][minute] += up + down
    minutes = sorted({m for series in per.values() for m in series})
    if not minutes:
        return "<p>No traffic to chart.</p>"
    top = max(v for series in per.values() for v in series.values()) or 1
    span = max(minutes[-1] - minutes[0], 1)
    lines, legend = [], []
    for index, (country, series) in enumerate(sorted(per.items())):
        colour = _COLOURS[index % len(_COLOURS)]
        points = " ".join(
            f"{40 + 780 * (m - minutes[0]) / span:.1f},{210 - 190 * series.get(m, 0) / top:.1f}"
            for m in minutes
        )
        lines.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                     'stroke-width="2"/>')
        if len(minutes) == 1:
            x, y = points.split(",")
            lines.append(f'<circle cx="{x}" cy="{y}" r="4" fill="{colour}"/>')
        left = 40 + 110 * index
        legend.append(f'<rect x="{left}" y="242" width="10" height="10" fill="{colour}"/>'
                      f'<text x="{left + 14}" y="251" font-size="11">{escape(country)}</text>')
    axis = ('<line x1="40" y1="210" x2="820" y2="210" stroke="#999"/>'
            f'<text x="40" y="228" font-size="11">minute 0</text>'
            f'<text x="760" y="228" font-size="11">minute {span}</text>'
            f'<text x="0" y="20" font-size="11">{size(top)}/min</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="860" height="260" role="img" '
            f'aria-label="bytes per country over time">{axis}{"".join(lines)}'
            f'{"".join(legend)}</svg>'
            '<p class="small">Bytes each minute, both ways, by the country the server\'s '
            'address is registered in.</p>')


def credited(text: str) -> str:
    """`text` escaped, the ASN database's credit in it a link to its maker."""
    return escape(text).replace(
        escape(ATTRIBUTION), f'<a href="{ATTRIBUTION_URL}">{escape(ATTRIBUTION)}</a>')


def _table(destinations: tuple[Destination, ...]) -> str:
    rows = []
    for item in destinations:
        owner = escape(item.owner.name) if item.owner else "unknown"
        evidence = "<br>".join(
            f"{escape(e.kind)} {escape(e.value)} (frame {e.frame})" for e in item.evidence)
        rows.append(
            f"<tr><td>{escape(item.host)}<br><span class=small>"
            f"{escape(', '.join(item.addresses))}</span></td><td>{owner}</td>"
            f"<td>{escape(item.covered_status.replace('_', ' '))}</td>"
            f"<td>{escape(item.country or 'unknown')}</td>"
            f"<td>{escape(item.network or 'unknown')}</td><td>{size(item.bytes_up)}</td>"
            f"<td>{size(item.bytes_down)}</td><td>{escape(', '.join(item.protocols))}</td>"
            f"<td class=small>{evidence}</td></tr>"
        )
    head = ("<tr><th>Destination</th><th>Operator</th><th>Covered</th><th>Country</th>"
            "<th>Network</th><th>Sent</th><th>Received</th><th>Protocols</th><th>Evidence</th></tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def render(report: LeakReport) -> str:
    """The whole report page."""
    findings = "".join(
        f'<li class="{escape(f.severity)}">{credited(f.text)}</li>' for f in report.findings)
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        f"<title>dronevet leak report: {escape(report.capture)}</title><style>{_CSS}</style>"
        f"</head><body><h1>What the capture shows being sent, and to whom</h1>"
        f"<p>{escape(report.capture)}: {report.packets} frames; covered status as of "
        f"{report.as_of.isoformat()}.</p><h2>Findings</h2><ul>{findings}</ul>"
        f"<h2>Bytes per destination</h2>{destination_chart(report.destinations)}"
        f"<h2>Bytes per country over time</h2>{country_chart(report.destinations)}"
        f"<h2>Destinations</h2>{_table(report.destinations)}"
        f"<p class=small>{credited(report.database)}</p></body></html>\n"
    )
