"""Replacement plans over HTTP: `POST /plans` plans an organisation's replacements from
its budgets, as `dronevet fleet plan` does, and answers the same JSON (the plan, its
deadlines and what-ifs). Program managers, approving officials and administrators may
plan (`Action.plan`), only for organisations they may see: any other is answered 404, as
one that does not exist. Plans are worked out on request and not stored, so there is no
`GET /plans` (the path answers 405 to it).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from dronevet.access import Action
from dronevet.web.auth import Caller, allowed
from dronevet.web.responses import Json

router = APIRouter(tags=["plans"])

Planner = Annotated[Caller, Depends(allowed(Action.plan))]
Id = Annotated[str, Field(min_length=1, max_length=100)]
Money = Annotated[str, Field(min_length=1, max_length=40)] | float | int


class WhatIfIn(BaseModel):
    """What to compare the plan with."""

    model_config = ConfigDict(extra="forbid")

    budget_percent: list[Annotated[float, Field(gt=-100, le=1000)]] = Field(
        default_factory=list, max_length=4,
        description="every budget changed by this many percent (-20: a fifth less)")
    later_days: Annotated[int | None, Field(gt=0, le=3660,
                                            description="every deadline this many days "
                                            "later")] = None


class PlanIn(BaseModel):
    """A plan to work out. `requirements` and `quotes` take the shapes of the YAML files
    `dronevet fleet plan --requirements` and `--quotes` read."""

    model_config = ConfigDict(extra="forbid")

    org: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        None, description="the organisation (default: the caller's own)")
    budgets: dict[Annotated[str, Field(max_length=10)], Money] = Field(
        min_length=1, max_length=50, description="money per fiscal year: {\"FY2027\": 250000}")
    as_of: date | None = Field(None, description="the plan's date (default: today)")
    requirements: dict[str, Any] | None = Field(
        None, description="{\"aircraft\": {SERIAL: {...}}, \"missions\": {MISSION: {...}}}")
    quotes: dict[Id, dict[str, Any]] | None = Field(
        None, max_length=500, description="{PRODUCT_ID: {price, source, date, ...}}")
    candidates: list[Id] = Field(default_factory=list, max_length=500,
                                 description="product ids to choose from (default: every "
                                 "product with a price)")
    programs: list[Id] = Field(default_factory=list, max_length=20,
                               description="replacement programmes the organisation takes "
                               "part in")
    carry_over: bool = False
    what_if: WhatIfIn | None = None


@router.post("/plans", summary="Plan an organisation's replacements within its budgets")
def make_plan(request: Request, body: PlanIn, who: Planner) -> Json:
    """The `dronevet fleet plan --format json` document."""
    from dronevet.fleet.planning import PlanRequest, plan_fleet
    from dronevet.fleet.planning_requests import (
        RequirementsTable,
        parse_budgets,
        parse_quotes,
        parse_requirements,
    )

    chosen = who.organisation(body.org)
    what_if = body.what_if or WhatIfIn()
    wanted = PlanRequest(
        organisation=chosen.name,
        budgets=parse_budgets(body.budgets, where="budgets"),
        as_of=body.as_of or date.today(),
        requirements=RequirementsTable() if body.requirements is None
        else parse_requirements(body.requirements, where="requirements"),
        quotes=() if body.quotes is None else parse_quotes(body.quotes, where="quotes"),
        candidates=tuple(body.candidates),
        programs=tuple(body.programs),
        carry_over=body.carry_over,
        what_if_budget=tuple(what_if.budget_percent),
        what_if_later_days=what_if.later_days,
    )
    report = plan_fleet(who.register, request.app.state.knowledge.get(), wanted)
    return Json(report.to_dict())
