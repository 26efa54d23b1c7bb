"""`dronevet kb`: check the knowledge base, import FtM data, and show what it knows about an entity.

Commands: `check` (validate the built-in data and the imports; exit 3 on errors),
`import FILE` (validate an FtM file with followthemoney, then add it to the imports, all or
nothing), `list-imports`, `remove-import NAME`, and `show ENTITY`. Imports are kept in the
store's database (the SQLite file in `$DRONEVET_HOME`, or `DRONEVET_DATABASE_URL`); each
import and removal is written to the audit log. `check` and `import` need the optional
FollowTheMoney model: `pip install 'dronevet[ftm]'`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dronevet.commands.common import (
    FORMAT_HELP,
    TextOrJson,
    existing_file,
    guarded,
    say,
    write_json,
)
from dronevet.errors import BadInputError, KnowledgeError

if TYPE_CHECKING:
    from rich.text import Text

    from dronevet.knowledge.imports import ImportStore
    from dronevet.knowledge.validate import Problem

app = typer.Typer(
    help="The knowledge base: check it, import FtM data (e.g. OpenSanctions), show an entity.",
    no_args_is_help=True,
)

FormatOption = Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)]
WithImports = Annotated[
    bool, typer.Option("--with-imports/--no-imports", help="Include the imported FtM files.")
]


def _store() -> ImportStore:
    from dronevet.api import import_store
    from dronevet.commands.fleet import actor
    from dronevet.settings import Settings

    return import_store(Settings.from_env(), actor=actor())


def _print_problems(label: str, style: str, problems: tuple[Problem, ...]) -> None:
    if not problems:
        return
    say((f"{len(problems)} {label}", f"bold {style}"))
    for problem in problems:
        say(f"  {problem}")


@app.command("check")
@guarded
def check(with_imports: WithImports = True, fmt: FormatOption = TextOrJson.text) -> None:
    """Validate the knowledge base: FtM model, references, sources, dates, counts."""
    from dronevet.knowledge.validate import check_builtin, with_imports_checked

    report = check_builtin()
    if with_imports and report.ok:
        report = with_imports_checked(report, _store())
    if fmt is TextOrJson.json:
        write_json(report.to_dict())
    else:
        counts = ", ".join(f"{n} {key.replace('_', ' ')}" for key, n in report.counts.items())
        say(f"Knowledge base: {counts or 'not loadable'}")
        _print_problems("error(s)", "red", report.errors)
        _print_problems("warning(s)", "yellow", report.warnings)
        if report.ok:
            say(("OK", "bold green"))
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
    fmt: FormatOption = TextOrJson.text,
) -> None:
    """Validate an FtM file with followthemoney and add it to the knowledge base, all or nothing.

    An import may add entities, links and designations, and link to built-in entities; it may
    not redefine an entity the knowledge base already holds (it is refused, naming the id).
    A file may be up to 512 MiB.
    """
    from dronevet.knowledge.imports import check_size, clashing_ids, import_name, with_imports
    from dronevet.knowledge.loader import load_builtin
    from dronevet.knowledge.validate import validate_ftm_file

    check_size(existing_file(file).stat().st_size, str(file))
    store = _store()
    stored_name = import_name(file, name)
    kb = with_imports(load_builtin(), store, skip=stored_name)
    report = validate_ftm_file(file, sources=kb.sources, known_ids=frozenset(kb.entities))
    if report.ok and not report.records and not report.skipped:
        raise BadInputError(f"{file} holds no FtM records; nothing was imported.")
    if report.errors:
        first = report.errors[0]
        more = f" ({len(report.errors) - 1} more bad records)" if len(report.errors) > 1 else ""
        raise KnowledgeError(
            f"{first.message}{more}; nothing was imported.", path=first.path, line=first.line
        )
    clashes = clashing_ids(kb, report.entity_ids)
    if clashes:
        raise KnowledgeError(
            f"it redefines entities the knowledge base holds already ({', '.join(clashes)}); "
            "an import may link to them but not replace them. Give the records other ids. "
            "Nothing was imported.",
            path=str(file),
        )
    saved = store.save(stored_name, file, replace=replace)
    stored, replaced = saved.stored, saved.replaced
    if fmt is TextOrJson.json:
        write_json({**report.to_dict(), "stored_as": stored.name, "location": stored.location,
                    "sha256": stored.sha256, "replaced": replaced is not None})  # fmt: skip
        return
    instead = "" if replaced is None else ", replacing the earlier import of that name"
    say(
        f"Imported {stored.name}{instead}: {report.entities} entities, {report.links} links, "
        f"{report.designations} designations (kept in the database {store.location})."
    )
    if report.skipped:
        say(f"Skipped {len(report.skipped)} records not used for screening:")
        for line in report.skipped[:10]:
            say(f"  {line}")
    _print_problems("warning(s)", "yellow", report.warnings)


@app.command("list-imports")
@guarded
def list_imports(fmt: FormatOption = TextOrJson.text) -> None:
    """List the FtM files added with `kb import`."""
    store = _store()
    files = store.list()
    if fmt is TextOrJson.json:
        write_json([{"name": f.name, "location": f.location, "size": f.size,
                     "sha256": f.sha256} for f in files])  # fmt: skip
        return
    if not files:
        say(f"No imports in the database {store.location}.")
    for item in files:
        say(item.name, (f"  {item.size} bytes", "dim"))


@app.command("remove-import")
@guarded
def remove_import(name: Annotated[str, typer.Argument(help="Name shown by list-imports.")]) -> None:
    """Remove an imported FtM file."""
    removed = _store().remove(name)
    say(f"Removed {removed.name}.")


def _print_entity(data: dict[str, Any]) -> None:
    say((data["name"], "bold"), (f" ({data['id']}, {data['schema']})", "dim"))
    say("  source: ", _source_text_of(data["source"]))
    if len(data["names"]) > 1:
        say("  also known as: " + "; ".join(data["names"][1:]))
    say("  countries: " + (", ".join(data["countries"]) or "unknown"))
    if data["laws"]:
        say("  direction laws in force: " + ", ".join(data["laws"]))
    if data["links"]:
        say(("Links", "bold"))
    for item in data["links"]:
        if item["direction"] == "outgoing":
            arrow = f"{item['kind']} -> {item['other_name']}"
        else:
            arrow = f"{item['other_name']} {item['kind']} this"
        dates = ""
        if item["start"] or item["end"]:
            dates = f" [{item['start'] or '…'} – {item['end'] or '…'}]"
        pct = f" {item['percentage']:g}%" if item["percentage"] is not None else ""
        say(f"  {arrow}{pct}{dates}: {item['role']}")
        if item["disputed"]:
            say(("    disputed", "bold yellow"), f": {item['disputed']}")
        say("    source: ", _source_text_of(item["source"]))
    if data["designations"]:
        say(("Designations", "bold"))
    for item in data["designations"]:
        state = "in force" if item["active"] else "not in force today"
        since = item["start"] or item["listed"]
        until = f" until {item['end']}" if item["end"] else ""
        say(f"  {item['list_title']} ({item['nature']}) from {since}{until}, {state}")
        if item["reason"]:
            say(f"    {item['reason']}")
        say("    source: ", _source_text_of(item["source"]))
    if data["products"]:
        say(("Products", "bold"), ": " + ", ".join(data["products"]))


def _source_text_of(source: dict[str, Any]) -> Text:
    from rich.text import Text

    return Text.assemble(
        (f"{source['citation']} ({source['date']})", "dim"),
        ("" if source["verified"] else " UNVERIFIED", "bold yellow"),
    )


@app.command("show")
@guarded
def show(
    entity_id: Annotated[str, typer.Argument(help="Entity id (e.g. dji) or an exact name.")],
    with_imports: WithImports = True,
    fmt: FormatOption = TextOrJson.text,
) -> None:
    """Show an entity: names, countries, links, designations, each with source and date."""
    from dronevet.api import load_knowledge
    from dronevet.knowledge.loader import load_builtin
    from dronevet.knowledge.views import entity_dict, find_entity

    kb = load_knowledge() if with_imports else load_builtin()
    data = entity_dict(kb, find_entity(kb, entity_id), date.today())
    if fmt is TextOrJson.json:
        write_json(data)
    else:
        _print_entity(data)
