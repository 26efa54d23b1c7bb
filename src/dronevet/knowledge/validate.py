"""The checks behind `dronevet kb check` and `dronevet kb import`.

`check_directory` validates a knowledge-base directory (the built-in `data/` or a copy):
every FtM record against the real FollowTheMoney model, referential integrity (links,
designations and product makers point to known entities; designations and product list
statuses name declared lists), sources with dates, unique ids, sane dates, the products
other parts of dronevet rely on, and counts (including how many facts are unverified).

`validate_ftm_file` checks a user's FtM file (JSON lines or a JSON array) before it is
imported: each record must be valid FtM and readable by `ftm.py`; every problem names the
file and line. This module is the only one that imports `followthemoney` (about a second to
import), so loading the knowledge base stays fast.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from dronevet.errors import DronevetError, KnowledgeError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.ftm import ENTITY_SCHEMATA, LINK_SCHEMATA, FtmReader, FtmRecords
from dronevet.knowledge.imports import ImportStore
from dronevet.knowledge.loader import load_from, read_yaml
from dronevet.knowledge.model import Source
from dronevet.knowledge.sources import SourceRegistry, parse_date

REQUIRED_PRODUCTS = (
    "dji-mavic-3-enterprise",
    "dji-mavic-3-thermal",
    "dji-matrice-30t",
    "dji-matrice-300-rtk",
    "dji-matrice-350-rtk",
    "dji-mini-4-pro",
    "dji-avata-2",
    "autel-evo-ii-dual-640t",
    "autel-evo-max-4t",
    "anzu-raptor-t",
    "skydio-x2d",
    "skydio-x10d",
    "parrot-anafi-usa",
    "teal-black-widow",
    "freefly-astro",
    "inspired-flight-if800",
    "brinc-lemur-2",
)
MIN_PRODUCTS = 40
EARLIEST = date(1900, 1, 1)
FAR_FUTURE = timedelta(days=5 * 366)
_TOP_KEY = re.compile(r"^([^\s#][^:]*):")
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding, with the file and line (or item) where it is."""

    message: str
    path: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = ", ".join(p for p in (self.path, f"line {self.line}" if self.line else "") if p)
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "path": self.path, "line": self.line}


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What `kb check` found: errors (the data is wrong), warnings, and counts."""

    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    counts: Mapping[str, int]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "counts": dict(self.counts),
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }


@dataclass(frozen=True, slots=True)
class FtmFileReport:
    """What an FtM file holds, per kind, and what is wrong with it (line by line)."""

    path: str
    records: int
    entities: int
    links: int
    designations: int
    skipped: tuple[str, ...]
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()
    entity_ids: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "records": self.records,
            "entities": self.entities,
            "links": self.links,
            "designations": self.designations,
            "skipped": list(self.skipped),
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }


# --------------------------------------------------------------------------- FtM records


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise KnowledgeError(f"cannot read file ({error.strerror})", path=str(path)) from None


def _numbered_records(data: bytes) -> Iterator[tuple[int, Any, str | None]]:
    """Yield (line, record, error) for each record: JSON lines, or a JSON array (item numbers)."""
    if data.lstrip()[:1] == b"[":
        try:
            items = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            yield 1, None, f"not valid JSON ({error})"
            return
        for index, item in enumerate(items, start=1):
            yield index, item, None
        return
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw), None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            yield number, None, f"not valid JSON ({error})"


def _shape_problem(record: Any) -> str | None:
    """Why a record is not an FtM entity object, or None when its shape is right."""
    if not isinstance(record, dict):
        return "each record must be a JSON object"
    if not isinstance(record.get("id"), str) or not record["id"].strip():
        return "record has no 'id'"
    if not isinstance(record.get("schema"), str):
        return f"record {record['id']!r} has no 'schema'"
    props = record.get("properties")
    if not isinstance(props, dict):
        return f"record {record['id']!r} has no 'properties' object"
    for name, values in props.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return f"record {record['id']!r}: property {name!r} must be a list of strings"
    return None


def _ftm() -> Any:
    """The followthemoney package, or a clear error saying how to install it."""
    try:
        import followthemoney
    except ImportError:
        raise DronevetError(
            "Checking data against the FollowTheMoney model needs the followthemoney package; "
            "install it with: pip install 'dronevet[ftm]'."
        ) from None
    return followthemoney


def ftm_problems(record: Mapping[str, Any]) -> list[str]:
    """Problems of one well-shaped record against the FollowTheMoney model.

    Stricter than `model.get_proxy`, which drops unknown properties silently: the schema
    must exist and be concrete, every property must belong to it, and every value must
    validate for its property type. (Values are not cleaned: FtM's country cleaning builds
    a fuzzy name index that takes seconds, and dronevet wants codes, not names, anyway.)
    """
    model, registry = _ftm().model, _ftm().registry

    schema = model.get(record["schema"])
    if schema is None:
        return [f"{record['schema']!r} is not an FtM schema"]
    if schema.abstract:
        return [f"{schema.name} is an abstract FtM schema; use a concrete one"]
    problems = []
    for name, values in record["properties"].items():
        prop = schema.get(name)
        if prop is None:
            problems.append(f"{schema.name} has no property {name!r}")
            continue
        for value in values:
            if prop.type is registry.entity or prop.type.validate(value):
                continue
            problems.append(f"{schema.name}.{name}: {value!r} is not a valid {prop.type.name}")
    return problems


def _entity_refs(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(property, entity id) pairs a record refers to."""
    model, registry = _ftm().model, _ftm().registry

    schema = model.get(record["schema"])
    refs: list[tuple[str, str]] = []
    for name, values in record["properties"].items():
        prop = schema.get(name) if schema else None
        if prop is not None and prop.type is registry.entity:
            refs.extend((name, value) for value in values)
    return refs


def _kind(schema: str) -> str:
    if schema in ENTITY_SCHEMATA:
        return "entities"
    if schema in LINK_SCHEMATA:
        return "links"
    return "designations" if schema == "Sanction" else "other"


def validate_ftm_file(
    path: Path | str,
    *,
    sources: SourceRegistry | None = None,
    known_ids: frozenset[str] = frozenset(),
    data: bytes | None = None,
) -> FtmFileReport:
    """Check an FtM file for import: valid FtM, readable by dronevet, references resolvable.

    `known_ids` are entity ids already in the knowledge base: references to them are fine,
    references to ids in neither place are warnings (the link is kept but leads nowhere).
    `data` is the file's content when it is not read from `path` (a stored import), in
    which case `path` only names it in messages.
    """
    content = _read(Path(path)) if data is None else data
    registry = sources or SourceRegistry({})
    reader = FtmReader(str(path), registry, default_day=date.today())
    out = FtmRecords()
    errors: list[Problem] = []
    seen: dict[str, int] = {}
    refs: list[tuple[int, str, str]] = []
    counts: Counter[str] = Counter()
    for line, record, parse_error in _numbered_records(content):
        problem = parse_error or _shape_problem(record)
        if problem is None:
            found = ftm_problems(record)
            problem = "; ".join(found) if found else None
        if problem is None:
            try:
                reader.read(record, where=f"{path}, line {line}", out=out)
            except KnowledgeError as error:
                problem = error.message.removeprefix(f"{path}, line {line}: ")
        if problem is not None:
            errors.append(Problem(problem, str(path), line))
            continue
        record_id = record["id"]
        if record_id in seen:
            errors.append(Problem(f"id {record_id!r} already used on line {seen[record_id]}",
                                  str(path), line))
            continue
        seen[record_id] = line
        counts[_kind(record["schema"])] += 1
        refs.extend((line, prop, target) for prop, target in _entity_refs(record))
    warnings = [
        Problem(f"{prop} refers to {target!r}, which is in neither this file nor the base",
                str(path), line)
        for line, prop, target in refs
        if target not in seen and target not in known_ids
    ]
    return FtmFileReport(
        path=str(path),
        records=sum(counts.values()),
        entities=counts["entities"],
        links=counts["links"],
        designations=counts["designations"],
        skipped=tuple(out.skipped),
        errors=tuple(errors),
        warnings=tuple(warnings),
        entity_ids=tuple(e.id for e in out.entities),
    )


# --------------------------------------------------------------------------- YAML helpers


def _item_lines(path: Path) -> list[int]:
    """Line numbers (1-based) where each item of a top-level YAML sequence starts."""
    try:
        with path.open("rb") as handle:
            node = yaml.compose(handle, Loader=_Loader)
    except (OSError, yaml.YAMLError):
        return []
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]


def _duplicate_top_keys(path: Path) -> list[Problem]:
    """Top-level mapping keys written twice (YAML silently keeps the last one)."""
    first: dict[str, int] = {}
    problems = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _TOP_KEY.match(text)
        if not match or text.startswith("- "):
            continue
        key = match.group(1).strip()
        if key in first:
            message = f"source id {key!r} already defined on line {first[key]}"
            problems.append(Problem(message, str(path), number))
        first.setdefault(key, number)
    return problems


# --------------------------------------------------------------------------- directory check


@dataclass(slots=True)
class _Checker:
    directory: Path
    today: date
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    cited: set[str] = field(default_factory=set)

    def error(self, message: str, path: Path | str, line: int | None = None) -> None:
        self.errors.append(Problem(message, str(path), line))

    def warn(self, message: str, path: Path | str, line: int | None = None) -> None:
        self.warnings.append(Problem(message, str(path), line))

    def cite(self, ref: Any) -> None:
        if isinstance(ref, str):
            self.cited.add(ref)

    def check_date(self, label: str, value: date | None, path: Path, line: int | None) -> None:
        if value is None:
            return
        if value < EARLIEST or value > self.today + FAR_FUTURE:
            self.error(f"{label} {value.isoformat()} is not a plausible date", path, line)

    def check_interval(
        self, label: str, start: date | None, end: date | None, path: Path, line: int | None
    ) -> None:
        self.check_date(f"{label} start", start, path, line)
        self.check_date(f"{label} end", end, path, line)
        if start and end and start > end:
            self.error(f"{label} starts {start} after it ends {end}", path, line)
        if start and start > self.today:
            self.warn(f"{label} starts in the future ({start})", path, line)

    # -- FtM --------------------------------------------------------------------------
    def check_ftm(self, path: Path, lists: set[str]) -> None:
        ids: dict[str, int] = {}
        schemata: dict[str, str] = {}
        refs: list[tuple[int, str, str, str]] = []
        for line, record, parse_error in _numbered_records(_read(path)):
            problem = parse_error or _shape_problem(record)
            if problem:
                self.error(problem, path, line)
                continue
            for found in ftm_problems(record):
                self.error(found, path, line)
            if "source" not in record:
                self.error(f"record {record['id']!r} has no source", path, line)
            else:
                self.cite(record["source"])
            if record["id"] in ids:
                self.error(f"id {record['id']!r} already used on line {ids[record['id']]}",
                           path, line)
            ids[record["id"]] = line
            schemata[record["id"]] = record["schema"]
            refs.extend((line, record["schema"], p, t) for p, t in _entity_refs(record))
            props = record["properties"]
            if record["schema"] == "Sanction":
                program = (props.get("programId") or [""])[0]
                if program not in lists:
                    self.error(f"Sanction names undeclared list {program!r} (see lists.yaml)",
                               path, line)
            if record["schema"] in ENTITY_SCHEMATA and not any(
                props.get(p) for p in ("country", "jurisdiction", "mainCountry")
            ):
                self.warn(f"entity {record['id']!r} has no country", path, line)
            self._check_record_dates(record, path, line)
        for line, schema, prop, target in refs:
            if target not in schemata:
                self.error(f"{schema}.{prop} points to unknown entity {target!r}", path, line)
            elif schemata[target] not in ENTITY_SCHEMATA:
                self.error(f"{schema}.{prop} points to {target!r}, a {schemata[target]}, "
                           "not an entity", path, line)

    def _check_record_dates(self, record: Mapping[str, Any], path: Path, line: int) -> None:
        props = record["properties"]
        where = f"{path}, line {line}"
        try:
            start = parse_date((props.get("startDate") or [None])[0], where=where)
            end = parse_date((props.get("endDate") or [None])[0], where=where)
            listed = parse_date((props.get("listingDate") or [None])[0], where=where)
        except KnowledgeError as error:
            self.error(error.message.removeprefix(where + ": "), path, line)
            return
        label = f"{record['schema']} {record['id']!r}"
        self.check_interval(label, start or listed, end, path, line)

    # -- YAML files -------------------------------------------------------------------
    def _check_ids(self, name: str) -> list[int]:
        """Check each item's source and that no id repeats; return the items' lines."""
        path = self.directory / name
        raw = read_yaml(path) or []
        lines = _item_lines(path)
        seen: dict[str, int] = {}
        for index, item in enumerate(raw):
            line = lines[index] if index < len(lines) else None
            self.cite(item.get("source"))
            item_id = item.get("id")
            if item_id in seen:
                self.error(f"id {item_id!r} already used (item {seen[item_id]})", path, line)
            seen[item_id] = index + 1
        return lines

    def check_lists_and_laws(self, kb: KnowledgeBase) -> None:
        codes = self.directory / "serial_codes.yaml"
        for item in (read_yaml(codes) if codes.exists() else None) or []:
            if isinstance(item, Mapping):
                self.cite(item.get("source"))
        self._check_ids("lists.yaml")
        law_lines = self._check_ids("laws.yaml")
        for index, law in enumerate(kb.laws):
            line = law_lines[index] if index < len(law_lines) else None
            self.check_interval(f"law {law.id!r}", law.start, law.end,
                                self.directory / "laws.yaml", line)

    def check_domains(self, kb: KnowledgeBase) -> None:
        """The domain-ownership table (`domains.yaml`, optional): loadable, and its sources
        count as cited."""
        path = self.directory / "domains.yaml"
        if not path.exists():
            return
        from dronevet.knowledge.domains import load_domains

        for item in read_yaml(path) or []:
            if isinstance(item, Mapping):
                self.cite(item.get("source"))
        try:
            load_domains(kb, path)
        except KnowledgeError as error:
            self.error(error.message, error.path or str(path), error.line)

    def check_products(self, kb: KnowledgeBase) -> None:
        path = self.directory / "products.yaml"
        raw = read_yaml(path) or []
        lines = _item_lines(path)
        for item in raw:
            self._cite_product(item)
        for index, product in enumerate(kb.products.values()):
            line = lines[index] if index < len(lines) else None
            label = f"product {product.id!r}"
            if not product.manufacturer and not product.manufacturer_name:
                self.error(f"{label} names no manufacturer", path, line)
            elif product.manufacturer and product.manufacturer not in kb.entities:
                self.error(f"{label}: manufacturer {product.manufacturer!r} is not an entity",
                           path, line)
            for component in product.components:
                if component.maker and component.maker not in kb.entities:
                    self.error(f"{label}: {component.kind.value} maker {component.maker!r} "
                               "is not an entity", path, line)
            for status in product.list_statuses:
                if status.list_id not in kb.lists:
                    self.error(f"{label}: list status names undeclared list "
                               f"{status.list_id!r}", path, line)
                self.check_interval(f"{label} {status.list_id} status", status.start,
                                    status.end, path, line)
            self.check_date(f"{label} release", product.released, path, line)
        missing = [p for p in REQUIRED_PRODUCTS if p not in kb.products]
        if missing:
            self.error(f"required products missing: {', '.join(missing)}", path)
        if len(kb.products) < MIN_PRODUCTS:
            self.error(f"only {len(kb.products)} products; at least {MIN_PRODUCTS} expected", path)

    def _cite_product(self, item: Any) -> None:
        if not isinstance(item, Mapping):
            return
        self.cite(item.get("source"))
        for part in ("price", "capabilities", "dji_product_type"):
            if isinstance(item.get(part), Mapping):
                self.cite(item[part].get("source"))
        for entry in (item.get("components") or []) + (item.get("list_statuses") or []):
            if isinstance(entry, Mapping):
                self.cite(entry.get("source"))

    def cite_policies(self) -> None:
        """Policies cite sources of this registry too (see `dronevet.policy.loader`)."""
        path = self.directory / "policies.yaml"
        if not path.exists():
            return
        stack: list[Any] = [read_yaml(path)]
        while stack:
            node = stack.pop()
            if isinstance(node, Mapping):
                for key, value in node.items():
                    if key in ("source", "sources"):
                        for ref in value if isinstance(value, list) else [value]:
                            self.cite(ref)
                    stack.append(value)
            elif isinstance(node, list):
                stack.extend(node)

    def check_sources(self, sources: SourceRegistry) -> None:
        path = self.directory / "sources.yaml"
        self.cite_policies()
        self.errors.extend(_duplicate_top_keys(path))
        for key, source in sources.items():
            if source.date > self.today:
                self.error(f"source {key!r} is dated in the future ({source.date})", path)
            if key not in self.cited:
                self.warn(f"source {key!r} is never cited", path)
            blanket = _not_a_document(source.citation)
            if blanket:
                self.error(f"source {key!r} cites {blanket}, not a specific document", path)


_NOT_DOCUMENTS = (
    ("research note", "the project's own research notes"),
    ("dronevet research", "the project's own research notes"),
    ("general knowledge", "general knowledge"),
    ("makers' own websites", "makers' websites in general"),
    ("makers' published specification pages", "makers' websites in general"),
    ("maker websites and press releases", "makers' websites in general"),
)


def _not_a_document(citation: str) -> str:
    """What a citation names instead of a document (the project's notes, 'makers'
    websites'), or '' for a citation of a specific document."""
    lowered = citation.casefold()
    return next((what for needle, what in _NOT_DOCUMENTS if needle in lowered), "")


def _unverified(kb: KnowledgeBase) -> int:
    """How many facts in the base carry an unverified source."""
    facts: list[Source | None] = [e.source for e in kb.entities.values()]
    facts += [link.source for link in kb.links]
    facts += [d.source for d in kb.designations]
    facts += [lst.source for lst in kb.lists.values()]
    facts += [law.source for law in kb.laws]
    facts += [code.source for code in kb.serial_codes.values()]
    for product in kb.products.values():
        facts.append(product.source)
        facts += [c.source for c in product.components]
        facts += [s.source for s in product.list_statuses]
        facts.append(product.price.source if product.price else None)
        facts.append(product.capabilities.source)
    return sum(1 for source in facts if source is not None and not source.verified)


def _counts(kb: KnowledgeBase) -> dict[str, int]:
    return {
        "sources": len(kb.sources),
        "lists": len(kb.lists),
        "laws": len(kb.laws),
        "entities": len(kb.entities),
        "links": len(kb.links),
        "designations": len(kb.designations),
        "products": len(kb.products),
        "components": sum(len(p.components) for p in kb.products.values()),
        "unverified_facts": _unverified(kb),
    }


def check_directory(directory: Path, *, today: date | None = None) -> CheckReport:
    """Run every check on a knowledge-base directory and report what it found."""
    checker = _Checker(directory, today or date.today())
    try:
        sources = SourceRegistry.from_mapping(
            read_yaml(directory / "sources.yaml"), where=str(directory / "sources.yaml")
        )
    except KnowledgeError as error:
        checker.error(error.message, error.path or str(directory / "sources.yaml"), error.line)
        return CheckReport(tuple(checker.errors), (), {})
    lists_raw = read_yaml(directory / "lists.yaml") or []
    declared = {str(item.get("id")) for item in lists_raw if isinstance(item, Mapping)}
    checker.check_ftm(directory / "entities.ftm.jsonl", declared)
    try:
        kb = load_from(directory)
    except KnowledgeError as error:
        # An FtM problem the line-by-line check already reported stops the loader too.
        if not (checker.errors and "entities.ftm.jsonl" in str(error)):
            checker.error(error.message, error.path or "", error.line)
        return CheckReport(tuple(checker.errors), tuple(checker.warnings), {})
    checker.check_lists_and_laws(kb)
    checker.check_products(kb)
    checker.check_domains(kb)
    checker.check_sources(sources)
    return CheckReport(tuple(checker.errors), tuple(checker.warnings), _counts(kb))


def check_builtin() -> CheckReport:
    """`check_directory` on the built-in data files."""
    from dronevet.knowledge.loader import data_dir

    return check_directory(data_dir())



def with_imports_checked(report: CheckReport, store: ImportStore) -> CheckReport:
    """`report` plus the problems of each stored import, checked against the built-in base
    and the imports before it; an import that redefines a held entity is an error."""
    from dronevet.knowledge.loader import load_builtin

    kb = load_builtin()
    known = set(kb.entities)
    errors, warnings = list(report.errors), list(report.warnings)
    records = 0
    items = store.contents()
    for item, data in items:
        label = item.location
        checked = validate_ftm_file(
            label, sources=kb.sources, known_ids=frozenset(known), data=data
        )
        errors += checked.errors
        warnings += checked.warnings
        records += checked.records
        held = sorted(known.intersection(checked.entity_ids))
        if held:
            errors.append(
                Problem(
                    f"redefines entities held already ({', '.join(held)}); those records are "
                    "left out when the knowledge base loads",
                    label,
                )
            )
        known.update(checked.entity_ids)
    counts = {**report.counts, "imported_files": len(items), "imported_records": records}
    return CheckReport(tuple(errors), tuple(warnings), counts)
