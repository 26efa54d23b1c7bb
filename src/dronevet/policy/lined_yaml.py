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
    """A mapping from a YAML file, with the 1-based `line` where it starts and the line of
    each of its keys (`key_lines`)."""

    line: int | None = None
    key_lines: dict[str, int] | None = None


class _LinedLoader(_Base):  # type: ignore[misc]  # PyYAML has no type stubs for its loaders
    """Safe loader whose mappings are `LinedDict`s."""


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LinedDict:
    mapping = LinedDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {
        str(key.value): key.start_mark.line + 1 for key, _value in node.value
    }
    return mapping


_LinedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def line_of(value: Any, key: str | None = None) -> int | None:
    """The line of `key` in a mapping read by `read_lined` (or, without a key or for a key
    it lacks, the line the mapping starts on); None for other values."""
    if not isinstance(value, LinedDict):
        return None
    if key is not None and value.key_lines and key in value.key_lines:
        return value.key_lines[key]
    return value.line


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
