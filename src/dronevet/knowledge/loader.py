"""Load the knowledge base: built-in data files plus FtM files the user imported.

`load_builtin()` reads `data/` once per process (cached); `load(extra=[...])` adds FtM
files (for example an OpenSanctions export). The result is an immutable
`KnowledgeBase` (see `base.py`) with one layer per file.

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
from collections.abc import Iterable, Sequence
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dronevet.errors import KnowledgeError
from dronevet.knowledge.base import BUILTIN, KnowledgeBase
from dronevet.knowledge.ftm import read_ftm_file
from dronevet.knowledge.model import (
    BroadcastCode,
    DesignationList,
    DirectionLaw,
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
                clears_products=bool(item.get("clears_products", False)),
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


def _read_serial_codes(path: Path, sources: SourceRegistry) -> dict[str, BroadcastCode]:
    """ANSI/CTA-2063-A manufacturer codes -> maker entities (`serial_codes.yaml`, optional).

    `verified: false` on a code marks that attribution unverified, even when its source is
    a verified document (the document may not show the code unambiguously).
    """
    if not path.exists():
        return {}
    codes: dict[str, BroadcastCode] = {}
    for index, item in enumerate(read_yaml(path) or []):
        where = f"{path}, code {index + 1}"
        code = str(item.get("code") or "") if isinstance(item, dict) else ""
        if len(code) != 4 or not code.isalnum() or code in codes:
            raise KnowledgeError(f"{where}: a manufacturer code is 4 letters or digits, once.")
        verified = item.get("verified")
        if verified is not None and not isinstance(verified, bool):
            raise KnowledgeError(f"{where}: 'verified' must be true or false.")
        source = sources.resolve(item.get("source"), where=where, verified=verified)
        codes[code] = BroadcastCode(code, source, str(item.get("entity") or ""))
    return codes


def load_from(directory: Path, extra: Sequence[Path] = ()) -> KnowledgeBase:
    """Load the data files in `directory`, then each extra FtM file in order (as layers)."""
    sources = SourceRegistry.from_mapping(
        read_yaml(directory / "sources.yaml"), where=str(directory / "sources.yaml")
    )
    kb = KnowledgeBase.assemble(
        sources=sources,
        lists=_read_lists(read_yaml(directory / "lists.yaml"), sources, directory / "lists.yaml"),
        laws=_read_laws(read_yaml(directory / "laws.yaml"), sources, directory / "laws.yaml"),
        products=_read_products(
            read_yaml(directory / "products.yaml"), sources, directory / "products.yaml"
        ),
        records=read_ftm_file(
            directory / "entities.ftm.jsonl", sources, origin=BUILTIN, default_day=date.today()
        ),
        serial_codes=_read_serial_codes(directory / "serial_codes.yaml", sources),
    )
    unknown = sorted(c.entity for c in kb.serial_codes.values() if c.entity not in kb.entities)
    if unknown:
        raise KnowledgeError(
            f"manufacturer codes name entities not in the knowledge base: {', '.join(unknown)}",
            path=str(directory / "serial_codes.yaml"),
        )
    for path in extra:
        kb = with_ftm_file(kb, path)
    return kb


def with_ftm_file(kb: KnowledgeBase, path: Path, name: str | None = None) -> KnowledgeBase:
    """`kb` plus the FtM file at `path` as a layer named `name` (default: the path)."""
    origin = name or str(path)
    records = read_ftm_file(path, kb.sources, origin=origin, default_day=date.today())
    return kb.with_layer(origin, records)


@functools.cache
def load_builtin() -> KnowledgeBase:
    """The built-in knowledge base, loaded once per process (it is immutable)."""
    return load_from(data_dir())


def load(extra: Iterable[Path] = ()) -> KnowledgeBase:
    """The built-in base plus extra FtM files; the plain built-in base is cached."""
    kb = load_builtin()
    for path in extra:
        kb = with_ftm_file(kb, path)
    return kb
