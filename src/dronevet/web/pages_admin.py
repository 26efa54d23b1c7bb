"""The pages for those who keep the records: the audit log (`/audit`: paged, newest first,
with a check of its hash chain) and the accounts (`/admin/users`: administrators add and
remove users of the organisations they administer).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dronevet import accounts
from dronevet.access import Action, Role, User
from dronevet.web.auth import Caller, allowed
from dronevet.web.pages_base import render, see_other
from dronevet.web.routes_audit import visible_entries

router = APIRouter()

AUDIT_PAGE = 50
Auditor = Annotated[Caller, Depends(allowed(Action.read_audit))]
Admin = Annotated[Caller, Depends(allowed(Action.administer))]
Short = Annotated[str, Form(max_length=200)]


@router.get("/audit")
def audit(request: Request, who: Auditor,
          before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
          verify: bool = False) -> HTMLResponse:
    found, following = visible_entries(who, before, AUDIT_PAGE)
    checked = who.register.verify_audit() if verify else None
    return render(request, "audit.html", who, title="Audit log", entries=found,
                  following=following, checked=checked)


def _users(who: Caller) -> list[User]:
    if who.user.organisation is None:
        return accounts.users(who.register)
    return [u for name in who.visible() for u in accounts.users(who.register, name)]


@router.get("/admin/users")
def users(request: Request, who: Admin) -> HTMLResponse:
    return render(request, "users.html", who, title="Users", users=_users(who),
                  roles=list(Role), orgs=list(who.visible()))


@router.post("/admin/users")
def add_user(who: Admin, name: Short, password: Annotated[str, Form(max_length=1024)],
             role: Short, organisation: Short = "") -> RedirectResponse:
    chosen = who.organisation(organisation or None).name if (
        organisation or who.user.organisation) else None
    accounts.add_user(who.register, name.strip(), password, Role.parse(role), chosen,
                      actor=who.user.name)
    return see_other("/admin/users")


@router.post("/admin/users/{name}/remove")
def remove_user(name: str, who: Admin) -> RedirectResponse:
    if name == who.user.name:
        raise HTTPException(422, "you cannot remove your own account: ask another administrator")
    if not any(u.name == name for u in _users(who)):
        raise HTTPException(404, f"no user {name!r}")
    accounts.remove_user(who.register, name, actor=who.user.name)
    return see_other("/admin/users")
