"""Values the web app works out from the register and keeps while nothing changes: the
pages' fleet views and the API's fleet readings.

Every change to the register writes an audit entry in the same transaction, so the audit
log's newest entry number says whether anything changed since a value was made, on every
replica sharing the store. A value is kept for (organisation, date, that number) and the
knowledge base it was made with, and made anew when any of them moves; the few most recent
are kept per kind.

The organisation's aircraft, which every such value is made from, are kept too, and brought
up to date from the audit log: after a change only the aircraft its entries name are read
again, not the whole fleet (when more than `CATCH_UP` entries came in between, or they
cannot all be read, the fleet is read whole).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from fastapi import Request

    from dronevet.fleet.model import Aircraft, Organisation
    from dronevet.fleet.register import Register
    from dronevet.knowledge.base import KnowledgeBase

KEPT = 8
"""Values kept per kind (organisations x dates people are looking at)."""
CATCH_UP = 500
"""The most audit entries read to bring a kept fleet up to date."""

T = TypeVar("T")
_lock = threading.Lock()


def kept(request: Request, kind: str, org: Organisation, as_of: date,
         make: Callable[[KnowledgeBase, Register, tuple[Aircraft, ...]], T]) -> T:
    """The value of `kind` for `org` on `as_of`: the one kept, or `make(kb, register,
    aircraft)`'s (the organisation's aircraft, by serial) when the register or the
    knowledge base has changed since it was made."""
    register: Register = request.app.state.register
    kb: KnowledgeBase = request.app.state.knowledge.get()
    newest = register.audit_entries(limit=1)
    head = newest[0].seq if newest else 0
    key = (org, as_of, head)
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
    value = make(kb, register, _fleet(request, register, org.name, head))
    with _lock:
        shelf[key] = (kb, value)
        while len(shelf) > KEPT:
            shelf.popitem(last=False)
    return value


def _fleet(request: Request, register: Register, organisation: str,
           head: int) -> tuple[Aircraft, ...]:
    """`organisation`'s aircraft as of audit entry `head`: the kept ones brought up to date
    (see the module docstring)."""
    with _lock:
        shelf: dict[str, tuple[int, tuple[Aircraft, ...]]]
        shelf = getattr(request.app.state, "kept_fleets", None) or {}
        request.app.state.kept_fleets = shelf
        found = shelf.get(organisation)
    if found is not None and found[0] == head:
        return found[1]
    touched = _touched(register, organisation, found[0], head) if found else None
    if found is None or touched is None:
        aircraft = tuple(register.aircraft(organisation))
    elif not touched:
        aircraft = found[1]
    else:
        by_serial = {a.serial: a for a in found[1] if a.serial not in touched}
        by_serial.update((a.serial, a) for a in register.aircraft(organisation,
                                                                  serials=touched))
        aircraft = tuple(sorted(by_serial.values(), key=lambda a: a.serial))
    with _lock:
        shelf[organisation] = (head, aircraft)
    return aircraft


def _touched(register: Register, organisation: str, since: int, head: int) -> set[str] | None:
    """The serials of `organisation`'s aircraft that audit entries `since` + 1 to `head`
    created, changed or removed; None when those entries cannot all be read."""
    if not 0 < head - since <= CATCH_UP:
        return None
    entries = [e for e in register.audit_entries(before=head + 1, limit=head - since)
               if e.seq > since]
    if len(entries) != head - since:
        return None
    touched = set()
    for entry in entries:
        if entry.record_type != "aircraft":
            continue
        for state in (entry.before, entry.after):
            if isinstance(state, dict) and state.get("organisation") == organisation:
                touched.add(str(state.get("serial")))
    return touched
