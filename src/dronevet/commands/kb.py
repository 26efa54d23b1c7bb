"""`dronevet kb`: check the knowledge base, import FtM data, and show what it knows about an entity.

Commands: `check` (validate the built-in data; exit 3 on errors), `import FILE` (validate an
FtM file with followthemoney, then add it to the imports directory, all or nothing),
`list-imports`, `remove-import NAME`, and `show ENTITY_ID`. JSON output is the stable
contract. Heavy modules (followthemoney, the loader) are imported inside the commands.
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dronevet.commands.common import OutputFormat, console, guarded, text_or_json, write_json
from dronevet.errors import BadInputError, KnowledgeError, UnknownNameError

if TYPE_CHECKING:
    from dronevet.knowledge.loader import KnowledgeBase
    from dronevet.knowledge.model import Entity, Source
    from dronevet.knowledge.validate import Problem

app = typer.Typer(
    help="The knowledge base: check it, import FtM data (e.g. OpenSanctions), show an entity.",
    no_args_is_help=True,
)

FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="text for people, json for scripts.")
]


def _source_json(source: Source) -> dict[str, Any]:
    return {
        "citation": source.citation,
        "date": source.date.isoformat(),
        "verified": source.verified,
        "note": source.note,
    }


def _source_text(source: Source) -> str:
    mark = "" if source.verified else " [bold yellow]UNVERIFIED[/]"
    return f"[dim]{source.citation} ({source.date.isoformat()})[/]{mark}"


def _print_problems(label: str, style: str, problems: tuple[Problem, ...]) -> None:
    if not problems:
        return
    console.print(f"[bold {style}]{len(problems)} {label}[/]")
    for problem in problems:
        console.print(f"  {problem}", highlight=False, markup=False)


@app.command("check")
@guarded
def check(
    with_imports: Annotated[
        bool, typer.Option("--with-imports/--no-imports", help="Also check imported FtM files.")
    ] = True,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Validate the knowledge base: FtM model, references, sources, dates, counts."""
    text_or_json(output)
    from dronevet.knowledge.imports import imported_files
    from dronevet.knowledge.validate import check_builtin, with_imports_checked

    report = check_builtin()
    if with_imports and report.ok:
        report = with_imports_checked(report, imported_files())
    if output is OutputFormat.json:
        write_json(report.to_dict())
    else:
        counts = ", ".join(f"{n} {key.replace('_', ' ')}" for key, n in report.counts.items())
        console.print(f"Knowledge base: {counts or 'not loadable'}", highlight=False)
        _print_problems("error(s)", "red", report.errors)
        _print_problems("warning(s)", "yellow", report.warnings)
        if report.ok:
            console.print("[bold green]OK[/]")
    if not report.ok:
        raise typer.Exit(code=3)


@app.command("import")
@guarded
def import_file(
    file: Annotated[Path, typer.Argument(help="FtM JSON lines (or a JSON array) to add.")],
    name: Annotated[
        str | None, typer.Option("--name", help="Name to keep it under (default: the file's).")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite an earlier import of the same name.")
    ] = False,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Validate an FtM file with followthemoney and add it to the knowledge base, all or nothing."""
    text_or_json(output)
    from dronevet.knowledge.imports import import_name, imported_files, store_import
    from dronevet.knowledge.loader import load
    from dronevet.knowledge.validate import validate_ftm_file

    if not file.is_file():
        raise BadInputError(f"{file} is not a file.")
    stored_name = import_name(file, name)
    others = [p for p in imported_files() if p.name != stored_name]
    kb = load(others)
    report = validate_ftm_file(file, sources=kb.sources, known_ids=frozenset(kb.entities))
    if report.ok and not report.records and not report.skipped:
        raise BadInputError(f"{file} holds no FtM records; nothing was imported.")
    if report.errors:
        first = report.errors[0]
        more = f" ({len(report.errors) - 1} more bad records)" if len(report.errors) > 1 else ""
        raise KnowledgeError(
            f"{first.message}{more}; nothing was imported.", path=first.path, line=first.line
        )
    replaced = sorted(entity_id for entity_id in report.entity_ids if entity_id in kb.entities)
    target = store_import(file, stored_name, replace=replace)
    result = {
        **report.to_dict(),
        "stored_as": target.name,
        "replaces_entities": replaced,
    }
    if output is OutputFormat.json:
        write_json(result)
        return
    console.print(
        f"Imported {target.name}: {report.entities} entities, {report.links} links, "
        f"{report.designations} designations.",
        highlight=False,
    )
    if report.skipped:
        console.print(f"Skipped {len(report.skipped)} records not used for screening:")
        for line in report.skipped[:10]:
            console.print(f"  {line}", highlight=False, markup=False)
    _print_problems("warning(s)", "yellow", report.warnings)
    if replaced:
        console.print(f"Replaces known entities: {', '.join(replaced)}", highlight=False)


@app.command("list-imports")
@guarded
def list_imports(output: FormatOption = OutputFormat.text) -> None:
    """List the FtM files added with `kb import`."""
    text_or_json(output)
    from dronevet.knowledge.imports import imports_dir
    from dronevet.knowledge.imports import list_imports as listed

    files = listed()
    if output is OutputFormat.json:
        write_json([{"name": f.name, "path": str(f.path), "size": f.size} for f in files])
        return
    if not files:
        console.print(f"No imports in {imports_dir()}.", highlight=False)
    for item in files:
        console.print(f"{item.name}  [dim]{item.size} bytes[/]", highlight=False)


@app.command("remove-import")
@guarded
def remove_import(name: Annotated[str, typer.Argument(help="Name shown by list-imports.")]) -> None:
    """Remove an imported FtM file."""
    from dronevet.knowledge.imports import remove_import as remove

    path = remove(name)
    console.print(f"Removed {path.name}.", highlight=False)


def _find_entity(kb: KnowledgeBase, entity_id: str) -> Entity:
    if entity_id in kb.entities:
        return kb.entities[entity_id]
    lowered = entity_id.casefold()
    by_name = [e for e in kb.entities.values() if lowered in (n.casefold() for n in e.names)]
    if len(by_name) == 1:
        return by_name[0]
    close = difflib.get_close_matches(entity_id, list(kb.entities), n=3)
    raise UnknownNameError(f"no entity with id {entity_id!r}.", suggestions=tuple(close))


def entity_json(kb: KnowledgeBase, entity: Entity, today: date) -> dict[str, Any]:
    """An entity with its names, links, designations and products (the `kb show` contract)."""

    links = []
    for direction, found in (("from", kb.links_from.get(entity.id, [])),
                             ("to", kb.links_to.get(entity.id, []))):
        for link in found:
            other = link.object if direction == "from" else link.subject
            links.append({
                "id": link.id,
                "kind": link.kind.value,
                "direction": "outgoing" if direction == "from" else "incoming",
                "subject": link.subject,
                "object": link.object,
                "other": other,
                "other_name": kb.name_of(other),
                "role": link.role,
                "percentage": link.percentage,
                "start": link.start,
                "end": link.end,
                "active": link.active_on(today),
                "disputed": link.disputed,
                "source": _source_json(link.source),
            })
    designations = [
        {
            "id": d.id,
            "list": d.list_id,
            "list_title": kb.list_title(d.list_id),
            "nature": kb.list_nature(d.list_id).value,
            "listed": d.listed,
            "start": d.start,
            "end": d.end,
            "active": d.active_on(today),
            "reason": d.reason,
            "source": _source_json(d.source),
        }
        for d in kb.designations_of.get(entity.id, [])
    ]
    return {
        "id": entity.id,
        "schema": entity.schema,
        "name": entity.name,
        "names": list(entity.names),
        "countries": list(entity.countries),
        "origin": entity.origin,
        "source": _source_json(entity.source),
        "links": links,
        "designations": designations,
        "products": [p.id for p in kb.products_by(entity.id)],
        "laws": [law.id for c in entity.countries for law in kb.laws_on(c, today)],
    }


def _print_entity(data: dict[str, Any], kb: KnowledgeBase, entity: Entity) -> None:
    console.print(f"[bold]{data['name']}[/] [dim]({data['id']}, {data['schema']})[/]")
    console.print(f"  source: {_source_text(entity.source)}", highlight=False)
    if len(data["names"]) > 1:
        console.print("  also known as: " + "; ".join(data["names"][1:]), highlight=False)
    console.print("  countries: " + (", ".join(data["countries"]) or "unknown"), highlight=False)
    if data["laws"]:
        console.print("  direction laws in force: " + ", ".join(data["laws"]), highlight=False)
    links = kb.links_from.get(entity.id, []) + kb.links_to.get(entity.id, [])
    if links:
        console.print("[bold]Links[/]")
    for item, link in zip(data["links"], links, strict=True):
        arrow = f"{item['kind']} -> {item['other_name']}" if item["direction"] == "outgoing" \
            else f"{item['other_name']} {item['kind']} this"
        dates = f" [{item['start'] or '…'} – {item['end'] or '…'}]" if (
            item["start"] or item["end"]) else ""
        pct = f" {item['percentage']:g}%" if item["percentage"] is not None else ""
        console.print(f"  {arrow}{pct}{dates}: {item['role']}", highlight=False, markup=False)
        if item["disputed"]:
            console.print(f"    [bold yellow]disputed[/]: {item['disputed']}", highlight=False)
        console.print(f"    source: {_source_text(link.source)}", highlight=False)
    designations = kb.designations_of.get(entity.id, [])
    if designations:
        console.print("[bold]Designations[/]")
    for item, designation in zip(data["designations"], designations, strict=True):
        state = "in force" if item["active"] else "not in force today"
        since = item["start"] or item["listed"]
        until = f" until {item['end']}" if item["end"] else ""
        console.print(
            f"  {item['list_title']} ({item['nature']}) from {since}{until}, {state}",
            highlight=False,
            markup=False,
        )
        if item["reason"]:
            console.print(f"    {item['reason']}", highlight=False, markup=False)
        console.print(f"    source: {_source_text(designation.source)}", highlight=False)
    if data["products"]:
        console.print("[bold]Products[/]: " + ", ".join(data["products"]), highlight=False)


@app.command("show")
@guarded
def show(
    entity_id: Annotated[str, typer.Argument(help="Entity id (e.g. dji) or an exact name.")],
    with_imports: Annotated[
        bool, typer.Option("--with-imports/--no-imports", help="Include imported FtM files.")
    ] = True,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Show an entity: names, countries, links, designations, each with source and date."""
    text_or_json(output)
    from dronevet.knowledge.imports import imported_files
    from dronevet.knowledge.loader import load

    kb = load(imported_files() if with_imports else ())
    entity = _find_entity(kb, entity_id)
    data = entity_json(kb, entity, date.today())
    if output is OutputFormat.json:
        write_json(data)
    else:
        _print_entity(data, kb, entity)
