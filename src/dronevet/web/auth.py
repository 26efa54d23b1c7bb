"""Who is calling: a bearer token (`Authorization: Bearer ...`, from `/api/v1/auth/token`)
or a browser session cookie (from `/api/v1/auth/login`), and what they may see.

A cookie-signed request that changes anything (any method but GET, HEAD, OPTIONS) must
also carry the session's CSRF token in the `X-CSRF-Token` header, or, from the HTML pages'
forms, in their `csrf_token` field: another site can make a browser send the cookie, but
cannot read the token. Bearer tokens are never sent by a
browser on its own, so they need none.

Every account sees its own organisation and that organisation's units, and nothing else:
a name outside them is answered exactly as a name that does not exist.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, HTTPException, Request, Response

from dronevet.access import Action, User
from dronevet.accounts import BEARER, COOKIE, session_user

if TYPE_CHECKING:
    from dronevet.fleet.model import Organisation
    from dronevet.fleet.register import Register

SESSION_COOKIE = "dronevet_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def unauthorised(detail: str = "sign in first: send a bearer token from /api/v1/auth/token "
                 "or the session cookie from /api/v1/auth/login") -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorised("the Authorization header must be 'Bearer <token>'")
    return token.strip()


@dataclass(frozen=True, slots=True)
class Caller:
    """The signed-in user of one request, and the register it reads."""

    user: User
    register: Register
    csrf: str | None = None
    """The session's CSRF token (browser sessions only), for the pages' forms."""

    def visible(self) -> dict[str, Organisation]:
        """The organisations this user may see, by name: its own and its units, or all of
        them for an administrator of the whole store."""
        every = {org.name: org for org in self.register.organisations()}
        if self.user.organisation is None:
            return every
        seen = {self.user.organisation} if self.user.organisation in every else set()
        grew = True
        while grew:
            units = {o.name for o in every.values() if o.parent in seen} - seen
            grew = bool(units)
            seen |= units
        return {name: every[name] for name in sorted(seen)}

    def organisation(self, name: str | None) -> Organisation:
        """The organisation a request names (the user's own when it names none); one the
        user may not see is answered 404, as one that does not exist."""
        wanted = name or self.user.organisation
        if wanted is None:
            raise HTTPException(422, "name the organisation (?org=NAME): this account "
                                     "belongs to none")
        found = self.visible().get(wanted)
        if found is None:
            raise HTTPException(404, f"no organisation {wanted!r}")
        return found


async def sent_csrf(request: Request) -> str:
    """The CSRF token a request carries: its header, else its form's `csrf_token` field
    (the form is parsed once; the route reads the same parse)."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is not None or request.method in _SAFE:
        return sent or ""
    if request.headers.get("content-type", "").startswith(_FORMS):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def caller(request: Request, sent: Annotated[str, Depends(sent_csrf)]) -> Caller:
    """The signed-in caller, from a bearer token or the session cookie (see above)."""
    register: Register = request.app.state.register
    token = bearer_token(request)
    if token is not None:
        found = session_user(register, token, kind=BEARER)
        if found is None:
            raise unauthorised("the token is unknown or has expired: sign in again")
        return Caller(found[0], register)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise unauthorised()
    found = session_user(register, cookie, kind=COOKIE)
    if found is None:
        raise unauthorised("the session has ended: sign in again")
    user, csrf = found
    if request.method not in _SAFE and (
            not csrf or not hmac.compare_digest(sent.encode(), csrf.encode())):
        raise HTTPException(403, f"a change made from a browser session needs its CSRF "
                                 f"token in the {CSRF_HEADER} header or the form's "
                                 f"{CSRF_FIELD} field: reload the page and try again")
    return Caller(user, register, csrf)


CallerDep = Annotated[Caller, Depends(caller)]


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """Give the browser its session cookie: HTTP-only, same-site, for the whole site."""
    from dronevet.accounts import SESSION_LIFETIME

    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/",
                        max_age=int(SESSION_LIFETIME.total_seconds()))


def allowed(action: Action) -> Callable[[Caller], Caller]:
    """A dependency: the caller, when their role allows `action` (else 403)."""

    def check(who: CallerDep) -> Caller:
        if not who.user.may(action):
            doing = action.value.replace("-", " ")
            raise HTTPException(403, f"a {who.user.role.value} may not {doing}")
        return who

    return check
