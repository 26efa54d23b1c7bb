"""Building many long-lived objects at once (a million imported entities, their name index).

`paused_gc()` pauses the cyclic garbage collector while such values are built: its passes
over the growing heap would cost more than the building itself. Afterwards what exists is
moved to the collector's permanent generation (`gc.freeze`), so later passes (in the first
queries) do not walk it all again; these values hold no reference cycles, and reference
counting still frees them as usual.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the collector for a bulk build, then freeze what was built."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
