"""The FastAPI application: the `/api/v1` routes, the HTML pages (`pages_*.py`) and their
static files, the errors they send, and the headers every response carries.

`create_app(settings)` opens the store the settings name (bringing its schema up to date)
and loads the knowledge base once; the knowledge base is looked at again for new user
imports at most every few seconds. Errors keep one shape, `{"detail", "suggestions"}`:
input that is wrong is 422, a name that is not there 404, a store that cannot be reached
503; any other failure is logged (logger `dronevet.web`, with its traceback) and answered
500 with a sentence and the security headers, so nothing reaches a caller as a traceback.
Outside `/api/` the same errors are pages (`pages_base.error_page`), and one that needs
signing in redirects to the sign-in page.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dronevet.errors import BadInputError, DronevetError, UnknownNameError, UsageError
from dronevet.web.responses import problem
from dronevet.web.throttle import LoginThrottle

if TYPE_CHECKING:
    from dronevet.knowledge.base import KnowledgeBase
    from dronevet.settings import Settings

API = "/api/v1"
LOG = logging.getLogger("dronevet.web")
KNOWLEDGE_RECHECK = 5.0
"""Seconds between looks at the user's imports for a changed knowledge base."""

CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
"""The content security policy of every response but one that sets its own (the map page
with a site's tile server)."""
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", CSP.encode()),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
    (b"strict-transport-security", b"max-age=31536000"),
]


class SecurityHeaders:
    """Adds `SECURITY_HEADERS` (and `Cache-Control: no-store` under `/api/`) to every
    response, but those the response set itself; plain ASGI, so it costs a list append per
    response."""

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
                own = {name for name, _ in headers}
                headers.extend(item for item in SECURITY_HEADERS if item[0] not in own)
                if api:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class Knowledge:
    """The knowledge base the routes use: loaded once, and again only when the imports'
    fingerprint (one small query, asked at most every `KNOWLEDGE_RECHECK` seconds) changes."""

    def __init__(self, settings: Settings) -> None:
        from dronevet.api import import_store

        self._store = import_store(settings)
        self._lock = threading.Lock()
        self._kb = self._load(self._store.fingerprint())

    def _load(self, fingerprint: str) -> KnowledgeBase:
        from dronevet.api import knowledge_with

        self._checked, self._fingerprint = time.monotonic(), fingerprint
        return knowledge_with(self._store, fingerprint)

    def get(self) -> KnowledgeBase:
        if time.monotonic() - self._checked > KNOWLEDGE_RECHECK:
            with self._lock:
                if time.monotonic() - self._checked > KNOWLEDGE_RECHECK:
                    found = self._store.fingerprint()
                    if found == self._fingerprint:
                        self._checked = time.monotonic()
                    else:
                        self._kb = self._load(found)
        return self._kb


def _page(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def _input_errors(app: FastAPI) -> None:
    """The project's own errors: bad input, usage, a store that cannot be reached."""
    from dronevet.web.pages_base import error_page

    @app.exception_handler(UnknownNameError)
    async def unknown(request: Request, error: UnknownNameError) -> Response:
        if _page(request):
            return error_page(request, 422, str(error.message))
        return problem(422, str(error.message), suggestions=error.suggestions)

    @app.exception_handler(BadInputError)
    async def bad(request: Request, error: BadInputError) -> Response:
        extra: dict[str, Any] = {}
        rows = getattr(error, "errors", None)
        if rows:
            extra["errors"] = [row.to_dict() for row in rows]
        if _page(request):
            return error_page(request, 422, str(error), extra.get("errors"))
        return problem(422, str(error), suggestions=error.suggestions, **extra)

    @app.exception_handler(UsageError)
    async def usage(request: Request, error: UsageError) -> Response:
        return error_page(request, 400, str(error)) if _page(request) else \
            problem(400, str(error))

    @app.exception_handler(DronevetError)
    async def unavailable(request: Request, error: DronevetError) -> Response:
        return error_page(request, 503, str(error)) if _page(request) else \
            problem(503, str(error))



def _http_errors(app: FastAPI) -> None:
    """HTTP errors, requests the schema refuses, and any failure not foreseen."""
    from dronevet.web.pages_base import error_page

    @app.exception_handler(HTTPException)
    async def http(request: Request, error: HTTPException) -> Response:
        if _page(request):
            return error_page(request, error.status_code, str(error.detail))
        response = problem(error.status_code, str(error.detail))
        response.headers.update(error.headers or {})
        return response

    @app.exception_handler(Exception)
    async def failed(request: Request, error: Exception) -> Response:
        # Starlette answers this outside every middleware, SecurityHeaders included
        LOG.exception("%s %s failed", request.method, request.url.path, exc_info=error)
        response = problem(500, "the server failed to answer this request; the failure is "
                                "in its log")
        response.headers.update({k.decode(): v.decode() for k, v in SECURITY_HEADERS})
        response.headers["cache-control"] = "no-store"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        found = [{"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg")}
                 for e in error.errors()]
        text = "; ".join(f"{e['where']}: {e['message']}" for e in found[:5])
        if _page(request):
            return error_page(request, 422, f"the form is not filled in right: {text}")
        return problem(422, f"the request is not valid: {text}", errors=found)


def create_app(settings: Settings) -> FastAPI:
    """The application over the store and knowledge base `settings` name."""
    from fastapi.staticfiles import StaticFiles

    from dronevet import __version__
    from dronevet.airspace.live import LiveTracks
    from dronevet.fleet.register import open_register
    from dronevet.web import (
        pages_admin,
        pages_airspace,
        pages_auth,
        pages_fleet,
        pages_import,
        pages_leaks,
        pages_plan,
        pages_reports,
        pages_vet,
        pages_waivers,
        routes_airspace,
        routes_airspace_events,
        routes_audit,
        routes_auth,
        routes_core,
        routes_fleet,
        routes_leaks,
        routes_plans,
        routes_waivers,
    )
    from dronevet.web.map_assets import leaflet_dir
    from dronevet.web.pages_base import STATIC

    app = FastAPI(
        title="dronevet",
        version=__version__,
        summary="Vet drones for government use, and keep a fleet compliant.",
        openapi_url=f"{API}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.register = open_register(settings)
    app.state.knowledge = Knowledge(settings)
    app.state.throttle = LoginThrottle()
    app.state.live_picture = routes_airspace_events.LivePicture()
    app.state.live_tracks = LiveTracks()
    for module in (routes_auth, routes_core, routes_fleet, routes_waivers, routes_plans,
                   routes_audit, routes_airspace, routes_airspace_events, routes_leaks):
        app.include_router(module.router, prefix=API)
    for page in (pages_auth, pages_fleet, pages_import, pages_vet, pages_waivers, pages_plan,
                 pages_reports, pages_admin, pages_airspace, pages_leaks):
        app.include_router(page.router, include_in_schema=False)
    leaflet = leaflet_dir()
    if leaflet is not None:  # before /static, which would take its paths
        app.mount("/static/vendor/leaflet", StaticFiles(directory=leaflet), name="leaflet")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _input_errors(app)
    _http_errors(app)
    app.add_middleware(SecurityHeaders)
    return app
