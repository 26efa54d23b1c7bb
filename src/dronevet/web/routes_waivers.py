"""Waivers over HTTP: list an organisation's, ask for some (program managers, security
officers), approve or deny one (approving officials; never the person who asked).
A waiver number outside the caller's organisations is answered as one that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from dronevet.access import Action
from dronevet.fleet.waivers import Waiver
from dronevet.web.auth import Caller, CallerDep, allowed
from dronevet.web.responses import Json

router = APIRouter(prefix="/waivers", tags=["waivers"])

Name = Annotated[str, Field(min_length=1, max_length=100)]
Note = Annotated[str, Field(min_length=1, max_length=2000)]
OrgQuery = Annotated[str | None, Query(max_length=200)]


class WaiverRequest(BaseModel):
    """An exception to ask for: under one of the policy's exemption routes (`legal_basis`),
    for some aircraft (one waiver each; none: the whole fleet), missions and a period."""

    model_config = ConfigDict(extra="forbid")

    policy: Name
    use: Name
    legal_basis: Name
    start: date
    end: date = Field(description="the first day it no longer covers")
    aircraft: list[Name] = Field(default_factory=list, max_length=1000)
    missions: list[Name] = Field(default_factory=list, max_length=50)
    controls: list[Note] = Field(default_factory=list, max_length=50)
    evidence: list[Note] = Field(default_factory=list, max_length=50)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    reason: Note


def _find(who: Caller, waiver_id: int) -> Waiver:
    for name in who.visible():
        for waiver in who.register.waivers(name):
            if waiver.id == waiver_id:
                return waiver
    raise HTTPException(404, f"no waiver {waiver_id}")


@router.get("", summary="An organisation's waivers and where each stands")
def list_waivers(who: CallerDep, org: OrgQuery = None, as_of: date | None = None) -> Json:
    chosen = who.organisation(org)
    day = as_of or date.today()
    return Json({"org": chosen.name, "as_of": day.isoformat(),
                 "waivers": [w.to_dict(as_of=day) for w in who.register.waivers(chosen.name)]})


@router.get("/{waiver_id}", summary="One waiver")
def get_waiver(waiver_id: int, who: CallerDep) -> Json:
    return Json(_find(who, waiver_id).to_dict(as_of=date.today()))


@router.post("", status_code=201, summary="Ask for waivers (all or none)")
def request_waivers(
    request: Request,
    body: WaiverRequest,
    who: Annotated[Caller, Depends(allowed(Action.request_waiver))],
    org: OrgQuery = None,
) -> Json:
    chosen = who.organisation(org)
    serials: list[str | None] = list(dict.fromkeys(body.aircraft)) or [None]
    asked = [
        Waiver(chosen.name, body.policy, body.use, body.legal_basis, body.start, body.end,
               who.user.name, serial, tuple(body.missions), tuple(body.controls),
               tuple(body.evidence))
        for serial in serials
    ]
    stored = who.register.request_waivers(asked, actor=who.user.name,
                                          kb=request.app.state.knowledge.get())
    return Json([w.to_dict(as_of=date.today()) for w in stored], status_code=201)


@router.post("/{waiver_id}/decision", summary="Approve or deny a requested waiver")
def decide(
    waiver_id: int,
    body: Decision,
    who: Annotated[Caller, Depends(allowed(Action.decide_waiver))],
) -> Json:
    _find(who, waiver_id)
    decided = who.register.decide_waiver(waiver_id, approve=body.approve, reason=body.reason,
                                         actor=who.user.name)
    return Json(decided.to_dict(as_of=date.today()))
