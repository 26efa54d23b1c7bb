"""The knowledge base: an immutable value of sourced facts, in layers, with its own memos.

A `KnowledgeBase` holds the built-in facts (sources, designation lists, direction laws,
products, and the FtM entities, links and designations) plus zero or more import layers
(FtM files a user added). It never changes once made: `with_layer()` returns a new value
with one more layer, and the old one keeps working. Indexes and memoised answers that
screening, vetting and policies derive from it live in its `memo`, so they can never be
stale and are safe to share between threads.

An import layer never replaces a built-in (or earlier) entity: a record whose id is held
already is left out and reported in `skipped`, and its links and designations still
attach to the entity the id names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import TypeVar

from dronevet.knowledge.ftm import FtmRecords
from dronevet.knowledge.memo import Memo
from dronevet.knowledge.model import (
    BroadcastCode,
    Designation,
    DesignationList,
    DirectionLaw,
    Entity,
    Link,
    ListNature,
    Product,
)
from dronevet.knowledge.sources import SourceRegistry

BUILTIN = "builtin"
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Layer:
    """One origin of entities: the built-in data, or one import (by its name)."""

    name: str
    entities: int
    links: int
    designations: int
    skipped: tuple[str, ...] = ()


def _grouped(pairs: Iterable[tuple[str, V]]) -> Mapping[str, tuple[V, ...]]:
    grouped: dict[str, list[V]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return MappingProxyType({key: tuple(values) for key, values in grouped.items()})


@dataclass(frozen=True, slots=True, eq=False)
class KnowledgeBase:
    """Everything known, indexed for lookups; immutable (see the module docstring)."""

    sources: SourceRegistry
    lists: Mapping[str, DesignationList]
    laws: tuple[DirectionLaw, ...]
    products: Mapping[str, Product]
    serial_codes: Mapping[str, BroadcastCode]
    entities: Mapping[str, Entity]
    links: tuple[Link, ...]
    designations: tuple[Designation, ...]
    layers: tuple[Layer, ...]
    links_from: Mapping[str, tuple[Link, ...]] = field(repr=False)
    links_to: Mapping[str, tuple[Link, ...]] = field(repr=False)
    designations_of: Mapping[str, tuple[Designation, ...]] = field(repr=False)
    memo: Memo = field(init=False, repr=False, default_factory=Memo)

    @classmethod
    def assemble(
        cls,
        *,
        sources: SourceRegistry,
        lists: Mapping[str, DesignationList],
        laws: Iterable[DirectionLaw],
        products: Mapping[str, Product],
        records: FtmRecords,
        serial_codes: Mapping[str, BroadcastCode] | None = None,
        layer: str = BUILTIN,
    ) -> KnowledgeBase:
        """A knowledge base of one layer (normally the built-in data)."""
        codes = MappingProxyType(dict(serial_codes or {}))
        empty = cls._of(sources, lists, tuple(laws), products, codes, {}, (), (), ())
        return empty.with_layer(layer, records)

    @classmethod
    def _of(
        cls,
        sources: SourceRegistry,
        lists: Mapping[str, DesignationList],
        laws: tuple[DirectionLaw, ...],
        products: Mapping[str, Product],
        serial_codes: Mapping[str, BroadcastCode],
        entities: Mapping[str, Entity],
        links: tuple[Link, ...],
        designations: tuple[Designation, ...],
        layers: tuple[Layer, ...],
    ) -> KnowledgeBase:
        return cls(
            sources=sources,
            lists=MappingProxyType(dict(lists)),
            laws=laws,
            products=MappingProxyType(dict(products)),
            serial_codes=serial_codes,
            entities=MappingProxyType(dict(entities)),
            links=links,
            designations=designations,
            layers=layers,
            links_from=_grouped((link.subject, link) for link in links),
            links_to=_grouped((link.object, link) for link in links),
            designations_of=_grouped((d.entity_id, d) for d in designations),
        )

    def with_layer(self, name: str, records: FtmRecords) -> KnowledgeBase:
        """This knowledge base plus one layer of FtM records (a new value; this one is
        unchanged). Entities whose id is already held are left out and reported."""
        entities = dict(self.entities)
        clashes: list[str] = []
        added = 0
        for entity in records.entities:
            held = entities.get(entity.id)
            if held is not None and held.origin != name:
                clashes.append(
                    f"{name}: entity {entity.id!r} is already held ({held.origin}); "
                    "the imported record was left out"
                )
                continue
            entities[entity.id] = entity
            added += 1
        layer = Layer(
            name,
            added,
            len(records.links),
            len(records.designations),
            tuple(records.skipped) + tuple(clashes),
        )
        return self._of(
            self.sources,
            self.lists,
            self.laws,
            self.products,
            self.serial_codes,
            entities,
            self.links + tuple(records.links),
            self.designations + tuple(records.designations),
            (*self.layers, layer),
        )

    @property
    def skipped(self) -> tuple[str, ...]:
        """Records left out while loading (unsupported schemata, clashing ids), by layer."""
        return tuple(line for layer in self.layers for line in layer.skipped)

    @property
    def origins(self) -> tuple[str, ...]:
        """The names of the layers, built-in first."""
        return tuple(layer.name for layer in self.layers)

    def designations_on(self, entity_id: str, day: date) -> list[Designation]:
        """Designations of an entity in force on `day`."""
        return [d for d in self.designations_of.get(entity_id, ()) if d.active_on(day)]

    def name_of(self, entity_id: str) -> str:
        """An entity's name, or its id when the base does not hold it."""
        known = self.entities.get(entity_id)
        return known.name if known else entity_id

    def list_title(self, list_id: str) -> str:
        """A list's title, or its id when `lists.yaml` does not declare it."""
        known = self.lists.get(list_id)
        return known.title if known else list_id

    def list_nature(self, list_id: str) -> ListNature:
        """Lists not declared in `lists.yaml` (e.g. from an import) count as adverse."""
        known = self.lists.get(list_id)
        return known.nature if known else ListNature.adverse

    def laws_on(self, country: str, day: date) -> list[DirectionLaw]:
        """Direction laws of `country` in force on `day`."""
        return [law for law in self.laws if law.country == country and law.active_on(day)]

    def products_by(self, entity_id: str) -> tuple[Product, ...]:
        """The products an entity makes (an index built on first use)."""
        index = self.memo.get("products-by-maker", self._products_by_maker)
        return index.get(entity_id, ())

    def _products_by_maker(self) -> Mapping[str, tuple[Product, ...]]:
        return _grouped(
            (p.manufacturer, p) for p in self.products.values() if p.manufacturer
        )
