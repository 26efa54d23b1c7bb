"""Sourced facts: entities, links, designations, products and policies, loaded from data files.

`KnowledgeBase`, `load` and `load_builtin` are loaded on first use, so that importing one
light module of this package (the model, the country names) stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["KnowledgeBase", "load", "load_builtin"]

if TYPE_CHECKING:
    from dronevet.knowledge.base import KnowledgeBase
    from dronevet.knowledge.loader import load, load_builtin


def __getattr__(name: str) -> Any:
    if name == "KnowledgeBase":
        from dronevet.knowledge.base import KnowledgeBase

        return KnowledgeBase
    if name in ("load", "load_builtin"):
        from dronevet.knowledge import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'dronevet.knowledge' has no attribute {name!r}")
