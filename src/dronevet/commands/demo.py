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

from dronevet.commands.common import console, guarded, parse_date

if TYPE_CHECKING:
    from rich.table import Table

    from dronevet.knowledge.loader import KnowledgeBase
    from dronevet.policy.batch import VerdictGrid

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
_CELL = {0: "[green]✓[/]", 1: "[yellow]?[/]", 2: "[red]✗[/]"}


def fleet_table(grid: VerdictGrid, title: str) -> Table:
    """Models down, policies across; each cell shows procure / operate (· = not regulated)."""
    from rich import box
    from rich.table import Table

    from dronevet.policy.batch import in_force

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("model", max_width=22)
    for policy in grid.policies:
        table.add_column(policy.short, justify="center", no_wrap=True)
    regulated = in_force(grid.policies, grid.uses, grid.dates)
    for i, product in enumerate(grid.products):
        cells = []
        for j, policy in enumerate(grid.policies):
            parts = []
            for k, use in enumerate(grid.uses):
                if use not in policy.regulations:
                    parts.append("[dim]·[/]")
                elif not regulated[j, k, 0]:
                    parts.append("[dim]–[/]")
                else:
                    parts.append(_CELL[int(grid.codes[i, j, k, 0])])
            cells.append("/".join(parts))
        table.add_row(product.name, *cells)
    return table


def _exact_entity(kb: KnowledgeBase, name: str) -> str | None:
    """An entity whose name or alias is exactly `name` (the demo's name is a known one)."""
    wanted = name.casefold()
    for entity in kb.entities.values():
        if any(n.casefold() == wanted for n in entity.names):
            return entity.id
    return None


def demo_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date for the fleet matrix; default today.")
    ] = None,
) -> None:
    """A guided tour: fleet x policies, one verdict explained, one screening."""
    import time

    from rich.markup import escape
    from rich.rule import Rule

    from dronevet.commands.vet import verdict_panel
    from dronevet.knowledge import load_builtin
    from dronevet.knowledge.model import Use
    from dronevet.policy.batch import vet_batch
    from dronevet.policy.evaluate import vet
    from dronevet.policy.loader import builtin_policies
    from dronevet.screening.control import determine
    from dronevet.screening.model import DEFAULT_CRITERIA

    started = time.perf_counter()
    day = parse_date(as_of)
    kb = load_builtin()
    book = builtin_policies(kb)
    fleet = [kb.products[p] for p in DEMO_FLEET if p in kb.products]
    shown = (Use.procure, Use.operate)
    policies = [p for p in book if any(u in p.regulations for u in shown)]
    others = [p for p in book if p not in policies]

    console.print(Rule("1. Your fleet against every policy"))
    console.print(
        f"{len(fleet)} models x {len(policies)} policies, as of {day.isoformat()}. Each cell: "
        "procure/operate. [green]✓[/] permitted, [yellow]?[/] review, [red]✗[/] prohibited, "
        "[dim]·[/] not regulated, [dim]–[/] not in force on the date."
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
    asda = book.get("us-asda-2023")
    subject = kb.products.get("dji-matrice-30t") or fleet[0]
    for when in (date(2025, 12, 21), date(2025, 12, 22)):
        console.print(verdict_panel(vet(kb, subject, asda, Use.operate, when)))

    console.print(Rule("3. Who is behind a name?"))
    query = "Anzu Robotics"
    entity_id = _exact_entity(kb, query)
    if entity_id is None:
        from dronevet.screening.screen import screen

        result = screen(kb, query, day)
        status, reasons = result.status, result.reasons
    else:
        found = determine(kb, entity_id, day, DEFAULT_CRITERIA)
        status, reasons = found.status, found.reasons
    console.print(
        f"Screening [bold]{query}[/] as of {day.isoformat()} "
        f"({DEFAULT_CRITERIA.name}): [bold]{status.value}[/]"
    )
    for reason in reasons:
        flag = " [magenta]UNVERIFIED[/]" if not reason.verified else ""
        console.print(f"  • {escape(reason.text)}{flag}", highlight=False)
    console.print(
        f"\n[dim]Next: dronevet vet anzu-raptor-t --policy all --use procure; "
        f"dronevet vet --bom my-system.yaml; dronevet policies. "
        f"(demo ran in {time.perf_counter() - started:.2f} s)[/]"
    )


def register(app: typer.Typer) -> None:
    """Add `demo` to the root command."""
    app.command("demo")(guarded(demo_command))
