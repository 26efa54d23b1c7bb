"""`dronevet fleet` and `dronevet audit`: the fleet register and its audit log.

`fleet org NAME --policies ID,ID` records an organisation and the policies that bind it;
`fleet orgs` and `fleet list --org NAME` show what the register holds. `audit verify`
checks the audit log's hash chain and names the first entry that was edited, inserted,
deleted or moved. The register lives in the store the settings name (`DRONEVET_HOME`,
`DRONEVET_DATABASE_URL`); every change is written to the audit log with who made it.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dronevet.commands.common import FORMAT_HELP, TextOrJson, console, guarded, say, write_json
from dronevet.errors import BadInputError, UsageError

if TYPE_CHECKING:
    from dronevet.fleet.model import Aircraft, Organisation
    from dronevet.fleet.register import Register

app = typer.Typer(
    help="The fleet register: organisations, the policies that bind them, their aircraft.",
    no_args_is_help=True,
)
audit_app = typer.Typer(help="The audit log of every change to the register.",
                        no_args_is_help=True)  # fmt: skip


def actor() -> str:
    """Who made a change from the command line, as the audit log records it."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name for this uid (a bare container)
        return "cli"


def register() -> Register:
    from dronevet.fleet.register import open_register
    from dronevet.settings import Settings

    return open_register(Settings.from_env())


def _bindings(policies: str, uses: str | None) -> tuple[Any, ...]:
    from dronevet.fleet.model import Binding

    ids = [part.strip() for part in policies.split(",") if part.strip()]
    if not ids:
        raise UsageError("--policies needs at least one policy id, e.g. --policies asda,ndaa-848")
    chosen = tuple(part.strip() for part in (uses or "").split(",") if part.strip())
    return tuple(Binding(policy, chosen) for policy in ids)


def _binding_text(organisation: Organisation) -> str:
    return "; ".join(
        f"{b.policy} ({', '.join(b.uses) if b.uses else 'every use it regulates'})"
        for b in organisation.bindings
    ) or "no policy"


def _organisation_dict(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "jurisdiction": organisation.jurisdiction,
        "fiscal_year_start": organisation.fiscal_year_start,
        "parent": organisation.parent,
        "bindings": [{"policy": b.policy, "uses": list(b.uses)} for b in organisation.bindings],
    }


def aircraft_dict(aircraft: Aircraft) -> dict[str, Any]:
    """One aircraft as the JSON of `fleet list` writes it."""
    return {
        "serial": aircraft.serial, "model": aircraft.model, "product_id": aircraft.product_id,
        "purchase_date": aircraft.purchase_date.isoformat() if aircraft.purchase_date else None,
        "price": str(aircraft.price) if aircraft.price is not None else None,
        "funding": aircraft.funding, "missions": list(aircraft.missions),
        "status": aircraft.status.value, "flight_hours": aircraft.flight_hours,
        "unit": aircraft.unit, "capabilities": list(aircraft.capabilities),
    }  # fmt: skip


@app.command()
@guarded
def org(
    name: Annotated[str, typer.Argument(help="the organisation, e.g. 'Springfield Police'")],
    policies: Annotated[
        str, typer.Option("--policies", "-p", help="policy ids that bind it, comma-separated")
    ],
    uses: Annotated[
        str | None,
        typer.Option("--uses", help="uses they bind it for (default: every use they regulate)"),
    ] = None,
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="e.g. US-FL, JP, GB")
    ] = None,
    fiscal_year_start: Annotated[
        int, typer.Option("--fiscal-year-start", help="month its fiscal year starts (1-12)")
    ] = 10,
    parent: Annotated[
        str | None, typer.Option("--parent", help="the organisation this one is a unit of")
    ] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = (
        TextOrJson.text
    ),
) -> None:
    """Record an organisation (or update it) and the policies that bind it."""
    from dronevet.fleet.model import Organisation

    if not name.strip():
        raise UsageError("the organisation needs a name")
    if not 1 <= fiscal_year_start <= 12:
        raise BadInputError(f"--fiscal-year-start {fiscal_year_start} is not a month (1-12)")
    wanted = Organisation(name.strip(), _bindings(policies, uses), jurisdiction,
                          fiscal_year_start, parent)  # fmt: skip
    saved, outcome = register().save_organisation(wanted, actor=actor())
    if fmt is TextOrJson.json:
        write_json({**_organisation_dict(saved), "saved": outcome.value})
        return
    say(f"{saved.name}: {outcome.value}; bound by {_binding_text(saved)}; fiscal year starts "
        f"in month {saved.fiscal_year_start}")  # fmt: skip


@app.command()
@guarded
def orgs(
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = (
        TextOrJson.text
    ),
) -> None:
    """List the organisations in the register and the policies that bind them."""
    found = register().organisations()
    if fmt is TextOrJson.json:
        write_json([_organisation_dict(o) for o in found])
        return
    if not found:
        say("The register holds no organisation yet: add one with `dronevet fleet org NAME "
            "--policies ID,ID`.")  # fmt: skip
    for organisation in found:
        say(f"{organisation.name}: bound by {_binding_text(organisation)}")


@app.command("list")
@guarded
def list_aircraft(
    organisation: Annotated[str, typer.Option("--org", help="the organisation")],
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = (
        TextOrJson.text
    ),
) -> None:
    """List an organisation's aircraft."""
    from rich.table import Table

    store = register()
    store.organisation(organisation)  # names close matches when it is unknown
    found = store.aircraft(organisation)
    if fmt is TextOrJson.json:
        write_json({"org": organisation, "aircraft": [aircraft_dict(a) for a in found]})
        return
    table = Table(title=f"{organisation}: {len(found)} aircraft", title_justify="left")
    for column in ("serial", "model", "bought", "price", "missions", "status"):
        table.add_column(column)
    for item in found:
        table.add_row(item.serial, item.model + ("" if item.product_id else " (unknown model)"),
                      item.purchase_date.isoformat() if item.purchase_date else "—",
                      str(item.price) if item.price is not None else "—",
                      ", ".join(item.missions) or "—", item.status.value)  # fmt: skip
    console.print(table)


@audit_app.command()
@guarded
def verify(
    anchor: Annotated[
        str | None,
        typer.Option("--anchor", help="an entry noted earlier (SEQ:HASH, as verify prints it)"),
    ] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = (
        TextOrJson.text
    ),
) -> None:
    """Check that no entry of the audit log was edited, inserted, deleted or moved.

    Exits 0 when the log is intact, 4 naming the first broken entry when it is not. Note
    the head it prints somewhere outside the database and pass it as --anchor later: that
    also catches entries cut from the end or a log rewritten whole.
    """
    from dronevet.store.audit import Anchor

    result = register().verify_audit(Anchor.parse(anchor) if anchor else None)
    if fmt is TextOrJson.json:
        write_json(result.to_dict())
    elif result.broken is None:
        head = f"; head {result.head} (note it to check against later)" if result.head else ""
        entries = "1 entry" if result.entries == 1 else f"{result.entries} entries"
        say(f"audit log intact: {entries}{head}")
    else:
        say(("TAMPERED", "bold red"), f": entry {result.broken.seq} {result.broken.reason} "
            f"({result.entries} entries before it are intact)")  # fmt: skip
    if result.broken is not None:
        raise typer.Exit(code=4)
