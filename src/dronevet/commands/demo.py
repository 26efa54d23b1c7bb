"""`dronevet demo`: the web application on a demo agency, or a text walkthrough.

`dronevet demo [--port N] [--data-dir DIR]` fills the embedded SQLite database in the data
directory (default: the user data directory, `DRONEVET_HOME`) with the demo agency of
`fleet/demo_data.py` - once: a second run reuses it - prints its accounts, then serves the
application on 127.0.0.1 (port N, or a free one) and prints, on lines of their own,
`URL: http://127.0.0.1:N/` and `Sign in: USER / PASSWORD` (a program manager; the
passwords are drawn at random for each data directory and kept in it). Ctrl-C stops it.
`--no-serve` fills the database and prints the accounts without serving.

`dronevet demo --text [--as-of DATE]` is the walkthrough on the built-in data, no store:

1. A demo fleet of real models against every policy, as of today, for buying and flying.
2. One verdict explained on both sides of a date: the DJI Matrice 30T under the American
   Security Drone Act's operating ban, the day before and the day it takes effect.
3. One screening: who is behind a name, and whether that makes it covered.
"""

from __future__ import annotations

import socket
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dronevet.commands.common import console, guarded, parse_date, say
from dronevet.errors import BadInputError, UsageError

if TYPE_CHECKING:
    from rich.table import Table

    from dronevet.fleet.demo_data import DemoAgency
    from dronevet.policy.batch import VerdictGrid
    from dronevet.settings import Settings

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
    port: Annotated[
        int | None, typer.Option("--port", help="Port to serve on; default a free one.",
                                 min=1, max=65535)
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the demo database lives; "
                                  "default the user data directory.")
    ] = None,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Create the demo data and print the accounts "
                           "only.")
    ] = False,
    text: Annotated[
        bool, typer.Option("--text", help="The text walkthrough on the built-in data instead.")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date for the walkthrough's fleet matrix "
                                 "(with --text); default today.")
    ] = None,
) -> None:
    """The web application on a demo agency (about 60 aircraft), or a text walkthrough."""
    if text:
        _walkthrough(as_of)
        return
    if as_of is not None:
        raise UsageError("--as-of is for the text walkthrough: add --text.")
    from dronevet.airspace.demo import add_air_picture
    from dronevet.api import load_knowledge
    from dronevet.fleet.demo_data import create_demo
    from dronevet.fleet.register import open_register
    from dronevet.settings import Settings
    from dronevet.store.models import now

    home = data_dir if data_dir is not None else Settings.from_env().home
    settings = Settings.at(home)
    try:
        register = open_register(settings)
    except OSError as error:
        raise BadInputError(f"cannot use it ({error.strerror}).", path=str(home)) from None
    kb = load_knowledge(home)
    agency = create_demo(register, kb, settings.home, today=date.today())
    add_air_picture(register, kb, now())
    _print_agency(agency, settings.home)
    if not no_serve:
        _serve(settings, agency, port)


def _print_agency(agency: DemoAgency, home: Path) -> None:
    from dronevet.fleet.demo_data import ACCOUNTS_FILE

    done = "Created" if agency.created else "Reusing"
    say(f"{done} the demo agency in {home}:")
    for org in agency.organisations:
        say(f"  {org.name} ({org.jurisdiction}): {agency.aircraft[org.name]} aircraft, bound by "
            + ", ".join(b.policy for b in org.bindings))
    say(f"Accounts (their passwords are kept in {home / ACCOUNTS_FILE}):")
    for account in agency.accounts:
        where = account.organisation or "every organisation"
        say(f"  {account.name} / {account.password}  {account.role.value}, {where}")


def _listening(port: int | None) -> socket.socket:
    """A socket listening on 127.0.0.1 (`port`, or one the system picks)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port or 0))
    except OSError as error:
        sock.close()
        raise BadInputError(f"cannot listen on 127.0.0.1 port {port} ({error.strerror}): "
                            "choose another with --port.") from None
    sock.listen(128)
    return sock


def _serve(settings: Settings, agency: DemoAgency, port: int | None) -> None:
    """Serve the application until Ctrl-C (which ends the command normally)."""
    import uvicorn

    from dronevet.web.app import create_app

    application = create_app(settings)
    sock = _listening(port)
    bound = sock.getsockname()[1]
    say(f"URL: http://127.0.0.1:{bound}/")
    say(f"Sign in: {agency.sign_in.name} / {agency.sign_in.password}")
    say("Press Ctrl-C to stop.")
    sys.stdout.flush()
    config = uvicorn.Config(application, log_level="warning", server_header=False,
                            proxy_headers=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn raises the Ctrl-C again once it has shut down
        pass
    finally:
        sock.close()
    say("Stopped.")


def _walkthrough(as_of: str | None) -> None:
    """The text walkthrough (see the module docstring)."""
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
