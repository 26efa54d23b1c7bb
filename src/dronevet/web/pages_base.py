"""What every HTML page shares: the Jinja2 templates, the words they show for the core's
values, the signed-in user of a page, and the pages for errors.

A page only renders what the core computed: the filters here turn values into words
(a verdict kind into "PROHIBITED", a policy id into its title, a date into "22 Dec 2025"),
and the navigation shows a link only to the pages the user's role may use (`access.py`).
A page asked for without signing in redirects to `/login?next=...`; an error on a page is
a page saying what went wrong, never a traceback.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from dronevet.access import Action
from dronevet.knowledge.model import Use
from dronevet.policy.model import VerdictKind
from dronevet.policy.summary import VERDICT_MEANING, VERDICT_WORDS

if TYPE_CHECKING:
    from dronevet.knowledge.base import KnowledgeBase
    from dronevet.web.auth import Caller

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

NAVIGATION = (
    ("/", "Dashboard", Action.read),
    ("/aircraft", "Aircraft", Action.read),
    ("/vet", "Vet a model", Action.read),
    ("/vet/bom", "Vet a parts list", Action.read),
    ("/screen", "Screen a company", Action.read),
    ("/leaks", "App traffic", Action.read),
    ("/waivers", "Waivers", Action.read),
    ("/airspace", "Airspace", Action.read),
    ("/plan", "Plan", Action.plan),
    ("/import", "Import", Action.edit_fleet),
    ("/audit", "Audit log", Action.read_audit),
    ("/admin/users", "Users", Action.administer),
)
"""The pages in the header, each shown to the roles allowed its action."""


def verdict_word(kind: str | VerdictKind) -> str:
    """`prohibited` -> `PROHIBITED` (the word the CLI shows too)."""
    return VERDICT_WORDS[VerdictKind(kind)]


def verdict_meaning(kind: str | VerdictKind) -> str:
    return VERDICT_MEANING[VerdictKind(kind)]


def use_noun(use: str | Use) -> str:
    """`operate` -> `operation`."""
    from dronevet.fleet.timeline import USE_NOUNS

    return USE_NOUNS[Use.parse(use) if isinstance(use, str) else use]


def long_date(value: date | str | None) -> str:
    """`2025-12-22` -> `22 Dec 2025`; an empty one reads as an open end."""
    if value is None or value == "":
        return "no end known"
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return f"{day.day} {day:%b %Y}"


def money(value: Decimal | str | float | None) -> str:
    """`12000.5` -> `12,000.50`."""
    if value is None:
        return "no price"
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return str(value)


def words(value: str | None) -> str:
    """An identifier as words: `search-and-rescue` -> `search and rescue`."""
    return (value or "").replace("-", " ").replace("_", " ")


_URL = re.compile(r"https?://[^\s,;)]+[^\s,;).]")


def linked(text: str) -> Markup:
    """A citation with each address in it made a link (the rest escaped)."""
    parts: list[str] = []
    at = 0
    for found in _URL.finditer(text):
        parts.append(str(escape(text[at:found.start()])))
        url = escape(found.group())
        parts.append(f'<a href="{url}" rel="noreferrer">{url}</a>')
        at = found.end()
    parts.append(str(escape(text[at:])))
    return Markup("".join(parts))


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(verdict=verdict_word, meaning=verdict_meaning, use=use_noun,
                       linked=linked, day=long_date, money=money, words=words,
                       quote=lambda text: quote(str(text), safe=""))
    return env


def knowledge(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase = request.app.state.knowledge.get()
    return kb


def policy_titles(kb: KnowledgeBase) -> dict[str, str]:
    """Each policy's id and alias -> its title, as the pages name policies."""
    from dronevet.api import dronevet_policies

    book = dronevet_policies(kb)
    return {policy.id: policy.title for policy in book}


def render(request: Request, template: str, who: Caller | None, *, status: int = 200,
           title: str, **values: Any) -> HTMLResponse:
    """The page `template` with the header for `who` (None: signed out)."""
    nav = [] if who is None else [
        {"href": href, "label": label, "current": _current(request.url.path, href)}
        for href, label, action in NAVIGATION if who.user.may(action)
    ]
    kb = knowledge(request)
    html = environment().get_template(template).render(
        title=title, who=who, nav=nav, csrf=who.csrf if who else "",
        policy_title=policy_titles(kb), **values)
    return HTMLResponse(html, status_code=status)


def _current(path: str, href: str) -> bool:
    if href == "/":
        return path == "/"
    return path == href or (path.startswith(href + "/") and href != "/vet")


def sign_in_first(request: Request) -> RedirectResponse:
    """Off to the sign-in page, coming back here after."""
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(wanted, safe='')}", status_code=302)


def error_page(request: Request, status: int, detail: str,
               rows: list[dict[str, Any]] | None = None) -> Response:
    """A page saying what went wrong (the sign-in page when no one is signed in)."""
    if status == 401:
        return sign_in_first(request)
    headings = {403: "Not allowed", 404: "Not found", 429: "Too many tries"}
    heading = headings.get(status, "This did not work" if status < 500 else "Unavailable")
    return render(request, "error.html", _signed_in(request), status=status, title=heading,
                  detail=detail, rows=rows or [])


def _signed_in(request: Request) -> Caller | None:
    """The user of the session cookie, if any (the header of an error page)."""
    from dronevet.accounts import COOKIE, session_user
    from dronevet.web.auth import SESSION_COOKIE, Caller

    cookie = request.cookies.get(SESSION_COOKIE, "")
    register = request.app.state.register
    found = session_user(register, cookie, kind=COOKIE) if cookie else None
    return None if found is None else Caller(found[0], register, found[1])


def see_other(url: str) -> RedirectResponse:
    """After a form that changed something: to the page that shows the change."""
    return RedirectResponse(url, status_code=303)
