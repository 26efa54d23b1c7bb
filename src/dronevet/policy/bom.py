"""Read a bill of materials (YAML or JSON) into a `Product` that policies can vet.

```yaml
name: Acme Inspector 2                # required
manufacturer: Acme Robotics           # required: a name (resolved to a knowledge-base entity
                                      #   if it matches), or `unknown`
manufacturer_country: us              # ISO 3166-1 alpha-2, used when the name resolves to nothing
final_assembly_country: us
components:                           # each needs its kind; a kind left out is unknown
  - {kind: flight_controller, maker: Acme Robotics, made_in: us}
  - {kind: camera, maker: SZ DJI Technology, made_in: cn}
  - {kind: radio, maker: unknown, made_in: null}  # unknown stays unknown: leads to review
```

Component kinds: flight_controller, radio, data_transmission, camera, gimbal, ground_control,
operating_software, network_service, data_storage. Makers are names, resolved with screening's
name matcher; a name that matches nothing is kept as a name (screened by its stated country
where a rule allows, otherwise left to review). Every fact in a BOM is the user's statement,
so it is marked unverified. A malformed BOM raises `BadInputError` naming the file, the line
and the field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from dronevet.errors import BadInputError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.model import Component, ComponentKind, Product, Source
from dronevet.policy.lined_yaml import line_of, read_lined
from dronevet.suggest import close_matches

Resolver = Callable[[str], str | None]

_TOP_KEYS = frozenset(
    {
        "id",
        "name",
        "manufacturer",
        "manufacturer_country",
        "final_assembly_country",
        "components",
        "notes",
    }
)
_COMPONENT_KEYS = frozenset({"kind", "maker", "made_in", "name"})
KINDS = tuple(kind.value for kind in ComponentKind)
UNKNOWN = frozenset({"unknown", "?", "n/a", "none"})
"""Maker names that mean 'not known' (kept explicitly unknown, never screened)."""


def name_resolver(kb: KnowledgeBase) -> Resolver:
    """Resolve a maker's name to an entity id with screening's matcher (None below threshold)."""
    from dronevet.screening.screen import Screener

    screener = Screener(kb)

    def resolve(name: str) -> str | None:
        match = screener.resolve(name)
        return match.entity_id if match else None

    return resolve


class _BomReader:
    def __init__(self, path: Path, resolve: Resolver):
        self.path = path
        self.resolve = resolve

    def fail(
        self,
        field: str,
        message: str,
        node: Any,
        key: str | None = None,
        suggestions: tuple[str, ...] = (),
    ) -> BadInputError:
        return BadInputError(
            f"field {field!r}: {message}",
            path=str(self.path),
            line=line_of(node, key),
            suggestions=suggestions,
        )

    def text(self, node: Mapping[str, Any], key: str, field: str, *, required: bool = False) -> str:
        value = node.get(key)
        if value is None or value == "":
            if required:
                raise self.fail(field, "is required.", node, key)
            return ""
        if not isinstance(value, str):
            raise self.fail(field, f"must be text, not {type(value).__name__}.", node, key)
        return value.strip()

    def maker(self, name: str) -> tuple[str | None, str]:
        """A maker's entity id (None when it matches nothing) and its name as written;
        `unknown` stays unknown."""
        if not name or name.casefold() in UNKNOWN:
            return None, ""
        return self.resolve(name), name

    def country(self, node: Mapping[str, Any], key: str, field: str) -> str | None:
        text = self.text(node, key, field).lower()
        if text and (len(text) != 2 or not text.isalpha()):
            raise self.fail(
                field, f"{text!r} is not a two-letter country code (e.g. us, cn).", node, key
            )
        return text or None

    def keys(self, node: Mapping[str, Any], allowed: frozenset[str], field: str) -> None:
        unknown = sorted(str(k) for k in set(node) - allowed)
        if unknown:
            raise self.fail(
                f"{field}{unknown[0]}",
                f"is not a BOM field (known: {', '.join(sorted(allowed))}).",
                node,
                unknown[0],
                close_matches(unknown[0], sorted(allowed)),
            )

    def component(self, node: Any, index: int, source: Source, parent: Any) -> Component:
        field = f"components[{index}]"
        if not isinstance(node, Mapping):
            raise self.fail(
                field, "must be a mapping with kind, maker and made_in.", parent, "components"
            )
        self.keys(node, _COMPONENT_KEYS, f"{field}.")
        kind_text = self.text(node, "kind", f"{field}.kind", required=True)
        if kind_text not in KINDS:
            raise self.fail(
                f"{field}.kind",
                f"{kind_text!r} is not one of {', '.join(KINDS)}.",
                node,
                "kind",
                close_matches(kind_text, KINDS),
            )
        maker, maker_name = self.maker(self.text(node, "maker", f"{field}.maker"))
        return Component(
            kind=ComponentKind(kind_text),
            source=source,
            name=self.text(node, "name", f"{field}.name"),
            maker=maker,
            maker_name=maker_name,
            made_in=self.country(node, "made_in", f"{field}.made_in"),
        )

    def product(self, raw: Any) -> Product:
        if not isinstance(raw, Mapping):
            raise BadInputError(
                "a BOM must be a mapping with name, manufacturer and components.",
                path=str(self.path),
                line=line_of(raw),
            )
        self.keys(raw, _TOP_KEYS, "")
        name = self.text(raw, "name", "name", required=True)
        source = Source(
            f"bill of materials {self.path.name}",
            date.today(),
            verified=False,
            note="stated by the user; not checked",
        )
        parts = raw.get("components") or []
        if not isinstance(parts, list):
            raise self.fail(
                "components", "must be a list of parts (kind, maker, made_in).", raw, "components"
            )
        maker, maker_name = self.maker(
            self.text(raw, "manufacturer", "manufacturer", required=True)
        )
        return Product(
            id=self.text(raw, "id", "id") or f"bom:{name}",
            name=name,
            manufacturer=maker or "",
            manufacturer_name=maker_name,
            manufacturer_country=self.country(raw, "manufacturer_country", "manufacturer_country"),
            final_assembly_country=self.country(
                raw, "final_assembly_country", "final_assembly_country"
            ),
            components=tuple(self.component(c, i, source, raw) for i, c in enumerate(parts)),
            source=source,
            category="custom",
            notes=self.text(raw, "notes", "notes"),
        )


def _read(path: Path) -> Any:
    if path.suffix.lower() != ".json":
        return read_lined(path, BadInputError)
    try:
        return json.loads(path.read_bytes())
    except OSError as error:
        raise BadInputError(f"cannot read the file ({error.strerror}).", path=str(path)) from None
    except json.JSONDecodeError as error:
        raise BadInputError(
            f"not valid JSON ({error.msg}).", path=str(path), line=error.lineno
        ) from None
    except UnicodeDecodeError:
        raise BadInputError("not valid JSON (not UTF-8 text).", path=str(path)) from None


def read_bom(path: Path, kb: KnowledgeBase, *, resolve: Resolver | None = None) -> Product:
    """The custom system a BOM file describes, with makers resolved against `kb`."""
    return _BomReader(path, resolve or name_resolver(kb)).product(_read(path))


def bom_product(raw: Any, path: Path, resolve: Resolver) -> Product:
    """The custom system a parsed BOM describes (a mapping read from `path`, or given by a
    caller of the Python API)."""
    return _BomReader(path, resolve).product(raw)
