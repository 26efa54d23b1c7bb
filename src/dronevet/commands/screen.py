"""`dronevet screen NAME`: resolve a name to a known entity and say whether it is covered.

JSON output (the stable contract):
`{"query", "as_of", "match": {"entity_id", "name", "score"} | null, "status",
"reasons": [{"kind", "text", "source", "date", "verified"}]}`; text output is for people.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dronevet.commands.common import (
    OutputFormat,
    console,
    guarded,
    parse_date,
    screening_status,
    text_or_json,
    write_json,
)
from dronevet.errors import BadInputError

if TYPE_CHECKING:
    from dronevet.knowledge.loader import KnowledgeBase
    from dronevet.screening.model import ScreeningResult

_VERDICTS = {
    "covered": "[bold red]COVERED[/]: a covered foreign entity under the default criteria",
    "review": "[bold yellow]REVIEW[/]: something points to coverage; a person must decide",
    "not_covered": "[bold green]NOT COVERED[/]: nothing known makes it a covered entity",
    "unknown": "[bold]UNKNOWN[/]: not enough is known to decide",
}


def result_json(result: ScreeningResult) -> dict[str, Any]:
    """The JSON form of a screening result (the stable contract)."""
    match = result.match
    return {
        "query": result.query,
        "as_of": result.as_of.isoformat(),
        "match": None
        if match is None
        else {"entity_id": match.entity_id, "name": match.name, "score": match.score},
        "status": result.status.value,
        "chain": list(result.chain),
        "reasons": [
            {
                "kind": r.kind.value,
                "text": r.text,
                "source": r.source.citation if r.source else None,
                "date": r.source.date.isoformat() if r.source else None,
                "verified": r.verified,
            }
            for r in result.reasons
        ],
    }


def print_result(kb: KnowledgeBase, result: ScreeningResult) -> None:
    """Show a screening result to a person: verdict, match, chain, reasons with sources."""
    console.print(f"{result.query!r} on {result.as_of.isoformat()}: {_VERDICTS[result.status]}")
    if result.match:
        m = result.match
        console.print(f"Match: {m.name} [dim]({m.entity_id}, score {m.score:.2f})[/]")
    if len(result.chain) > 1:
        names = [kb.name_of(e) for e in result.chain]
        console.print("Chain: " + " -> ".join(names), highlight=False)
    for reason in result.reasons:
        mark = "" if reason.verified else " [bold yellow]UNVERIFIED[/]"
        console.print(f"- [bold]{reason.kind.value}[/]{mark}: {reason.text}", highlight=False)
        if reason.source:
            console.print(
                f"  [dim]source: {reason.source.citation} ({reason.source.date.isoformat()})[/]",
                highlight=False,
            )


def _knowledge(with_imports: bool) -> KnowledgeBase:
    from dronevet.knowledge.loader import load

    if not with_imports:
        return load()
    from dronevet.knowledge.imports import imported_files

    return load(imported_files())


def register(app: typer.Typer) -> None:
    """Add `dronevet screen` to the application."""

    @app.command("screen")
    @guarded
    def screen_command(
        name: Annotated[str, typer.Argument(help="Company, brand or person name to screen.")],
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="Date to screen on (YYYY-MM-DD).")
        ] = None,
        output: Annotated[
            OutputFormat, typer.Option("--format", help="text or json.")
        ] = OutputFormat.text,
        threshold: Annotated[
            float | None,
            typer.Option("--threshold", help="Minimum match score, 0 to 1 (default 0.80)."),
        ] = None,
        with_imports: Annotated[
            bool,
            typer.Option(
                "--with-imports/--no-imports",
                help="Also screen against FtM files added with `dronevet kb import`.",
            ),
        ] = True,
    ) -> None:
        """Resolve NAME to a known entity and say whether it is a covered foreign entity."""
        from dronevet.screening.score import DEFAULT_THRESHOLD
        from dronevet.screening.screen import screen

        day: date = parse_date(as_of)
        text_or_json(output)
        limit = DEFAULT_THRESHOLD if threshold is None else threshold
        if not 0.0 <= limit <= 1.0:
            raise BadInputError(f"--threshold {limit} is outside 0 to 1.")
        kb = _knowledge(with_imports)
        with screening_status(f"Screening {name!r}"):
            result = screen(kb, name, day, threshold=limit)
        if output is OutputFormat.json:
            write_json(result_json(result))
        else:
            print_result(kb, result)
