"""`dronevet fleet` and `dronevet audit`: the fleet register and its audit log.

`fleet org NAME --policies ID,ID` records an organisation and the policies that bind it;
`fleet import FILE --org NAME` adds or updates its aircraft from a CSV or XLSX register (all
or nothing: any bad row is named with its line and column, and nothing changes); `fleet
orgs`, `fleet list` and `fleet export` show what the register holds; `fleet status` and
`fleet timeline` say what each binding policy lets the organisation do with each aircraft
on a date, and when that changes, with the approved waivers laid over them; `fleet waiver
request|decide|list` asks for an exception under one of a policy's exemption routes, decides
it (someone other than who asked) and lists them; `fleet plan` plans the replacements
(`commands/fleet_plan.py`). `audit verify`
checks the audit log's hash chain and names the first entry that was edited, inserted,
deleted or moved. The register lives in the store the settings name (`DRONEVET_HOME`,
`DRONEVET_DATABASE_URL`); every change is written to the audit log with who made it.
"""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dronevet.commands import fleet_plan
from dronevet.commands.common import (
    FORMAT_HELP,
    TextOrJson,
    console,
    guarded,
    parse_date,
    say,
    write_json,
)
from dronevet.errors import BadInputError, UsageError

if TYPE_CHECKING:
    from rich.table import Table

    from dronevet.fleet.model import Organisation
    from dronevet.fleet.register import Register
    from dronevet.fleet.waivers import Waiver

app = typer.Typer(
    help="The fleet register: organisations, the policies that bind them, their aircraft.",
    no_args_is_help=True,
)
waiver_app = typer.Typer(help="Waivers: exceptions asked for under a policy's exemption routes.",
                         no_args_is_help=True)  # fmt: skip
app.add_typer(waiver_app, name="waiver")
app.command("plan")(fleet_plan.plan)
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
    if uses is not None and not chosen:
        raise UsageError("--uses needs at least one use, e.g. --uses procure,operate "
                         "(leave it out for every use the policies regulate)")  # fmt: skip
    return tuple(Binding(policy, chosen) for policy in ids)


def _binding_text(organisation: Organisation) -> str:
    return "; ".join(
        f"{b.policy} ({', '.join(b.uses) if b.uses else 'every use it regulates'})"
        for b in organisation.bindings
    ) or "no policy"


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
        write_json({**saved.to_dict(), "saved": outcome.value})
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
        write_json([o.to_dict() for o in found])
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
        write_json({"org": organisation, "aircraft": [a.to_dict() for a in found]})
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


def _columns(mapping: list[str]) -> dict[str, str]:
    found = {}
    for item in mapping:
        field, sep, header = item.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise UsageError(f"--column {item!r}: write FIELD=HEADER, e.g. serial='Serial No.'")
        found[field.strip()] = header.strip()
    return found


@app.command("import")
@guarded
def import_fleet(
    file: Annotated[Path, typer.Argument(help="the register: a .csv or .xlsx file")],
    organisation: Annotated[str, typer.Option("--org", help="the organisation it belongs to")],
    column: Annotated[
        list[str] | None,
        typer.Option("--column", help="FIELD=HEADER where a header differs, e.g. "
                     "serial='Serial No.' (repeatable)"),
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="the XLSX sheet")] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = (
        TextOrJson.text
    ),
) -> None:
    """Add or update an organisation's aircraft from a register file (matched by serial).

    Columns: serial, model, purchase_date, price, funding, missions, flight_hours (and
    status, unit, capabilities). All or nothing: if any row is bad, each bad row is named
    with its line and column and nothing is imported.
    """
    from dronevet.api import load_knowledge
    from dronevet.fleet.importer import read_fleet

    store = register()
    store.organisation(organisation)
    found = read_fleet(file, kb=load_knowledge(), columns=_columns(column or []), sheet=sheet)
    counts = store.import_aircraft(organisation, found.committable(), actor=actor())
    if fmt is TextOrJson.json:
        write_json({**found.to_dict(), "org": organisation, **counts.to_dict()})
        return
    say(f"{file}: {found.rows} rows; {counts.created} aircraft added, {counts.updated} "
        f"updated, {counts.unchanged} unchanged in {organisation}")  # fmt: skip
    if found.ignored_columns:
        say(f"  columns not read: {', '.join(found.ignored_columns)}", err=True)


@app.command()
@guarded
def export(
    organisation: Annotated[str, typer.Option("--org", help="the organisation")],
    file: Annotated[Path, typer.Argument(help="where to write: a .csv or .xlsx file")],
) -> None:
    """Write an organisation's aircraft to a register file, in the columns import reads."""
    from dronevet.fleet.export import write_fleet

    store = register()
    store.organisation(organisation)
    found = store.aircraft(organisation)
    write_fleet(found, file)
    say(f"{file}: {len(found)} aircraft of {organisation}")


def _status(organisation: str, as_of: str | None, *, changes: bool) -> dict[str, Any]:
    """The organisation's status as JSON (`fleet.reports.fleet_report`, as the API sends
    it): `changes`, every change listed, as `fleet timeline` shows them; without, the
    `fleet status` contract with its totals."""
    from dronevet.api import load_knowledge
    from dronevet.fleet.reports import fleet_report

    store = register()
    return fleet_report(store, load_knowledge(), store.organisation(organisation),
                        parse_date(as_of), changes=changes)  # fmt: skip


def _status_table(status: dict[str, Any]) -> Table:
    """One row per aircraft and binding policy and use: the verdict now and what comes
    next (the aircraft named on its first row)."""
    from rich.table import Table
    from rich.text import Text

    from dronevet.commands.vet import VERDICT_STYLE
    from dronevet.policy.summary import VERDICT_WORDS

    table = Table(title=f"{status['org']} on {status['as_of']}: "
                  f"{len(status['aircraft'])} aircraft", title_justify="left")  # fmt: skip
    for column in ("aircraft", "policy", "use", "now", "next change"):
        table.add_column(column, overflow="fold")
    for aircraft in status["aircraft"]:
        for index, line in enumerate(aircraft["verdicts"]):
            word, style = VERDICT_WORDS[line["verdict"]], VERDICT_STYLE[line["verdict"]]
            upcoming = line["next_change"]
            later = "—"
            if upcoming:
                later = f"{VERDICT_WORDS[upcoming['verdict']]} from " \
                        f"{upcoming['date']}"
            name = f"{aircraft['serial']}\n{aircraft['model']}" if index == 0 else ""
            table.add_row(name, line["policy"], line["use"], Text(word, style=style), later,
                          end_section=index == len(aircraft["verdicts"]) - 1)  # fmt: skip
    return table


@app.command()
@guarded
def status(
    organisation: Annotated[str, typer.Option("--org", help="the organisation")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today)")]
    = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = (
        TextOrJson.text
    ),
) -> None:
    """What each binding policy lets the organisation do with each aircraft on a date, and
    the next change; totals: aircraft grounded, value at risk, missions left uncovered."""
    found = _status(organisation, as_of, changes=False)
    if fmt is TextOrJson.json:
        write_json(found)
        return
    if not found["aircraft"]:
        say(f"{organisation} has no aircraft in the register yet: add them with `dronevet "
            f"fleet import FILE --org {organisation!r}`.")  # fmt: skip
        return
    console.print(_status_table(found))
    totals = found["totals"]
    gaps = ", ".join(gap["mission"] for gap in totals["missions_uncovered"]) or "none"
    say(f"{totals['grounded']['aircraft']} of {totals['aircraft']} aircraft grounded (operation "
        f"prohibited), now or to come; value at risk {totals['value_at_risk']['total']}; "
        f"missions no permitted aircraft can fly: {gaps}")  # fmt: skip
    if any(line.get("waiver") for a in found["aircraft"] for line in a["verdicts"]):
        say("  (these totals are without waivers: the verdicts above marked permitted under a "
            "waiver count here as they would stand without it)")  # fmt: skip


@app.command()
@guarded
def timeline(
    organisation: Annotated[str, typer.Option("--org", help="the organisation")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today)")]
    = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = (
        TextOrJson.text
    ),
) -> None:
    """Every change to come in what the organisation may do with each aircraft, dated and
    explained (e.g. "operation prohibited from 2025-12-22 under us-asda-2023 §1824")."""
    found = _status(organisation, as_of, changes=True)
    if fmt is TextOrJson.json:
        write_json(found)
        return
    for aircraft in found["aircraft"]:
        say((f"{aircraft['serial']} ({aircraft['model']})", "bold"))
        for line in aircraft["verdicts"]:
            upcoming = [c for c in line["changes"] if c["date"] > found["as_of"]]
            say(f"  now: {line['explanation']}")
            for change in upcoming:
                say(f"  {change['explanation']}")


def _serials(text: str | None) -> tuple[str | None, ...]:
    serials = tuple(part.strip() for part in (text or "").split(",") if part.strip())
    return serials or (None,)


BY_HELP = "who, as the audit log records it (default: cli:USER)"


def _waiver_text(waiver: Waiver, as_of: date) -> str:
    scope = waiver.aircraft or "every aircraft"
    missions = f", missions {', '.join(waiver.missions)}" if waiver.missions else ""
    decided = f" by {waiver.decided_by}: {waiver.reason}" if waiver.decided_by else ""
    return (f"#{waiver.id} {waiver.state_on(as_of).value}{decided}; {scope}{missions}; "
            f"{waiver.use} under {waiver.policy} (route {waiver.legal_basis}) from "
            f"{waiver.start} until {waiver.end}; asked by {waiver.requested_by}")  # fmt: skip


@waiver_app.command("request")
@guarded
def request_waiver(
    organisation: Annotated[str, typer.Option("--org", help="the organisation")],
    policy: Annotated[str, typer.Option("--policy", help="the policy it is an exception to")],
    use: Annotated[str, typer.Option("--use", help="the use: operate, procure, fund, ...")],
    basis: Annotated[str, typer.Option("--basis", help="the policy's exemption route id "
                                       "(`dronevet vet MODEL --policy ID` lists them)")],
    until: Annotated[str, typer.Option("--until", help="YYYY-MM-DD: the first day it no "
                                       "longer covers")],
    start: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD (default: today)")]
    = None,
    aircraft: Annotated[str | None, typer.Option(
        "--aircraft", help="serials, comma-separated: one waiver each, all or none "
        "(default: every aircraft, in one waiver)")] = None,
    mission: Annotated[list[str] | None, typer.Option(
        "--mission", help="a mission it covers (repeatable; default: all)")] = None,
    control: Annotated[list[str] | None, typer.Option(
        "--control", help="a compensating control, e.g. 'offline operation' (repeatable)")]
    = None,
    evidence: Annotated[list[str] | None, typer.Option(
        "--evidence", help="what supports it: a text or URL (repeatable)")] = None,
    by: Annotated[str | None, typer.Option("--by", help=BY_HELP)] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = (
        TextOrJson.text
    ),
) -> None:
    """Ask for a waiver: an exception to a policy, on one of its exemption routes, for some
    aircraft and missions and a period. It changes nothing until someone else approves it."""
    from dronevet.api import load_knowledge
    from dronevet.fleet.waivers import Waiver

    store, kb, who = register(), load_knowledge(), by or actor()
    first, end = parse_date(start, option="--from"), parse_date(until, option="--until")
    asked = store.request_waivers([
        Waiver(organisation, policy, use, basis, first, end, who, serial, tuple(mission or ()),
               tuple(control or ()), tuple(evidence or ()))
        for serial in _serials(aircraft)
    ], actor=who, kb=kb)  # fmt: skip
    if fmt is TextOrJson.json:
        write_json([w.to_dict() for w in asked])
        return
    for waiver in asked:
        say(f"requested {_waiver_text(waiver, first)}")


@waiver_app.command("decide")
@guarded
def decide_waiver(
    waiver_id: Annotated[int, typer.Argument(help="the waiver's number", metavar="ID")],
    reason: Annotated[str, typer.Option("--reason", help="why it is approved or denied")],
    approve: Annotated[bool | None, typer.Option("--approve/--deny", help="the decision",
                                                 show_default=False)] = None,
    by: Annotated[str | None, typer.Option("--by", help=BY_HELP)] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = (
        TextOrJson.text
    ),
) -> None:
    """Approve or deny a requested waiver; whoever asked for it cannot decide it."""
    if approve is None:
        raise UsageError("say --approve or --deny")
    decided = register().decide_waiver(waiver_id, approve=approve, reason=reason,
                                       actor=by or actor())  # fmt: skip
    if fmt is TextOrJson.json:
        write_json(decided.to_dict())
        return
    say(_waiver_text(decided, parse_date(None)))


@waiver_app.command("list")
@guarded
def list_waivers(
    organisation: Annotated[str, typer.Option("--org", help="the organisation")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today); "
                                              "approved waivers past their end read lapsed")]
    = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = (
        TextOrJson.text
    ),
) -> None:
    """List an organisation's waivers and where each stands."""
    day = parse_date(as_of)
    found = register().waivers(organisation)
    if fmt is TextOrJson.json:
        write_json({"org": organisation, "as_of": day.isoformat(),
                    "waivers": [w.to_dict(as_of=day) for w in found]})  # fmt: skip
        return
    if not found:
        say(f"{organisation} has no waiver.")
    for waiver in found:
        say(_waiver_text(waiver, day))


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

    result = register().verify_audit(None if anchor is None else Anchor.parse(anchor))
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
