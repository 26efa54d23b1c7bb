"""dronevet: vet drones for government use.

Who controls a drone, what it broadcasts, and whether a policy lets an agency buy, fly or
fund it on a given date for a given mission. The public Python API (see `dronevet.api`):

- `load_knowledge(home=None)`: the built-in facts plus the user's imports;
- `find_product(text)`, `screen(name, as_of=)`, `vet(subject, policy=, use=, as_of=,
  mission=)`, `vet_matrix(subject, policies=, uses=, as_of=)`;
- `decode_capture(path_or_file)`, `decode_iq(path, sample_rate=)`;
- `analyze_capture(path, device=, as_of=)`, `compare_captures(a, b)`: what an app sends.

Each result's `.to_dict()` is exactly the CLI's `--format json`. The names are loaded on
first use, so `import dronevet` stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "analyze_capture",
    "compare_captures",
    "decode_capture",
    "decode_iq",
    "find_product",
    "load_knowledge",
    "screen",
    "vet",
    "vet_matrix",
]

if TYPE_CHECKING:
    from dronevet.api import (
        analyze_capture,
        compare_captures,
        decode_capture,
        decode_iq,
        find_product,
        load_knowledge,
        screen,
        vet,
        vet_matrix,
    )


def __getattr__(name: str) -> Any:
    if name in __all__:
        from dronevet import api

        return getattr(api, name)
    raise AttributeError(f"module 'dronevet' has no attribute {name!r}")
