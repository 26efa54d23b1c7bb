"""Vetting before buying: `/vet` (a model by name: the side-by-side matrix of every policy
and use, with the reasons), `/vet/bom` (a bill of materials, uploaded as YAML or JSON or
filled in on the form) and `/screen` (who is behind a company name, and is it covered).

The answers are the core's (`dronevet.api.vet_matrix`, `api.screen`), explained by
`policy.summary`, the same the CLI and `/api/v1/vet` give.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse

from dronevet import api
from dronevet.errors import DronevetError, UnknownNameError
from dronevet.knowledge.model import ComponentKind, Use
from dronevet.web.auth import CallerDep
from dronevet.web.pages_base import knowledge, render

if TYPE_CHECKING:
    from dronevet.api import VerdictMatrix
    from dronevet.knowledge.base import KnowledgeBase

router = APIRouter()

PARTS = 6
"""Component rows on the parts-list form."""
BOM_BYTES = 1_000_000
Short = Annotated[str, Form(max_length=200)]
Mission = Annotated[str, Query(max_length=100)]


def _matrix(kb: KnowledgeBase, found: VerdictMatrix) -> dict[str, Any]:
    """The matrix as the page lays it out: a row per policy, a cell per use it regulates,
    each with its explanation."""
    from dronevet.policy.summary import summarise

    rows: dict[str, dict[Use, Any]] = {}
    for verdict in found.verdicts:
        rows.setdefault(verdict.policy.id, {})[verdict.use] = {
            "verdict": verdict, "explained": summarise(kb, verdict)}
    uses = [u for u in Use if any(u in cells for cells in rows.values())]
    return {"rows": rows, "uses": uses,
            "subject": found.verdicts[0].subject if found.verdicts else None}


@router.get("/vet")
def vet_model(request: Request, who: CallerDep,
              product: Annotated[str, Query(max_length=200)] = "",
              as_of: date | None = None, mission: Mission = "") -> HTMLResponse:
    kb = knowledge(request)
    day = as_of or date.today()
    matrix, error, suggestions = None, "", []
    if product.strip():
        try:
            found = api.vet_matrix(product.strip(), as_of=day, mission=mission or None, kb=kb)
        except UnknownNameError as unknown:
            error, suggestions = unknown.message, list(unknown.suggestions)
        else:
            matrix = _matrix(kb, found)
    return render(request, "vet.html", who, title="Vet a model before buying it",
                  product=product, as_of=day, mission=mission, matrix=matrix, error=error,
                  suggestions=suggestions, missions=_missions(kb))


def _missions(kb: KnowledgeBase) -> list[str]:
    return list(api.dronevet_policies(kb).missions)


def _bom_form() -> dict[str, Any]:
    return {"kinds": [k.value for k in ComponentKind], "parts": range(PARTS)}


@router.get("/vet/bom")
def bom_form(request: Request, who: CallerDep) -> HTMLResponse:
    return render(request, "vet_bom.html", who, title="Vet a parts list (bill of materials)",
                  matrix=None, as_of=date.today(), **_bom_form())


def _filled(form: dict[str, str]) -> dict[str, Any]:
    """The bill of materials the form's fields describe."""
    parts = []
    for n in range(PARTS):
        kind = form.get(f"kind_{n}", "").strip()
        if kind:
            parts.append({"kind": kind, "maker": form.get(f"maker_{n}", "").strip() or "unknown",
                          "made_in": form.get(f"made_in_{n}", "").strip().lower() or None})
    bom: dict[str, Any] = {"name": form.get("name", "").strip(),
                           "manufacturer": form.get("manufacturer", "").strip() or "unknown",
                           "components": parts}
    for key in ("manufacturer_country", "final_assembly_country"):
        if form.get(key, "").strip():
            bom[key] = form[key].strip().lower()
    return bom


async def _uploaded(upload: UploadFile, kb: KnowledgeBase, day: date,
                    mission: str | None) -> VerdictMatrix:
    """Vet an uploaded BOM file; its errors name the file as the user called it."""
    from starlette.concurrency import run_in_threadpool

    name = PurePath(upload.filename or "bom.yaml").name or "bom.yaml"
    if not name.lower().endswith((".yaml", ".yml", ".json")):
        raise HTTPException(422, f"{name}: a bill of materials is a .yaml or .json file")
    data = await upload.read(BOM_BYTES + 1)
    if len(data) > BOM_BYTES:
        raise HTTPException(413, f"{name} is larger than {BOM_BYTES:,} bytes")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return await run_in_threadpool(api.vet_matrix, path, as_of=day, mission=mission,
                                           kb=kb)
        except DronevetError as error:
            if error.path:
                error.path = name
            raise


@router.post("/vet/bom")
async def vet_bom(
    request: Request,
    who: CallerDep,
    file: Annotated[UploadFile | None, File()] = None,
    as_of: Annotated[date | None, Form()] = None,
    mission: Short = "",
) -> HTMLResponse:
    from starlette.concurrency import run_in_threadpool

    kb = knowledge(request)
    day = as_of or date.today()
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if file is not None and file.filename:
        found = await _uploaded(file, kb, day, mission or None)
        bom = None
    else:
        bom = _filled(form)
        found = await run_in_threadpool(api.vet_matrix, bom, as_of=day,
                                        mission=mission or None, kb=kb)
    return render(request, "vet_bom.html", who, title="Vet a parts list (bill of materials)",
                  matrix=_matrix(kb, found), as_of=day, bom=bom, form=form, **_bom_form())


@router.get("/screen")
def screen(request: Request, who: CallerDep, name: Annotated[str, Query(max_length=300)] = "",
           as_of: date | None = None) -> HTMLResponse:
    kb = knowledge(request)
    day = as_of or date.today()
    found = api.screen(name.strip(), as_of=day, kb=kb).to_dict() if name.strip() else None
    return render(request, "screen.html", who, title="Screen a company", name=name,
                  as_of=day, found=found)
