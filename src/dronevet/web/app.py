"""The FastAPI application: the `/api/v1` routes, the errors they send, and the headers
every response carries.

`create_app(settings)` opens the store the settings name (bringing its schema up to date)
and loads the knowledge base once; the knowledge base is looked at again for new user
imports at most every few seconds. Errors keep one shape, `{"detail", "suggestions"}`:
input that is wrong is 422, a name that is not there 404, a store that cannot be reached
503; any other failure is logged (logger `dronevet.web`, with its traceback) and answered
500 with a sentence and the security headers, so nothing reaches a caller as a traceback.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dronevet.errors import BadInputError, DronevetError, UnknownNameError, UsageError
from dronevet.web.responses import Json, problem
from dronevet.web.throttle import LoginThrottle

if TYPE_CHECKING:
    from dronevet.knowledge.base import KnowledgeBase
    from dronevet.settings import Settings

API = "/api/v1"
LOG = logging.getLogger("dronevet.web")
KNOWLEDGE_RECHECK = 5.0
"""Seconds between looks at the user's imports for a changed knowledge base."""

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy",
     b"default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
    (b"strict-transport-security", b"max-age=31536000"),
]


class SecurityHeaders:
    """Adds `SECURITY_HEADERS` (and `Cache-Control: no-store` under `/api/`) to every
    response; plain ASGI, so it costs a list append per response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                if api:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class Knowledge:
    """The knowledge base the routes use: loaded once, reloaded when the imports change."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._checked = 0.0
        self._kb = self._load()

    def _load(self) -> KnowledgeBase:
        from dronevet.api import load_knowledge

        self._checked = time.monotonic()
        return load_knowledge(self.settings.home)

    def get(self) -> KnowledgeBase:
        if time.monotonic() - self._checked > KNOWLEDGE_RECHECK:
            with self._lock:
                if time.monotonic() - self._checked > KNOWLEDGE_RECHECK:
                    self._kb = self._load()
        return self._kb


def _errors(app: FastAPI) -> None:
    @app.exception_handler(UnknownNameError)
    async def unknown(_request: Request, error: UnknownNameError) -> Json:
        return problem(422, str(error.message), suggestions=error.suggestions)

    @app.exception_handler(BadInputError)
    async def bad(_request: Request, error: BadInputError) -> Json:
        extra: dict[str, Any] = {}
        rows = getattr(error, "errors", None)
        if rows:
            extra["errors"] = [row.to_dict() for row in rows]
        return problem(422, str(error), suggestions=error.suggestions, **extra)

    @app.exception_handler(UsageError)
    async def usage(_request: Request, error: UsageError) -> Json:
        return problem(400, str(error))

    @app.exception_handler(DronevetError)
    async def unavailable(_request: Request, error: DronevetError) -> Json:
        return problem(503, str(error))

    @app.exception_handler(HTTPException)
    async def http(_request: Request, error: HTTPException) -> Json:
        response = problem(error.status_code, str(error.detail))
        response.headers.update(error.headers or {})
        return response

    @app.exception_handler(Exception)
    async def failed(request: Request, error: Exception) -> Json:
        # Starlette answers this outside every middleware, SecurityHeaders included
        LOG.exception("%s %s failed", request.method, request.url.path, exc_info=error)
        response = problem(500, "the server failed to answer this request; the failure is "
                                "in its log")
        response.headers.update({k.decode(): v.decode() for k, v in SECURITY_HEADERS})
        response.headers["cache-control"] = "no-store"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError) -> Json:
        found = [{"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg")}
                 for e in error.errors()]
        text = "; ".join(f"{e['where']}: {e['message']}" for e in found[:5])
        return problem(422, f"the request is not valid: {text}", errors=found)


def create_app(settings: Settings) -> FastAPI:
    """The application over the store and knowledge base `settings` name."""
    from dronevet import __version__
    from dronevet.fleet.register import open_register
    from dronevet.web import routes_audit, routes_auth, routes_core, routes_fleet, routes_waivers

    app = FastAPI(
        title="dronevet",
        version=__version__,
        summary="Vet drones for government use, and keep a fleet compliant.",
        openapi_url=f"{API}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.register = open_register(settings)
    app.state.knowledge = Knowledge(settings)
    app.state.throttle = LoginThrottle()
    for module in (routes_auth, routes_core, routes_fleet, routes_waivers, routes_audit):
        app.include_router(module.router, prefix=API)
    _errors(app)
    app.add_middleware(SecurityHeaders)
    return app
