"""Load the knowledge base: built-in data files plus FtM files the user imported.

`load_builtin()` reads `data/` once per process (cached); `load(extra=[...])` adds FtM
files (for example an OpenSanctions export). The result is a `KnowledgeBase` with the
indexes that screening and vetting need: entities by id, links by subject and object,
designations by entity, lists and products by id.

Data files:
- `sources.yaml`: the documents facts cite, by id.
- `lists.yaml`: designation lists (Entity List, NS-CMIC, 1260H, FCC Covered List, Blue UAS...).
- `laws.yaml`: laws that let a government direct entities domiciled in its jurisdiction.
- `entities.ftm.jsonl`: entities, links and designations as FtM JSON lines.
- `products.yaml`: drone models (see `products.py`).
- `policies.yaml`: policies as data, read by `dronevet.policy`.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dronevet.errors import KnowledgeError
from dronevet.knowledge.ftm import FtmRecords, read_ftm_file
from dronevet.knowledge.model import (
    Designation,
    DesignationList,
    DirectionLaw,
    Entity,
    Link,
    ListNature,
    Product,
)
from dronevet.knowledge.products import country_code, parse_product
from dronevet.knowledge.sources import SourceRegistry, parse_date

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def data_dir() -> Path:
    """The directory holding the built-in data files."""
    return Path(str(resources.files("dronevet.knowledge") / "data"))


def read_yaml(path: Path) -> Any:
    """Parse a YAML file; a syntax error names the file and line."""
    try:
        with path.open("rb") as handle:
            return yaml.load(handle, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        message = f"not valid YAML ({error.problem})"
        raise KnowledgeError(message, path=str(path), line=line) from None
    except OSError as error:
        raise KnowledgeError(f"cannot read file ({error.strerror})", path=str(path)) from None


@dataclass(slots=True)
class KnowledgeBase:
    """Everything known, indexed for lookups. Built once; treat it as read-only."""

    sources: SourceRegistry
    lists: dict[str, DesignationList] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    designations: list[Designation] = field(default_factory=list)
    products: dict[str, Product] = field(default_factory=dict)
    laws: list[DirectionLaw] = field(default_factory=list)
    links_from: dict[str, list[Link]] = field(default_factory=lambda: defaultdict(list))
    links_to: dict[str, list[Link]] = field(default_factory=lambda: defaultdict(list))
    designations_of: dict[str, list[Designation]] = field(
        default_factory=lambda: defaultdict(list)
    )
    skipped: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)

    def add_records(self, records: FtmRecords) -> None:
        """Add what an FtM file yielded; later entities with a known id replace earlier ones."""
        for entity in records.entities:
            self.entities[entity.id] = entity
        for link in records.links:
            self.links.append(link)
            self.links_from[link.subject].append(link)
            self.links_to[link.object].append(link)
        for designation in records.designations:
            self.designations.append(designation)
            self.designations_of[designation.entity_id].append(designation)
        self.skipped.extend(records.skipped)

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

    def products_by(self, entity_id: str) -> list[Product]:
        return [p for p in self.products.values() if p.manufacturer == entity_id]


def _read_lists(raw: Any, sources: SourceRegistry, path: Path) -> dict[str, DesignationList]:
    lists = {}
    for index, item in enumerate(raw or []):
        where = f"{path}, list {index + 1}"
        try:
            nature = ListNature(item.get("nature", "adverse"))
            lists[item["id"]] = DesignationList(
                id=item["id"],
                title=item["title"],
                authority=item["authority"],
                nature=nature,
                country=country_code(item.get("country"), where=where) or "",
                description=str(item.get("description") or ""),
                source=sources.resolve(item.get("source"), where=where),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise KnowledgeError(f"{where}: bad list entry ({error}).") from None
    return lists


def _read_laws(raw: Any, sources: SourceRegistry, path: Path) -> list[DirectionLaw]:
    laws = []
    for index, item in enumerate(raw or []):
        where = f"{path}, law {index + 1}"
        try:
            laws.append(
                DirectionLaw(
                    id=item["id"],
                    country=country_code(item["country"], where=where) or "",
                    title=item["title"],
                    article=str(item.get("article") or ""),
                    summary=item["summary"],
                    source=sources.resolve(item.get("source"), where=where),
                    start=parse_date(item.get("start"), where=where),
                    end=parse_date(item.get("end"), where=where),
                )
            )
        except (KeyError, TypeError) as error:
            raise KnowledgeError(f"{where}: bad law entry ({error}).") from None
    return laws


def _read_products(raw: Any, sources: SourceRegistry, path: Path) -> dict[str, Product]:
    products: dict[str, Product] = {}
    if not isinstance(raw, list):
        raise KnowledgeError("must be a list of products", path=str(path))
    for index, item in enumerate(raw):
        product = parse_product(item, sources, where=f"{path}, product {index + 1}")
        if product.id in products:
            raise KnowledgeError(f"duplicate product id {product.id!r}", path=str(path))
        products[product.id] = product
    return products


def load_from(directory: Path, extra: Sequence[Path] = ()) -> KnowledgeBase:
    """Load the data files in `directory`, then each extra FtM file in order."""
    sources = SourceRegistry.from_mapping(
        read_yaml(directory / "sources.yaml"), where=str(directory / "sources.yaml")
    )
    kb = KnowledgeBase(sources=sources)
    kb.lists = _read_lists(read_yaml(directory / "lists.yaml"), sources, directory / "lists.yaml")
    kb.laws = _read_laws(read_yaml(directory / "laws.yaml"), sources, directory / "laws.yaml")
    today = date.today()
    ftm_path = directory / "entities.ftm.jsonl"
    kb.add_records(read_ftm_file(ftm_path, sources, origin="builtin", default_day=today))
    kb.origins.append("builtin")
    kb.products = _read_products(
        read_yaml(directory / "products.yaml"), sources, directory / "products.yaml"
    )
    for path in extra:
        add_ftm_file(kb, path)
    return kb


def add_ftm_file(kb: KnowledgeBase, path: Path) -> FtmRecords:
    """Read an FtM file into `kb` and return what it yielded."""
    records = read_ftm_file(path, kb.sources, origin=str(path), default_day=date.today())
    kb.add_records(records)
    kb.origins.append(str(path))
    return records


@functools.cache
def load_builtin() -> KnowledgeBase:
    """The built-in knowledge base, loaded once per process."""
    return load_from(data_dir())


def load(extra: Iterable[Path] = ()) -> KnowledgeBase:
    """The built-in base plus extra FtM files; the plain built-in base is cached."""
    extra = tuple(extra)
    if not extra:
        return load_builtin()
    return load_from(data_dir(), extra)


