"""Checking what a drone app sends, in the browser: `/leaks` takes a capture of the app's
traffic (pcap or pcapng) and shows the findings, the charts and every destination with its
operator, covered status, country, network and evidence; `/leaks/compare` takes two
captures of one device (Local Data Mode off, then on) and says what appeared, what
disappeared and whether the second still reaches the internet.

The answers are the core's (`api.analyze_capture`, `api.compare_captures`), the same the
CLI and `/api/v1/leaks` give; the uploads are handled as there (`routes_leaks`). Nothing is
kept: the page offers the self-contained HTML report and the JSON as downloads in itself.
"""

from __future__ import annotations

import base64
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from dronevet.web.auth import Caller, CallerDep
from dronevet.web.pages_base import knowledge, render
from dronevet.web.routes_leaks import AsOf, Device, analyzed, compared

if TYPE_CHECKING:
    from dronevet.leaks.analysis import LeakComparison
    from dronevet.leaks.report import LeakReport

router = APIRouter()
TITLE = "Check what a drone app sends"


def _download(content: bytes, media: str) -> str:
    """A link target that downloads `content` (the page keeps nothing on the server)."""
    return f"data:{media};base64,{base64.b64encode(content).decode('ascii')}"


def _shown(report: LeakReport) -> dict[str, Any]:
    """A report as the page lays it out: charts, downloads, the device's addresses."""
    from markupsafe import Markup

    from dronevet.leaks.html import country_chart, credited, destination_chart
    from dronevet.leaks.html import render as standalone

    stem = report.capture.rsplit(".", 1)[0] or "capture"
    return {
        "report": report,
        "charts": (destination_chart(report.destinations), country_chart(report.destinations)),
        "html_link": _download(standalone(report).encode("utf-8"), "text/html"),
        "json_link": _download(orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2),
                               "application/json"),
        "database": Markup(credited(report.database)),  # `credited` escapes the text
        "stem": "".join(c if c.isalnum() or c in "-_" else "-" for c in stem)[:60],
    }


def _page(request: Request, who: Caller, *, today: date | None,
          shown: dict[str, Any] | None = None, comparison: LeakComparison | None = None
          ) -> HTMLResponse:
    from dronevet.leaks.findings import size

    return render(request, "leaks.html", who, title=TITLE, today=today or date.today(),
                  shown=shown, comparison=comparison, size=size)


@router.get("/leaks")
@router.get("/leaks/compare")  # where the comparison's page was posted: a reload shows the form
def leaks_form(request: Request, who: CallerDep) -> HTMLResponse:
    return _page(request, who, today=None)


@router.get("/leaks/sample.pcapng")
def sample_capture(who: CallerDep) -> Response:
    """A made-up capture to try the page with: a phone app's session to DJI, Tencent's crash
    reporter, Mapbox, Firebase and an MQTT broker (`leaks.synth.session`), written here."""
    del who
    from dronevet.capture import linktypes
    from dronevet.leaks import synth

    with tempfile.TemporaryDirectory() as folder:
        path = synth.write_pcapng(Path(folder) / "sample.pcapng", linktypes.ETHERNET,
                                  synth.session())
        data = path.read_bytes()
    return Response(data, media_type="application/octet-stream", headers={
        "content-disposition": 'attachment; filename="dronevet-sample-app-session.pcapng"'})


@router.post("/leaks")
async def leaks_analyze(request: Request, who: CallerDep,
                        capture: Annotated[UploadFile, File()], device: Device = None,
                        as_of: AsOf = None) -> HTMLResponse:
    report = await analyzed(knowledge(request), capture, device, as_of)
    return _page(request, who, today=as_of, shown=_shown(report))


@router.post("/leaks/compare")
async def leaks_compare(request: Request, who: CallerDep,
                        a: Annotated[UploadFile, File()], b: Annotated[UploadFile, File()],
                        device: Device = None, as_of: AsOf = None) -> HTMLResponse:
    comparison = await compared(knowledge(request), a, b, device, as_of)
    return _page(request, who, today=as_of, comparison=comparison)
