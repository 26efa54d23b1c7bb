"""Shared helpers for the fleet tests: the built-in knowledge, register files written the
way people write them, and aircraft values."""

from __future__ import annotations

from pathlib import Path

from dronevet.fleet.importer import FleetImport, parse_fleet
from dronevet.fleet.model import Aircraft
from dronevet.knowledge import load_builtin
from dronevet.knowledge.base import KnowledgeBase

HEADER = "serial,model,purchase_date,price,funding,missions,flight_hours,status,unit"


def kb() -> KnowledgeBase:
    return load_builtin()


def csv_import(text: str, name: str = "fleet.csv", **options: object) -> FleetImport:
    """Import CSV text as if it were the file `name`."""
    return parse_fleet(text.encode("utf-8"), name, kb=kb(), **options)  # type: ignore[arg-type]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def aircraft(serial: str, model: str = "DJI M30T", **fields: object) -> Aircraft:
    """An aircraft as the importer would give it (the model resolved)."""
    from dronevet.policy.subjects import find_product

    product_id = find_product(kb(), model).product.id
    return Aircraft(serial=serial, model=model, product_id=product_id, **fields)  # type: ignore[arg-type]

