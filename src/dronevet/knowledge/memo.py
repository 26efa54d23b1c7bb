"""Values derived from one knowledge base (name indexes, determinations, policies), kept with it.

A `KnowledgeBase` is immutable, so anything computed from it stays true for as long as the
value lives: its `Memo` holds those results, keyed by whoever computes them. Nothing is
kept in module globals, so two knowledge bases never share a stale answer, and a base
shared by several server threads builds each derived value once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")


class Memo:
    """Derived values by key, built on first use under a lock; tables of memoised answers."""

    __slots__ = ("_lock", "_tables", "_values")

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._values: dict[str, Any] = {}
        self._tables: dict[str, dict[Any, Any]] = {}

    def get(self, key: str, build: Callable[[], T]) -> T:
        """The value stored under `key`, built by `build()` the first time (once, even when
        several threads ask at the same moment)."""
        try:
            return cast(T, self._values[key])
        except KeyError:
            pass
        with self._lock:
            if key not in self._values:
                self._values[key] = build()
            return cast(T, self._values[key])

    def table(self, key: str) -> dict[Any, Any]:
        """A dict of memoised answers (e.g. determinations by entity, date and criteria).
        Single reads and writes of a dict are atomic, so threads may share it; two threads
        computing the same answer at once both store an equal value."""
        table = self._tables.get(key)
        if table is None:
            with self._lock:
                table = self._tables.setdefault(key, {})
        return table

    def clear(self) -> None:
        """Forget every derived value (benchmarks measure cold answers this way)."""
        with self._lock:
            self._values.clear()
            self._tables.clear()
