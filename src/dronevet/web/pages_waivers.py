"""Waivers in the browser: `/waivers` lists an organisation's waivers and where each
stands; a program manager or security officer asks for one (legal basis, scope, controls);
an approving official approves or denies one somebody else asked for.

The role checks are `access.py`'s, made by the same dependency as the API's (a viewer gets
no form and no buttons, and a form posted anyway is refused); the store checks that nobody
decides their own request.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dronevet.access import Action
from dronevet.fleet.waivers import Waiver, WaiverState
from dronevet.web.auth import Caller, CallerDep, allowed
from dronevet.web.pages_base import knowledge, render, see_other

router = APIRouter()

Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=20_000)]
Asker = Annotated[Caller, Depends(allowed(Action.request_waiver))]
Decider = Annotated[Caller, Depends(allowed(Action.decide_waiver))]


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _items(text: str) -> list[str]:
    return list(dict.fromkeys(p.strip() for p in text.replace("\n", ",").split(",")
                              if p.strip()))


@router.get("/waivers")
def waivers(request: Request, who: CallerDep, org: str | None = None) -> HTMLResponse:
    from dronevet.api import dronevet_policies

    chosen = who.organisation(org)
    today = date.today()
    book = dronevet_policies(knowledge(request))
    bound = [book.get(b.policy) for b in chosen.bindings]
    listed = [(w, w.state_on(today)) for w in who.register.waivers(chosen.name)]
    return render(request, "waivers.html", who, title=f"{chosen.name}: waivers", org=chosen,
                  listed=listed, bound=bound, today=today,
                  may_ask=who.user.may(Action.request_waiver),
                  may_decide=who.user.may(Action.decide_waiver),
                  requested=WaiverState.requested)


@router.post("/waivers")
def ask(request: Request, who: Asker, policy: Short, use: Short, legal_basis: Short,
        start: Annotated[date, Form()], end: Annotated[date, Form()],
        aircraft: Long = "", missions: Long = "", controls: Long = "", evidence: Long = "",
        org: Short = "") -> RedirectResponse:
    chosen = who.organisation(org or None)
    serials: list[str | None] = list(_items(aircraft)) or [None]
    asked = [Waiver(chosen.name, policy, use, legal_basis, start, end, who.user.name, serial,
                    tuple(_items(missions)), _lines(controls), _lines(evidence))
             for serial in serials]
    stored = who.register.request_waivers(asked, actor=who.user.name, kb=knowledge(request))
    return see_other(f"/waivers#waiver-{stored[0].id}")


@router.post("/waivers/{waiver_id}/decision")
def decide(waiver_id: int, who: Decider, decision: Short, reason: Long) -> RedirectResponse:
    if decision not in ("approve", "deny"):
        raise HTTPException(422, "choose approve or deny")
    if not reason.strip():
        raise HTTPException(422, "say why: the reason goes in the audit log")
    if not any(w.id == waiver_id for name in who.visible() for w in who.register.waivers(name)):
        raise HTTPException(404, f"no waiver {waiver_id}")
    who.register.decide_waiver(waiver_id, approve=decision == "approve", reason=reason.strip(),
                               actor=who.user.name)
    return see_other(f"/waivers#waiver-{waiver_id}")
