"""What the knowledge base says about one entity or product, as JSON (`kb show`, `models`).

`entity_dict(kb, entity, today)` gives an entity with its names, links in both directions,
designations, products and the direction laws that reach it, each with its source;
`find_entity(kb, text)` finds the entity an id or exact name means. `product_dict` is the
`dronevet models --format json` contract.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dronevet.errors import UnknownNameError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.model import Entity, Product, Source
from dronevet.suggest import close_matches


def source_dict(source: Source) -> dict[str, Any]:
    """A source with its note, as `kb show` writes it."""
    return {
        "citation": source.citation,
        "date": source.date.isoformat(),
        "verified": source.verified,
        "note": source.note,
    }


def find_entity(kb: KnowledgeBase, text: str) -> Entity:
    """The entity with this id, or the one entity with exactly this name."""
    if text in kb.entities:
        return kb.entities[text]
    lowered = text.casefold()
    by_name = [e for e in kb.entities.values() if lowered in (n.casefold() for n in e.names)]
    if len(by_name) == 1:
        return by_name[0]
    raise UnknownNameError(
        f"no entity with id {text!r} (try `dronevet screen` for a name).",
        suggestions=close_matches(text, list(kb.entities)),
    )


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def entity_dict(kb: KnowledgeBase, entity: Entity, today: date) -> dict[str, Any]:
    """An entity with its names, links, designations and products (the `kb show` contract)."""
    links = []
    for direction, found in (
        ("outgoing", kb.links_from.get(entity.id, ())),
        ("incoming", kb.links_to.get(entity.id, ())),
    ):
        for link in found:
            other = link.object if direction == "outgoing" else link.subject
            links.append(
                {
                    "id": link.id,
                    "kind": link.kind.value,
                    "direction": direction,
                    "subject": link.subject,
                    "object": link.object,
                    "other": other,
                    "other_name": kb.name_of(other),
                    "role": link.role,
                    "percentage": link.percentage,
                    "start": _day(link.start),
                    "end": _day(link.end),
                    "active": link.active_on(today),
                    "disputed": link.disputed,
                    "source": source_dict(link.source),
                }
            )
    designations = [
        {
            "id": d.id,
            "list": d.list_id,
            "list_title": kb.list_title(d.list_id),
            "nature": kb.list_nature(d.list_id).value,
            "listed": _day(d.listed),
            "start": _day(d.start),
            "end": _day(d.end),
            "active": d.active_on(today),
            "reason": d.reason,
            "source": source_dict(d.source),
        }
        for d in kb.designations_of.get(entity.id, ())
    ]
    return {
        "id": entity.id,
        "schema": entity.schema,
        "name": entity.name,
        "names": list(entity.names),
        "countries": list(entity.countries),
        "origin": entity.origin,
        "source": source_dict(entity.source),
        "links": links,
        "designations": designations,
        "products": [p.id for p in kb.products_by(entity.id)],
        "laws": [law.id for c in entity.countries for law in kb.laws_on(c, today)],
    }


def product_core(product: Product) -> dict[str, Any]:
    """What a product is made of and by whom, as JSON (shared by `models` and `vet`)."""
    return {
        "id": product.id,
        "name": product.name,
        "manufacturer": product.manufacturer or None,
        "manufacturer_name": product.manufacturer_name or None,
        "manufacturer_country": product.manufacturer_country,
        "final_assembly_country": product.final_assembly_country,
        "released": _day(product.released),
        "components": [
            {
                "kind": c.kind.value,
                "maker": c.maker,
                "maker_name": c.maker_name or None,
                "made_in": c.made_in,
            }
            for c in product.components
        ],
    }


def product_dict(product: Product) -> dict[str, Any]:
    """A drone model with its components, lists and source (`dronevet models` contract)."""
    return {
        **product_core(product),
        "aliases": list(product.aliases),
        "category": product.category,
        "lists": [
            {
                "list": s.list_id,
                "status": s.status,
                "start": _day(s.start),
                "end": _day(s.end),
                "removal_confirmed": s.removal_confirmed if s.end else None,
            }
            for s in product.list_statuses
        ],
        "source": {
            "citation": product.source.citation,
            "date": product.source.date.isoformat(),
            "verified": product.source.verified,
        },
    }
