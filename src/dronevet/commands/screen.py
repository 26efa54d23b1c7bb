"""`dronevet screen NAME`: resolve a name to a known entity and say whether it is covered.

The answer comes from `dronevet.api.screen`; `--format json` writes its `to_dict()` (the
stable contract), text explains it for people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from dronevet.commands.common import (
    FORMAT_HELP,
    TextOrJson,
    finite,
    guarded,
    parse_date,
    say,
    screening_status,
    write_json,
)
from dronevet.errors import UsageError

if TYPE_CHECKING:
    from dronevet.knowledge.base import KnowledgeBase
    from dronevet.screening.model import ScreeningResult

app = typer.Typer()

_VERDICTS = {
    "covered": (("COVERED", "bold red"), ": a covered foreign entity under the default criteria"),
    "review": (("REVIEW", "bold yellow"), ": something points to coverage; a person must decide"),
    "not_covered": (("NOT COVERED", "bold green"), ": nothing known makes it a covered entity"),
    "unknown": (("UNKNOWN", "bold"), ": not enough is known to decide"),
}


def print_result(kb: KnowledgeBase, result: ScreeningResult) -> None:
    """Show a screening result to a person: verdict, match, chain, reasons with sources."""
    word, meaning = _VERDICTS[result.status]
    say(f"{result.query!r} on {result.as_of.isoformat()}: ", word, meaning)
    if result.match:
        m = result.match
        say("Match: ", m.name, (f" ({m.entity_id}, score {m.score:.2f})", "dim"))
    if len(result.chain) > 1:
        say("Chain: " + " → ".join(kb.name_of(e) for e in result.chain))
    for reason in result.reasons:
        mark = ("", "") if reason.verified else (" UNVERIFIED", "bold yellow")
        say("- ", (reason.kind.value, "bold"), mark, ": ", reason.text)
        if reason.source:
            source = reason.source
            say((f"  source: {source.citation} ({source.date.isoformat()})", "dim"))


@app.command("screen")
@guarded
def screen_command(
    name: Annotated[str, typer.Argument(help="Company, brand or person name to screen.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date to screen on (YYYY-MM-DD).")
    ] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = TextOrJson.text,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help="Minimum match score, 0 to 1 (default 0.80)."),
    ] = None,
) -> None:
    """Resolve NAME to a known entity and say whether it is a covered foreign entity."""
    from dronevet.api import load_knowledge, screen
    from dronevet.screening.model import DEFAULT_THRESHOLD

    if not name.strip():
        raise UsageError("the name to screen is empty.")
    day = parse_date(as_of)
    limit = finite(threshold, "--threshold")
    kb = load_knowledge()
    with screening_status(f"Screening {name!r}"):
        result = screen(
            name, as_of=day, kb=kb, threshold=DEFAULT_THRESHOLD if limit is None else limit
        )
    if fmt is TextOrJson.json:
        write_json(result.to_dict())
    else:
        print_result(kb, result)
