"""Signing in and out: `POST /auth/token` (OAuth2 password form, for scripts), `POST
/auth/login` (the same form, answered with a session cookie, for the web pages), `POST
/auth/logout`, `GET /auth/me`.

A wrong password and an unknown name get the same answer, in the same time; too many
failures for a name or from an address are refused for a while (`throttle.py`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, Response

from dronevet import accounts
from dronevet.access import User
from dronevet.web.auth import SESSION_COOKIE, CallerDep, bearer_token, set_session_cookie
from dronevet.web.responses import Json

router = APIRouter(prefix="/auth", tags=["auth"])

Username = Annotated[str, Form(max_length=200)]
Password = Annotated[str, Form(max_length=accounts.MAX_PASSWORD)]


def checked(request: Request, username: str, password: str) -> User:
    """The account these credentials are for (401 if none, 429 while throttled); the API's
    sign-in routes and the sign-in page share it."""
    throttle = request.app.state.throttle
    address = request.client.host if request.client else "unknown"
    wait = throttle.retry_after(username, address)
    if wait is not None:
        raise HTTPException(429, f"too many failed sign-ins: try again in {wait} seconds",
                            headers={"Retry-After": str(wait)})
    user = accounts.authenticate(request.app.state.register, username, password)
    if user is None:
        throttle.failed(username, address)
        raise HTTPException(401, "the user name or the password is wrong",
                            headers={"WWW-Authenticate": "Bearer"})
    throttle.succeeded(username)
    return user


@router.post("/token", summary="Sign in for a bearer token (OAuth2 password flow)")
def token(request: Request, username: Username, password: Password) -> Json:
    """`{"access_token", "token_type": "bearer", "expires_in"}`: send it as
    `Authorization: Bearer <access_token>`."""
    user = checked(request, username, password)
    signed = accounts.sign_in(request.app.state.register, user, kind=accounts.BEARER)
    return Json({"access_token": signed.token, "token_type": "bearer",
                 "expires_in": int(accounts.SESSION_LIFETIME.total_seconds()),
                 "user": user.to_dict()})


@router.post("/login", summary="Sign in for a browser session cookie")
def login(request: Request, username: Username, password: Password) -> Json:
    """Sets the HTTP-only session cookie; the answer's `csrf_token` goes back in the
    `X-CSRF-Token` header of every change made with it."""
    user = checked(request, username, password)
    signed = accounts.sign_in(request.app.state.register, user, kind=accounts.COOKIE)
    response = Json({"user": user.to_dict(), "csrf_token": signed.csrf_token})
    set_session_cookie(response, request, signed.token)
    return response


@router.post("/logout", summary="End this session or token", status_code=204)
def logout(request: Request, who: CallerDep) -> Response:
    del who  # signed in: only a live session can end itself
    token = bearer_token(request) or request.cookies.get(SESSION_COOKIE, "")
    accounts.sign_out(request.app.state.register, token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", summary="Who is signed in, and what they may do")
def me(who: CallerDep) -> dict[str, Any]:
    from dronevet.access import Action

    return {**who.user.to_dict(), "may": [a.value for a in Action if who.user.may(a)],
            "organisations": list(who.visible())}
