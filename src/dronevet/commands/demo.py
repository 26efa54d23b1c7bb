"""`dronevet demo`: a walkthrough for a program manager, on the built-in data.

1. A demo fleet of real models against every policy, as of today, for buying and flying.
2. One verdict explained on both sides of a date: the DJI Matrice 30T under the American
   Security Drone Act's operating ban, the day before and the day it takes effect.
3. One screening: who is behind a name, and whether that makes it covered.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from dronevet.commands.common import console, guarded, parse_date, say

if TYPE_CHECKING:
    from rich.table import Table

    from dronevet.policy.batch import VerdictGrid

app = typer.Typer()

DEMO_FLEET = (
    "dji-matrice-30t",
    "dji-mavic-3-thermal",
    "dji-mini-4-pro",
    "autel-evo-max-4t",
    "anzu-raptor-t",
    "ryze-tello",
    "skydio-x10d",
    "parrot-anafi-usa",
    "teal-black-widow",
    "freefly-astro",
    "inspired-flight-if1200a",
    "brinc-lemur-2",
    "wingtra-one-gen-ii",
    "quantum-systems-vector",
)
_CELL = {0: "[green]✓[/]", 1: "[yellow]?[/]", 2: "[red]✗[/]", 3: "[dim]–[/]"}


def fleet_table(grid: VerdictGrid, title: str) -> Table:
    """Models down, policies across; each cell shows procure / operate (· = not regulated)."""
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("model", max_width=22)
    for policy in grid.policies:
        table.add_column(policy.short, justify="center", no_wrap=True)
    for i, product in enumerate(grid.products):
        cells = []
        for j, policy in enumerate(grid.policies):
            parts = []
            for k, use in enumerate(grid.uses):
                if use not in policy.regulations:
                    parts.append("[dim]·[/]")
                else:
                    parts.append(_CELL[int(grid.codes[i, j, k, 0])])
            cells.append("/".join(parts))
        table.add_row(product.name, *cells)
    return table


@app.command("demo")
@guarded
def demo_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date for the fleet matrix; default today.")
    ] = None,
) -> None:
    """A guided tour: fleet x policies, one verdict explained, one screening."""
    import time

    from rich.rule import Rule

    from dronevet.api import load_knowledge, vet
    from dronevet.api import policies as policy_book
    from dronevet.commands.vet import explanation_panel
    from dronevet.knowledge.model import Use
    from dronevet.knowledge.views import find_entity
    from dronevet.policy.batch import vet_batch
    from dronevet.policy.summary import summarise
    from dronevet.screening.control import determine
    from dronevet.screening.model import DEFAULT_CRITERIA

    started = time.perf_counter()
    day = parse_date(as_of)
    kb = load_knowledge()
    book = policy_book(kb)
    fleet = [kb.products[p] for p in DEMO_FLEET if p in kb.products]
    shown = (Use.procure, Use.operate)
    policies = [p for p in book if any(u in p.regulations for u in shown)]
    others = [p for p in book if p not in policies]

    console.print(Rule("1. Your fleet against every policy"))
    console.print(
        f"{len(fleet)} models x {len(policies)} policies, as of {day.isoformat()}. Each cell: "
        "procure/operate. [green]✓[/] permitted, [yellow]?[/] review, [red]✗[/] prohibited, "
        "[dim]·[/] not regulated, [dim]–[/] does not apply on the date (not yet or no longer "
        "in force, or outside its scope)."
    )
    grid = vet_batch(kb, fleet, policies, shown, (day,))
    console.print(fleet_table(grid, f"Fleet verdicts on {day.isoformat()}"))
    if others:
        named = ", ".join(f"{p.short} ({'/'.join(u.value for u in p.regulations)})" for p in others)
        console.print(
            f"[dim]Not shown, as they regulate other uses: {named}; "
            "see dronevet vet MODEL --use USE.[/]"
        )

    console.print(Rule("2. One verdict, explained, on both sides of a date"))
    console.print(
        "The American Security Drone Act bans federal agencies from operating covered drones "
        "from 2025-12-22. The same drone, the day before and the day of:"
    )
    subject = "dji-matrice-30t" if "dji-matrice-30t" in kb.products else fleet[0].id
    for when in (date(2025, 12, 21), date(2025, 12, 22)):
        verdict = vet(subject, policy="us-asda-2023", use=Use.operate, as_of=when, kb=kb)
        console.print(explanation_panel(summarise(kb, verdict)))

    console.print(Rule("3. Who is behind a name?"))
    query = "Anzu Robotics"
    found = determine(kb, find_entity(kb, query).id, day, DEFAULT_CRITERIA)
    say(
        "Screening ", (query, "bold"), f" as of {day.isoformat()} ({DEFAULT_CRITERIA.name}): ",
        (found.status.value, "bold"),
    )
    for reason in found.reasons:
        say("  • ", reason.text, ("" if reason.verified else " UNVERIFIED", "magenta"))
    console.print(
        f"\n[dim]Next: dronevet vet anzu-raptor-t --policy all --use procure; "
        f"dronevet vet --bom my-system.yaml; dronevet policies. "
        f"(demo ran in {time.perf_counter() - started:.2f} s)[/]"
    )
