"""Values the web app works out from the register and keeps while nothing changes: the
pages' fleet views and the API's fleet readings.

Every change to the register writes an audit entry in the same transaction, so the audit
log's newest entry number says whether anything changed since a value was made, on every
replica sharing the store. A value is kept for (organisation, date, that number) and the
knowledge base it was made with, and made anew when any of them moves; the few most recent
are kept per kind.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from fastapi import Request

    from dronevet.fleet.model import Organisation
    from dronevet.fleet.register import Register
    from dronevet.knowledge.base import KnowledgeBase

KEPT = 8
"""Values kept per kind (organisations x dates people are looking at)."""

T = TypeVar("T")
_lock = threading.Lock()


def kept(request: Request, kind: str, org: Organisation, as_of: date,
         make: Callable[[KnowledgeBase, Register], T]) -> T:
    """The value of `kind` for `org` on `as_of`: the one kept, or `make(kb, register)`'s
    when the register or the knowledge base has changed since it was made."""
    register: Register = request.app.state.register
    kb: KnowledgeBase = request.app.state.knowledge.get()
    newest = register.audit_entries(limit=1)
    key = (org, as_of, newest[0].seq if newest else 0)
    shelf_name = f"kept_{kind}"
    with _lock:
        shelf: OrderedDict[Any, tuple[KnowledgeBase, Any]] | None
        shelf = getattr(request.app.state, shelf_name, None)
        if shelf is None:
            shelf = OrderedDict()
            setattr(request.app.state, shelf_name, shelf)
        found = shelf.get(key)
        if found is not None and found[0] is kb:
            shelf.move_to_end(key)
            value: T = found[1]
            return value
    value = make(kb, register)
    with _lock:
        shelf[key] = (kb, value)
        while len(shelf) > KEPT:
            shelf.popitem(last=False)
    return value
