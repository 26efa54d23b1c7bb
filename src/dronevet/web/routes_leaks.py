"""The leak analyzer over HTTP: `POST /leaks/analyze` (what a capture shows a device sending,
and to whom) and `POST /leaks/compare` (two captures of one device, say Local Data Mode off
and then on).

Captures come as multipart uploads and are written to a temporary file as they arrive
(`saved_capture`, at most `MAX_CAPTURE_BYTES`), read by the core (`api.analyze_capture`,
`api.compare_captures`) in a worker thread, and deleted. The answers are the core's
`to_dict()`: the JSON `dronevet leaks analyze --format json` and `leaks compare --format
json` write; `format=html` answers the self-contained report `--format html` writes. A
file that is not a capture answers 422 naming it. Every signed-in user may ask
(`Action.read`): nothing is stored.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from datetime import date
from enum import StrEnum
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from dronevet import api
from dronevet.web.auth import CallerDep
from dronevet.web.responses import Json

if TYPE_CHECKING:
    from dronevet.knowledge.base import KnowledgeBase
    from dronevet.leaks.analysis import LeakComparison
    from dronevet.leaks.report import LeakReport

router = APIRouter(tags=["leaks"])

MAX_CAPTURE_BYTES = 4 << 30
"""The largest capture taken (4 GiB): it is read as it streams, never held in memory."""
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
"""The HTML report's own policy: its inline style sheet, nothing else."""

Device = Annotated[str | None, Form(max_length=100, description=(
    "the device under test: its IP or MAC address (default: the local address that sent "
    "the most to the internet)"))]
AsOf = Annotated[date | None, Form(description="the day covered status is given for "
                                               "(default today)")]


class ReportFormat(StrEnum):
    json = "json"
    html = "html"


def upload_name(upload: UploadFile) -> str:
    """The uploaded file's own name, no folders (what errors and the report call it)."""
    return PurePath((upload.filename or "capture").replace("\\", "/")).name or "capture"


@contextlib.asynccontextmanager
async def saved_capture(upload: UploadFile) -> AsyncIterator[Path]:
    """The upload written to a temporary file, chunk by chunk; removed afterwards. Over
    `MAX_CAPTURE_BYTES` answers 413."""
    with tempfile.TemporaryDirectory(prefix="dronevet-capture-") as folder:
        path = Path(folder) / "capture"
        written = 0
        with path.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                written += len(chunk)
                if written > MAX_CAPTURE_BYTES:
                    raise HTTPException(413, f"{upload_name(upload)} is larger than "
                                             f"{MAX_CAPTURE_BYTES >> 30} GiB: cut the capture")
                out.write(chunk)
        yield path


async def analyzed(kb: KnowledgeBase, capture: UploadFile, device: str | None,
                   as_of: date | None) -> LeakReport:
    """The core's report of an uploaded capture, named by the upload's own name (an empty
    device field is no device)."""
    async with saved_capture(capture) as path:
        return await run_in_threadpool(api.analyze_capture, path, device=device or None,
                                       as_of=as_of, kb=kb, label=upload_name(capture))


async def compared(kb: KnowledgeBase, a: UploadFile, b: UploadFile, device: str | None,
                   as_of: date | None) -> LeakComparison:
    """The core's comparison of two uploaded captures, named by their uploads' names."""
    async with saved_capture(a) as first, saved_capture(b) as second:
        return await run_in_threadpool(
            api.compare_captures, first, second, device=device or None, as_of=as_of, kb=kb,
            labels=(upload_name(a), upload_name(b)))


@router.post("/leaks/analyze", summary="What a capture shows a device sending, and to whom",
             response_model=None,
             responses={200: {"content": {"application/json": {}, "text/html": {}},
                              "description": "the report: JSON, or HTML with format=html"}})
async def analyze(request: Request, who: CallerDep,
                  capture: Annotated[UploadFile, File(description="a pcap or pcapng file")],
                  device: Device = None, as_of: AsOf = None,
                  fmt: Annotated[ReportFormat, Query(alias="format")] = ReportFormat.json,
                  ) -> Json | HTMLResponse:
    """Destinations with their operators, countries, networks and covered status, and
    findings in plain words, as `dronevet leaks analyze --format json` gives them."""
    del who
    report = await analyzed(request.app.state.knowledge.get(), capture, device, as_of)
    if fmt is ReportFormat.html:
        from dronevet.leaks.html import render

        return HTMLResponse(render(report), headers={"content-security-policy": REPORT_CSP})
    return Json(report.to_dict())


@router.post("/leaks/compare", summary="Two captures of one device compared")
async def compare(request: Request, who: CallerDep,
                  a: Annotated[UploadFile, File(description="the first capture (say, Local "
                                                            "Data Mode off)")],
                  b: Annotated[UploadFile, File(description="the second capture (say, Local "
                                                            "Data Mode on)")],
                  device: Device = None, as_of: AsOf = None) -> Json:
    """Each capture's report, what appeared and disappeared in the second, whether each
    made any connection to the internet, and the verdict, as `dronevet leaks compare
    --format json` gives them."""
    del who
    comparison = await compared(request.app.state.knowledge.get(), a, b, device, as_of)
    return Json(comparison.to_dict())
