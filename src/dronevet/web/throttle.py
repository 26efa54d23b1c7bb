"""Sign-in throttling: too many failures for one name, or from one address, and further
tries are refused for a while, whether or not the account exists (so the refusal tells
nothing about which names are real).

Counts live in the process; with several API replicas each counts its own (a shared
limit would need the store, which every failed try would then write to).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

PER_NAME = 5
"""Failed tries for one user name within the window."""
PER_ADDRESS = 20
"""Failed tries from one client address within the window."""
WINDOW = 15 * 60.0
"""Seconds a failure counts for."""
_KEYS_KEPT = 100_000


@dataclass
class LoginThrottle:
    """Failures per key (`name:...`, `addr:...`) within the last `window` seconds."""

    per_name: int = PER_NAME
    per_address: int = PER_ADDRESS
    window: float = WINDOW
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, name: str, address: str) -> int | None:
        """Seconds to wait before trying again, or None when a try is allowed."""
        now = self.clock()
        waits = []
        with self._lock:
            for key, limit in ((f"name:{name.casefold()}", self.per_name),
                               (f"addr:{address}", self.per_address)):
                times = self._recent(key, now)
                if len(times) >= limit:
                    waits.append(int(times[0] + self.window - now) + 1)
        return max(waits) if waits else None

    def failed(self, name: str, address: str) -> None:
        """Count a failed try."""
        now = self.clock()
        with self._lock:
            if len(self._failures) > _KEYS_KEPT:
                self._failures.clear()
            for key in (f"name:{name.casefold()}", f"addr:{address}"):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, name: str) -> None:
        """Forget a name's failures once it signs in."""
        with self._lock:
            self._failures.pop(f"name:{name.casefold()}", None)
