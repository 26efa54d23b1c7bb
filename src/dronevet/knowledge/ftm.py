"""Read FollowTheMoney JSON lines into entities, links and designations.

This reader is deliberately independent of the `followthemoney` package at run time
(importing it costs about a second; loading the knowledge base must take well under half a
second). `dronevet kb check` and `dronevet kb import` validate the same records against
the real FtM model (`validate.py`), so what this reader accepts is genuine FtM.

Mapping from FtM schemata:
- LegalEntity, Company, Organization, PublicBody, Person -> `Entity`; the
  `parent` property -> `Link(subsidiary_of)`.
- Ownership (asset, owner) -> `Link(owned_by)`, or `controlled_by` when its role or
  ownershipType says control.
- UnknownLink (subject, object, role) -> the `LinkKind` its role names; any other role is
  kept as `associated_with`, which screening treats as a reason to review, not to cover.
- Succession (predecessor, successor) -> `Link(successor_of)`.
- Sanction (entity, programId/program, listingDate, startDate, endDate) -> `Designation`.

Provenance: built-in records carry a top-level `source` (a source id or inline mapping)
and optionally `verified: false`; imported records without it get a source built from
their `sourceUrl` / `publisher` and dates, marked unverified (dronevet has not checked it).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO

import orjson

from dronevet.bulk import paused_gc
from dronevet.errors import KnowledgeError
from dronevet.knowledge.model import Designation, Entity, Link, LinkKind, Source
from dronevet.knowledge.sources import SourceRegistry, parse_date

ENTITY_SCHEMATA = frozenset({"LegalEntity", "Company", "Organization", "PublicBody", "Person"})
LINK_SCHEMATA = frozenset({"Ownership", "UnknownLink", "Succession"})

# Roles of UnknownLink, matched on lower-cased words, most specific first.
_ROLE_KINDS: tuple[tuple[str, LinkKind], ...] = (
    ("licens", LinkKind.licensee_of),
    ("reseller", LinkKind.reseller_of),
    ("rebadg", LinkKind.reseller_of),
    ("brand", LinkKind.brand_of),
    ("subsidiary", LinkKind.subsidiary_of),
    ("control", LinkKind.controlled_by),
    ("affiliate", LinkKind.affiliate_of),
    ("joint venture", LinkKind.affiliate_of),
)


@dataclass(slots=True)
class FtmRecords:
    """What a set of FtM lines yielded, plus what was skipped and why."""

    entities: list[Entity] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    designations: list[Designation] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _first(props: Mapping[str, list[str]], name: str) -> str:
    values = props.get(name) or []
    return str(values[0]) if values else ""


def _cleaned(values: Any) -> tuple[str, ...]:
    """Distinct non-blank values of one property, stripped, in their order."""
    if not values:
        return ()
    if len(values) == 1:
        text = str(values[0]).strip()
        return (text,) if text else ()
    return tuple(dict.fromkeys(filter(None, [str(value).strip() for value in values])))


def _values(props: Mapping[str, list[str]], *names: str) -> tuple[str, ...]:
    if len(names) == 1:
        return _cleaned(props.get(names[0]))
    raw: list[Any] = []
    for name in names:
        values = props.get(name)
        if values:
            raw.extend(values)
    return _cleaned(raw)


def role_kind(role: str) -> LinkKind | None:
    """The `LinkKind` an UnknownLink role names, or None for a role we do not interpret."""
    lowered = role.lower()
    for needle, kind in _ROLE_KINDS:
        if needle in lowered:
            return kind
    return None


class FtmReader:
    """Turns FtM records (dicts) into knowledge values; one reader per file."""

    def __init__(self, origin: str, sources: SourceRegistry, *, default_day: date):
        self.origin = origin
        self.sources = sources
        self.default_day = default_day
        self._default_citation = f"imported from {Path(origin).name}"
        # Imported records mostly share one citation and day: one frozen Source each.
        self._imported: dict[tuple[str, date], Source] = {}

    def _source(self, record: Mapping[str, Any], where: str) -> Source:
        verified = record.get("verified")
        if "source" in record:
            return self.sources.resolve(
                record["source"], where=where, verified=verified if verified is False else None
            )
        props = record.get("properties") or {}
        citation = _first(props, "sourceUrl") or _first(props, "publisher")
        citation = citation or self._default_citation
        day = None
        for key in ("modifiedAt", "retrievedAt"):
            if props.get(key):
                day = day or parse_date(_first(props, key), where=where)
        for key in ("last_change", "last_seen", "first_seen"):
            if record.get(key):
                day = day or parse_date(record.get(key), where=where)
        day = day or self.default_day
        source = self._imported.get((citation, day))
        if source is None:
            source = Source(citation, day, verified=False, note="imported")
            self._imported[citation, day] = source
        return source

    def read(self, record: Mapping[str, Any], *, where: str, out: FtmRecords) -> None:
        """Add what one FtM record says to `out`; unknown schemata are counted as skipped."""
        entity_id = record.get("id")
        schema = record.get("schema")
        props = record.get("properties")
        if not isinstance(entity_id, str) or not entity_id:
            raise KnowledgeError(f"{where}: record has no 'id'.")
        if not isinstance(schema, str) or not isinstance(props, Mapping):
            raise KnowledgeError(f"{where}: record {entity_id!r} needs 'schema' and 'properties'.")
        handler = _HANDLERS.get(schema)
        if handler is None:
            out.skipped.append(f"{where}: schema {schema} is not used for screening")
            return
        for name, values in props.items():
            if not isinstance(values, list) or not all(
                isinstance(v, str | int | float) and not isinstance(v, bool) for v in values
            ):
                raise KnowledgeError(
                    f"{where}: property {name!r} of {entity_id!r} must be a list of strings."
                )
        handler(self, entity_id, schema, props, self._source(record, where), where, out, record)


def _entity(
    reader: FtmReader,
    entity_id: str,
    schema: str,
    props: Mapping[str, list[str]],
    source: Source,
    where: str,
    out: FtmRecords,
    record: Mapping[str, Any],
) -> None:
    names = _cleaned(props.get("name"))
    if not names:
        raise KnowledgeError(f"{where}: entity {entity_id!r} has no name.")
    previous = _cleaned(props.get("previousName"))
    weak = _cleaned(props.get("weakAlias"))
    aliases = _values(props, "alias", "abbreviation")
    all_names = tuple(dict.fromkeys((*names, *aliases, *previous, *weak)))
    countries = tuple(
        c.lower() for c in _values(props, "jurisdiction", "country", "mainCountry")
    )
    kept = {k: tuple(map(str, vs)) for k, vs in props.items() if vs}
    out.entities.append(
        Entity(
            id=entity_id,
            schema=schema,
            name=names[0],
            names=all_names,
            countries=countries,
            source=source,
            previous_names=previous,
            weak_names=weak,
            keywords=_cleaned(props.get("keywords")),
            properties=MappingProxyType(kept),
            origin=reader.origin,
        )
    )
    for parent in _cleaned(props.get("parent")):
        out.links.append(
            Link(
                id=f"{entity_id}>parent>{parent}",
                kind=LinkKind.subsidiary_of,
                subject=entity_id,
                object=parent,
                source=source,
                role="parent",
            )
        )


def _dates(props: Mapping[str, list[str]], where: str) -> tuple[date | None, date | None]:
    start = parse_date(_first(props, "startDate") or _first(props, "date"), where=where)
    end = parse_date(_first(props, "endDate"), where=where)
    return start, end


def _link(
    reader: FtmReader,
    entity_id: str,
    schema: str,
    props: Mapping[str, list[str]],
    source: Source,
    where: str,
    out: FtmRecords,
    record: Mapping[str, Any],
) -> None:
    role = _first(props, "role")
    start, end = _dates(props, where)
    percentage = None
    if schema == "Ownership":
        subject, obj = _first(props, "asset"), _first(props, "owner")
        text = f"{role} {_first(props, 'ownershipType')}".lower()
        kind = LinkKind.controlled_by if "control" in text else LinkKind.owned_by
        raw_pct = _first(props, "percentage").rstrip("%")
        try:
            percentage = float(raw_pct) if raw_pct else None
        except ValueError:
            raise KnowledgeError(f"{where}: percentage {raw_pct!r} is not a number.") from None
    elif schema == "Succession":
        subject, obj = _first(props, "successor"), _first(props, "predecessor")
        kind = LinkKind.successor_of
    else:
        subject, obj = _first(props, "subject"), _first(props, "object")
        kind = role_kind(role) or LinkKind.associated_with
    if not subject or not obj:
        raise KnowledgeError(f"{where}: {schema} {entity_id!r} needs both ends.")
    out.links.append(
        Link(
            id=entity_id,
            kind=kind,
            subject=subject,
            object=obj,
            source=source,
            start=start,
            end=end,
            percentage=percentage,
            role=role,
            disputed=str(record.get("disputed") or ""),
        )
    )


def _sanction(
    reader: FtmReader,
    entity_id: str,
    schema: str,
    props: Mapping[str, list[str]],
    source: Source,
    where: str,
    out: FtmRecords,
    record: Mapping[str, Any],
) -> None:
    target = _first(props, "entity")
    list_id = _first(props, "programId") or _first(props, "program") or _first(props, "authority")
    if not target or not list_id:
        raise KnowledgeError(f"{where}: Sanction {entity_id!r} needs an entity and a programId.")
    start, end = _dates(props, where)
    out.designations.append(
        Designation(
            id=entity_id,
            entity_id=target,
            list_id=list_id,
            source=source,
            listed=parse_date(_first(props, "listingDate"), where=where),
            start=start,
            end=end,
            reason=_first(props, "reason"),
            provisions=_first(props, "provisions"),
        )
    )


_Handler = Callable[
    [FtmReader, str, str, Mapping[str, list[str]], Source, str, FtmRecords, Mapping[str, Any]],
    None,
]
_HANDLERS: dict[str, _Handler] = {
    **{name: _entity for name in ENTITY_SCHEMATA},
    **{name: _link for name in LINK_SCHEMATA},
    "Sanction": _sanction,
}


def iter_json_lines(
    lines: Iterable[bytes], label: str, first: int = 1
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, record) for each non-blank line; a bad line names `label` (the
    file or import) and the line."""
    for number, raw in enumerate(lines, start=first):
        if not raw.strip():
            continue
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise KnowledgeError(f"not valid JSON ({error})", path=label, line=number) from None
        if not isinstance(record, dict):
            raise KnowledgeError("each line must be a JSON object", path=label, line=number)
        yield number, record


def read_ftm(
    handle: BinaryIO,
    sources: SourceRegistry,
    *,
    label: str,
    origin: str,
    default_day: date,
) -> FtmRecords:
    """Read FtM JSON lines (or one JSON array) from an open binary stream into `FtmRecords`;
    errors name `label` and the line."""
    reader = FtmReader(origin, sources, default_day=default_day)
    out = FtmRecords()
    prefix = f"{label}, line "
    with paused_gc():
        for number, record in _records(handle, label):
            reader.read(record, where=prefix + str(number), out=out)
    return out


def read_ftm_file(
    path: Path, sources: SourceRegistry, *, origin: str, default_day: date
) -> FtmRecords:
    """Read one FtM JSON-lines file (or a JSON array file) into `FtmRecords`."""
    try:
        with path.open("rb") as handle:
            return read_ftm(
                handle, sources, label=str(path), origin=origin, default_day=default_day
            )
    except OSError as error:
        raise KnowledgeError(f"cannot read file ({error.strerror})", path=str(path)) from None


def _records(handle: BinaryIO, label: str) -> Iterable[tuple[int, dict[str, Any]]]:
    head = handle.readline()
    if head.lstrip().startswith(b"["):
        try:
            data = orjson.loads(head + handle.read())
        except orjson.JSONDecodeError as error:
            raise KnowledgeError(f"not valid JSON ({error})", path=label) from None
        if not isinstance(data, list):
            raise KnowledgeError("a JSON file must hold one array of records", path=label)
        return ((i + 1, r) for i, r in enumerate(data))
    return iter_json_lines(itertools.chain((head,), handle), label)
