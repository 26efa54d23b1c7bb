"""Signing in and out of the web pages: `GET /login` (the form), `POST /login` (a session
cookie, then back to the page asked for), `POST /logout`.

The checks are the API's (`routes_auth.checked`): a wrong password and an unknown name get
the same answer; too many failures are refused for a while.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dronevet import accounts
from dronevet.web.auth import SESSION_COOKIE, CallerDep, set_session_cookie
from dronevet.web.pages_base import render, see_other
from dronevet.web.routes_auth import Password, Username, checked

router = APIRouter()


def _safe_next(target: str) -> str:
    """Where to go after signing in: a path on this site only (never another site)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", None, title="Sign in", next=_safe_next(next),
                  error="")


@router.post("/login")
def login(request: Request, username: Username, password: Password,
          next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    target = _safe_next(next)
    try:
        user = checked(request, username, password)
    except HTTPException as error:
        return render(request, "login.html", None, status=error.status_code, title="Sign in",
                      next=target, error=str(error.detail), username=username)
    signed = accounts.sign_in(request.app.state.register, user, kind=accounts.COOKIE)
    response = see_other(target)
    set_session_cookie(response, request, signed.token)
    return response


@router.post("/logout")
def logout(request: Request, who: CallerDep) -> RedirectResponse:
    del who  # signed in, with the form's CSRF token: another site cannot sign you out
    accounts.sign_out(request.app.state.register, request.cookies.get(SESSION_COOKIE, ""))
    response = see_other("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
