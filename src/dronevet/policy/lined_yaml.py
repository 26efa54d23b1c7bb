"""YAML (and JSON) read into plain values that remember the line each mapping started on.

Errors about a policy or a bill of materials must name the file and the line; PyYAML drops
positions once it builds Python values, so this loader builds `LinedDict`s that keep them.
JSON is a subset of YAML, so the same reader serves `.json` files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dronevet.errors import DronevetError

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LinedDict(dict[str, Any]):
    """A mapping from a YAML file, with the 1-based `line` where it starts."""

    line: int | None = None


class _LinedLoader(_Base):
    """Safe loader whose mappings are `LinedDict`s."""


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LinedDict:
    mapping = LinedDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LinedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def line_of(value: Any) -> int | None:
    """The line a mapping read by `read_lined` starts on, else None."""
    return value.line if isinstance(value, LinedDict) else None


def read_lined(path: Path, error: type[DronevetError]) -> Any:
    """Parse a YAML or JSON file; syntax and read errors become `error` with file and line."""
    try:
        text = path.read_bytes()
    except OSError as problem:
        raise error(f"cannot read the file ({problem.strerror}).", path=str(path)) from None
    try:
        return yaml.load(text, Loader=_LinedLoader)
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        line = mark.line + 1 if mark else None
        raise error(
            f"not valid YAML or JSON ({problem.problem}).", path=str(path), line=line
        ) from None
    except yaml.YAMLError as problem:
        raise error(f"not valid YAML or JSON ({problem}).", path=str(path)) from None
