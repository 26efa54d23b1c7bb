"""Screening: resolve free-text names to entities, then decide whether they are covered."""
