"""Sourced facts: entities, links, designations, products and policies, loaded from data files."""

from dronevet.knowledge.loader import KnowledgeBase, load, load_builtin

__all__ = ["KnowledgeBase", "load", "load_builtin"]
