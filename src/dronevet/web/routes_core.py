"""The core's questions over HTTP: `POST /vet` (may this drone be bought, flown or funded
under a policy, on a date, for a mission) and `GET /screen` (is this company covered).

The answers are the core's `to_dict()`: the same JSON as `dronevet vet --format json` and
`dronevet screen --format json`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.concurrency import run_in_threadpool

from dronevet import api
from dronevet.screening.model import DEFAULT_THRESHOLD
from dronevet.web.auth import CallerDep
from dronevet.web.responses import Json

router = APIRouter(tags=["vetting"])


class VetRequest(BaseModel):
    """A drone (a model name or id, or a bill of materials) and the question about it."""

    model_config = ConfigDict(extra="forbid")

    product: str | None = Field(None, min_length=1, max_length=200,
                                description="a model name, alias or id, e.g. 'DJI M30T'")
    bom: dict[str, Any] | None = Field(
        None, description="a bill of materials, as `dronevet vet --bom FILE` reads it")
    policy: str = Field("all", min_length=1, max_length=100,
                        description="a policy id or alias ('asda', 'florida'), or 'all'")
    use: str = Field("all", min_length=1, max_length=40,
                     description="procure | operate | fund | authorize (or buy, fly...), or 'all'")
    mission: str | None = Field(None, min_length=1, max_length=100)
    as_of: date | None = Field(None, description="the day to answer for (default today)")

    @model_validator(mode="after")
    def _one_subject(self) -> VetRequest:
        if (self.product is None) == (self.bom is None):
            raise ValueError("give either product or bom")
        return self


@router.post("/vet", summary="Vet a drone under a policy (or every policy) for a use")
async def vet(request: Request, body: VetRequest, who: CallerDep) -> Json:
    """One verdict (`policy` and `use` named), or a list of them (either is `all`)."""
    del who
    kb = request.app.state.knowledge.get()
    subject = body.product if body.product is not None else body.bom
    assert subject is not None
    if body.policy != "all" and body.use != "all":
        # a single verdict takes well under a millisecond: answered on the event loop, as
        # a hop to a worker thread and back cost more than the answer (half the requests
        # per second under load)
        verdict = api.vet(subject, policy=body.policy, use=body.use, as_of=body.as_of,
                          mission=body.mission, kb=kb)
        return Json(verdict.to_dict())
    matrix = await run_in_threadpool(api.vet_matrix, subject, policies=body.policy,
                                     uses=body.use, as_of=body.as_of, mission=body.mission,
                                     kb=kb)  # fmt: skip
    return Json(matrix.to_dict())


@router.get("/screen", summary="Screen a company name against the lists")
def screen(
    request: Request,
    who: CallerDep,
    name: Annotated[str, Query(min_length=1, max_length=300)],
    as_of: date | None = None,
    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = DEFAULT_THRESHOLD,
) -> Json:
    """Who the name is, who controls it, and whether it is covered on the date."""
    del who
    kb = request.app.state.knowledge.get()
    return Json(api.screen(name, as_of=as_of, kb=kb, threshold=threshold).to_dict())
