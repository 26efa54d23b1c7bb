"""The audit log over HTTP: its entries (newest first, the caller's organisations only, for
those who may read it) and a check of its hash chain.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from dronevet.access import Action
from dronevet.store.audit import Anchor, Entry
from dronevet.web.auth import Caller, allowed
from dronevet.web.responses import Json

router = APIRouter(prefix="/audit", tags=["audit"])

Auditor = Annotated[Caller, Depends(allowed(Action.read_audit))]
_SCAN = 500


def visible_entries(who: Caller, before: int | None, limit: int) -> tuple[list[Entry], int | None]:
    """Up to `limit` entries numbered below `before` that `who` may see, newest first, and
    the `before` of the page after (None on the last page)."""
    visible = None if who.user.organisation is None else set(who.visible())
    found: list[Entry] = []
    cursor, more = before, True
    while len(found) < limit and more:
        page = who.register.audit_entries(before=cursor, limit=_SCAN)
        more = len(page) == _SCAN
        for entry in page:
            cursor = entry.seq
            if visible is None or entry.organisation in visible:
                found.append(entry)
                if len(found) == limit:
                    break
    following = found[-1].seq if len(found) == limit and found[-1].seq > 1 else None
    return found, following


@router.get("", summary="Audit entries, newest first")
def entries(
    who: Auditor,
    before: Annotated[int | None, Query(ge=1, le=2**62, description="entries numbered "
                                        "below this (the last page's smallest `seq`)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Json:
    """`{"entries": [...], "next": SEQ | null}`: pass `next` as `before` for the page after."""
    found, following = visible_entries(who, before, limit)
    return Json({"entries": [e.to_dict() for e in found], "next": following})


@router.get("/verify", summary="Check the audit log's hash chain")
def verify(
    who: Auditor,
    anchor: Annotated[str | None, Query(max_length=100, description="SEQ:HASH noted "
                                        "earlier")] = None,
) -> Json:
    """`{"ok", "entries", "head", "broken"}`, as `dronevet audit verify --format json`."""
    noted = None if anchor is None else Anchor.parse(anchor)
    return Json(who.register.verify_audit(noted).to_dict())
