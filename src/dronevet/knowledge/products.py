"""Parse drone products (models) from `products.yaml` into `Product` values.

One product, as written in the data file:

```yaml
- id: dji-matrice-30t              # stable slug, used on the command line
  name: DJI Matrice 30T
  aliases: [M30T, Matrice 30 Thermal]
  manufacturer: dji                 # entity id in entities.ftm.jsonl
  final_assembly_country: cn        # ISO 3166-1 alpha-2, or null when unknown
  category: enterprise              # enterprise, consumer, fpv, mapping, heavy-lift...
  released: 2022-03-21             # launch date, only where a source gives it
  source: dji-m30-specs             # id in sources.yaml, or an inline {citation, date, verified}
  components:                       # kind, maker (entity id) or maker_name, made_in, source
    - {kind: flight_controller, maker: dji, made_in: cn, source: dji-m30-specs}
    - {kind: camera, made_in: null, source: dji-m30-specs}   # maker unknown: stays unknown
  capabilities: {thermal: true, flight_time_min: 41, ip_rating: IP55, weight_g: 3770,
                 source: dji-m30-specs}
  price: {amount: 9999, currency: USD, source: some-price-table}
  dji_product_type: {code: 60, source: some-doc}   # the code DJI DroneID broadcasts
  list_statuses:                    # Blue UAS / Green UAS standing over time
    - {list: us-dcma-blue-uas, status: cleared, start: 2020-08-20, source: diu-blue-2020,
       end: 2025-03-06, end_source: some-report}   # the removal's own source
    # `verified: false` on a component or list status marks that one fact unverified; a
    # removal whose end_source is unverified is shown as a caution, not as a removal
```
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dronevet.errors import KnowledgeError
from dronevet.knowledge.model import (
    BroadcastCode,
    Capabilities,
    Component,
    ComponentKind,
    ListStatus,
    Price,
    Product,
    Source,
)
from dronevet.knowledge.sources import SourceRegistry, parse_date

COMPONENT_KINDS = tuple(kind.value for kind in ComponentKind)


def country_code(value: Any, *, where: str) -> str | None:
    """Normalise an ISO 3166-1 alpha-2 code to lower case; None stays None (unknown)."""
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    if len(text) != 2 or not text.isalpha():
        raise KnowledgeError(f"{where}: {value!r} is not a two-letter country code (e.g. cn, us).")
    return text


def parse_component(
    raw: Mapping[str, Any], sources: SourceRegistry, *, where: str, default: Source
) -> Component:
    """One component; its source defaults to the product's when not given."""
    kind_text = str(raw.get("kind") or "")
    try:
        kind = ComponentKind(kind_text)
    except ValueError:
        raise KnowledgeError(
            f"{where}: component kind {kind_text!r} is not one of {', '.join(COMPONENT_KINDS)}."
        ) from None
    source = sources.resolve(raw["source"], where=where) if "source" in raw else default
    source = source.marked(raw.get("verified"))
    maker = raw.get("maker")
    return Component(
        kind=kind,
        source=source,
        name=str(raw.get("name") or ""),
        maker=str(maker) if maker else None,
        maker_name=str(raw.get("maker_name") or ""),
        made_in=country_code(raw.get("made_in"), where=where),
    )


def _capabilities(raw: Any, sources: SourceRegistry, *, where: str) -> Capabilities:
    if not raw:
        return Capabilities()
    if not isinstance(raw, Mapping):
        raise KnowledgeError(f"{where}: capabilities must be a mapping.")
    source = sources.resolve(raw["source"], where=where) if "source" in raw else None

    def number(key: str) -> float | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise KnowledgeError(f"{where}: {key} must be a number.")
        return float(value)

    thermal = raw.get("thermal")
    return Capabilities(
        thermal=bool(thermal) if thermal is not None else None,
        flight_time_min=number("flight_time_min"),
        ip_rating=str(raw["ip_rating"]) if raw.get("ip_rating") else None,
        weight_g=number("weight_g"),
        max_range_km=number("max_range_km"),
        source=source,
    )


def parse_product(raw: Mapping[str, Any], sources: SourceRegistry, *, where: str) -> Product:
    """One product mapping from `products.yaml`."""
    product_id = str(raw.get("id") or "")
    name = str(raw.get("name") or "")
    if not product_id or not name:
        raise KnowledgeError(f"{where}: a product needs an id and a name.")
    where = f"{where} ({product_id})"
    if "source" not in raw:
        raise KnowledgeError(f"{where}: a product needs a source.")
    source = sources.resolve(raw["source"], where=where)
    components = tuple(
        parse_component(c, sources, where=f"{where}, component {i + 1}", default=source)
        for i, c in enumerate(raw.get("components") or [])
    )
    price = None
    if raw.get("price"):
        p = raw["price"]
        price = Price(
            amount=float(p["amount"]),
            currency=str(p.get("currency") or "USD"),
            source=sources.resolve(p.get("source"), where=f"{where}, price"),
        )
    statuses = tuple(
        ListStatus(
            list_id=str(s["list"]),
            status=str(s.get("status") or "listed"),
            source=sources.resolve(
                s.get("source"),
                where=f"{where}, list status",
                verified=False if s.get("verified") is False else None,
            ),
            start=parse_date(s.get("start"), where=where),
            end=parse_date(s.get("end"), where=where),
            end_source=sources.resolve(s["end_source"], where=f"{where}, list removal")
            if s.get("end_source")
            else None,
        )
        for s in raw.get("list_statuses") or []
    )
    dji_type = raw.get("dji_product_type")
    broadcast = None
    if dji_type is not None:
        if not isinstance(dji_type, Mapping) or not isinstance(dji_type.get("code"), int):
            raise KnowledgeError(f"{where}: dji_product_type needs a code (a number) and a source.")
        broadcast = BroadcastCode(
            str(dji_type["code"]),
            sources.resolve(dji_type.get("source"), where=f"{where}, dji_product_type"),
        )
    return Product(
        id=product_id,
        name=name,
        manufacturer=str(raw.get("manufacturer") or ""),
        manufacturer_name=str(raw.get("manufacturer_name") or ""),
        manufacturer_country=country_code(raw.get("manufacturer_country"), where=where),
        final_assembly_country=country_code(raw.get("final_assembly_country"), where=where),
        components=components,
        source=source,
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        category=str(raw.get("category") or ""),
        released=parse_date(raw.get("released"), where=where),
        capabilities=_capabilities(raw.get("capabilities"), sources, where=where),
        price=price,
        list_statuses=statuses,
        notes=str(raw.get("notes") or ""),
        dji_product_type=broadcast,
    )
