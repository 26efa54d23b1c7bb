"""`dronevet vet`, `dronevet policies`, `dronevet models`: may we buy, fly or fund this drone?

`vet MODEL --policy ID|all --use USE|all --as-of DATE [--mission M] [--bom FILE]` asks the
core (`dronevet.api`) and renders the answer: one policy and use as a short explanation
(`--explain` for every fact), several as a table. `--format json` is the stable contract.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dronevet.commands.common import (
    FORMAT_HELP,
    TextOrJson,
    console,
    guarded,
    parse_date,
    say,
    screening_status,
    write_json,
)
from dronevet.errors import UsageError

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table
    from rich.text import Text

    from dronevet.policy.model import Verdict
    from dronevet.policy.summary import Explanation, Line

app = typer.Typer()

VERDICT_STYLE = {
    "permitted": "bold green",
    "prohibited": "bold red",
    "review": "bold yellow",
    "not_applicable": "bold blue",
}
OUTCOME_MARK = {
    "hit": ("✗", "red"),
    "clear": ("✓", "green"),
    "review": ("?", "yellow"),
    "not_applicable": ("–", "dim"),
}
UNVERIFIED = (" UNVERIFIED", "bold magenta")


def verdict_text(kind: str) -> Text:
    from rich.text import Text

    from dronevet.policy.model import VerdictKind
    from dronevet.policy.summary import VERDICT_WORDS

    return Text(VERDICT_WORDS[VerdictKind(kind)], style=VERDICT_STYLE[kind])


def _line(mark: tuple[str, str], line: Line, indent: str = "    ") -> Text:
    from rich.text import Text

    return Text.assemble(
        (indent, ""), mark, " ", line.text, (f" [{line.ref}]", "dim"),
        UNVERIFIED if line.unverified else "",
    )


def explanation_panel(expl: Explanation) -> RenderableType:
    """One verdict explained for a non-programmer (see `dronevet.policy.summary`)."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    head, _, tail = expl.headline.partition(": ")
    kind = expl.verdict.value
    lines: list[RenderableType] = [
        Text.assemble((head, VERDICT_STYLE[kind]), "  ", tail),
        Text(expl.meaning, style="italic"),
        Text(expl.policy, style="dim"),
        _line(("§", "blue"), expl.applicability, indent=""),
    ]
    if expl.rules:
        lines.append(Text(""))
    for rule in expl.rules:
        mark = OUTCOME_MARK[rule.outcome.value]
        lines.append(
            Text.assemble(
                mark, " ", (rule.text, "bold" if rule.decisive else ""),
                (f"  {rule.clause} [{rule.ref}]", "dim"),
                UNVERIFIED if rule.unverified and not rule.facts else "",
            )
        )
        if rule.requirement:
            lines.append(Text.assemble(("    requires: ", "dim"), (rule.requirement, "dim")))
        lines.extend(_line(("•", "dim"), fact) for fact in rule.facts)
        if rule.more:
            lines.append(Text(f"    … {rule.more} more (--explain)", style="dim"))
    if expl.entities:
        lines += [Text(""), Text("Who the makers are", style="bold")]
        for note in expl.entities:
            lines.append(Text.assemble("  ", (note.name, "bold")))
            lines.extend(_line(("•", "dim"), fact) for fact in note.facts)
            if note.more:
                lines.append(Text(f"    … {note.more} more (--explain)", style="dim"))
    if expl.routes:
        lines += [Text(""), Text("Exemption and waiver routes that could apply", style="bold")]
        for route in expl.routes:
            lines.append(
                Text.assemble(
                    "  • ", (route.id, "bold"), ": ", route.text,
                    (f"  {route.clause} [{route.ref}]", "dim"),
                    UNVERIFIED if route.unverified else "",
                )
            )
    if expl.cautions:
        lines += [Text(""), Text("Cautions", style="bold yellow")]
        lines.extend(_line(("!", "yellow"), caution, indent="  ") for caution in expl.cautions)
    lines += [Text(""), Text("Sources", style="bold")]
    for number, source in expl.sources:
        lines.append(
            Text.assemble(
                (f"  [{number}] ", "dim"), source.citation, f", {source.date.isoformat()}",
                UNVERIFIED if not source.verified else "",
            )
        )
    border = VERDICT_STYLE[kind].split()[-1]
    return Panel(Group(*lines), border_style=border)


def _why(verdict: Verdict) -> Text:
    """The one sentence that decided a verdict, for a table cell."""
    from rich.text import Text

    from dronevet.policy.model import VerdictKind

    if verdict.verdict is VerdictKind.not_applicable:
        return Text(verdict.applicability.text)
    if verdict.verdict is VerdictKind.permitted:
        return Text("No rule of this policy stands in the way.", style="dim")
    decided = verdict.decisive()
    if decided is None:
        return Text("")
    return Text.assemble(
        decided.text, (f" ({decided.citation.clause})", "dim"),
        UNVERIFIED if decided.unverified else "",
    )


def _in_force(verdict: Verdict) -> str:
    applies = verdict.applicability
    if applies.start is None:
        return "—"
    until = applies.until.isoformat() if applies.until else ""
    return f"{applies.start.isoformat()} → {until}"


def matrix_table(verdicts: list[Verdict], title: str, *, by_use: bool) -> Table:
    """Verdicts side by side: one row per policy (and use, with `by_use`)."""
    from rich.table import Table

    table = Table(title=title, show_lines=True, title_justify="left", expand=True)
    table.add_column("policy", style="bold", no_wrap=True)
    if by_use:
        table.add_column("use", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("in force", max_width=12)
    table.add_column("why (clause)", ratio=1)
    for verdict in verdicts:
        cells: list[RenderableType] = [verdict.policy.id]
        if by_use:
            cells.append(verdict.use.value)
        cells += [verdict_text(verdict.verdict.value), _in_force(verdict), _why(verdict)]
        table.add_row(*cells)
    return table


@app.command("vet")
@guarded
def vet_command(
    model: Annotated[
        str | None, typer.Argument(help="Model id, alias or name (see `dronevet models`).")
    ] = None,
    policy: Annotated[
        str, typer.Option("--policy", "-p", help="Policy id or alias (asda, florida...), or all.")
    ] = "all",
    use: Annotated[
        str,
        typer.Option(
            "--use",
            "-u",
            help="procure | operate | fund | import | authorize (buy, fly...), or all",
        ),
    ] = "procure",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default today.")
    ] = None,
    mission: Annotated[
        str | None,
        typer.Option("--mission", "-m", help="Mission (search-and-rescue, defence...)."),
    ] = None,
    bom: Annotated[
        Path | None,
        typer.Option("--bom", help="Bill of materials (YAML or JSON) to vet instead of a model."),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Every fact and what each rule requires.")
    ] = False,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = TextOrJson.text,
) -> None:
    """May an agency buy, fly, fund, import or authorize this drone under a policy, on a date?"""
    from dronevet.api import load_knowledge, vet, vet_matrix
    from dronevet.policy.summary import summarise

    if model is not None and bom is not None:
        raise UsageError("give a model or --bom FILE, not both.")
    if bom is None and (model is None or not model.strip()):
        raise UsageError("name a drone model (see `dronevet models`) or give --bom FILE.")
    day = parse_date(as_of)
    kb = load_knowledge()
    subject = bom if bom is not None else str(model)
    single = policy != "all" and use != "all"
    spinner = screening_status(f"Reading {bom.name} and screening its makers") if bom else None
    with spinner or contextlib.nullcontext():
        if single:
            answer = vet(subject, policy=policy, use=use, as_of=day, mission=mission, kb=kb)
        else:
            matrix = vet_matrix(
                subject, policies=policy, uses=use, as_of=day, mission=mission, kb=kb
            )
    if fmt is TextOrJson.json:
        write_json(answer.to_dict() if single else matrix.to_dict())
        return
    if single:
        console.print(explanation_panel(summarise(kb, answer, full=explain)))
        if not explain:
            say(("More detail: add --explain.", "dim"))
        return
    from dronevet.policy.model import ApplicabilityStatus

    silent = [
        v for v in matrix.verdicts
        if v.applicability.status is ApplicabilityStatus.use_not_regulated
    ]
    verdicts = [v for v in matrix.verdicts if v not in silent]
    if not verdicts:
        say("No policy regulates that use.")
        return
    first = verdicts[0]
    what = "every use each policy regulates" if use == "all" else first.use.value
    mission_text = f", mission {first.mission}" if mission else ""
    title = f"{first.subject.name}: {what} on {day.isoformat()}{mission_text}"
    console.print(matrix_table(verdicts, title, by_use=use == "all"))
    if silent:
        ids = ", ".join(v.policy.id for v in silent)
        say((f"Not shown, as they do not regulate {first.use.value}: {ids}.", "dim"))
    say(("Explain one: dronevet vet MODEL --policy ID --use USE", "dim"))


@app.command("policies")
@guarded
def policies_command(
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = TextOrJson.text,
) -> None:
    """List the policies dronevet knows: who they bind, what they regulate, from when."""
    from dronevet.api import load_knowledge, policies

    book = policies(load_knowledge())
    if fmt is TextOrJson.json:
        write_json([p.to_dict() for p in book])
        return
    say(("Policies", "bold"), f" ({len(book)}): `dronevet vet --policy` takes the id or alias.\n")
    for p in book:
        advisory = ("  (advisory: never prohibits)", "yellow") if p.advisory else ""
        say((p.id, "bold"), f" ({p.jurisdiction.upper()}) {p.title}", advisory)
        if p.aliases:
            say(f"    also: {', '.join(p.aliases)}")
        for use, periods in p.regulations.items():
            for period in periods:
                until = f" until {period.end.isoformat()}" if period.end else ""
                say(
                    f"    {use.value} from {period.start.isoformat()}{until}: {period.binds}",
                    UNVERIFIED if not period.citation.source.verified else "",
                )
        if p.scope:
            say(f"    only for: {p.scope_text}")
        say("")


_LIST_SHORT = {"us-dcma-blue-uas": "Blue UAS", "us-auvsi-green-uas": "Green UAS"}


@app.command("models")
@guarded
def models_command(
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = TextOrJson.text,
) -> None:
    """List the drone models in the knowledge base."""
    from rich.table import Table

    from dronevet.api import load_knowledge
    from dronevet.knowledge.countries import country_name
    from dronevet.knowledge.views import product_dict

    kb = load_knowledge()
    products = sorted(kb.products.values(), key=lambda p: p.id)
    if fmt is TextOrJson.json:
        write_json([product_dict(p) for p in products])
        return
    table = Table(title=f"Drone models ({len(products)})", title_justify="left")
    table.add_column("id", no_wrap=True, style="bold")
    table.add_column("name", min_width=12)
    table.add_column("maker, assembled in", min_width=10)
    table.add_column("listed today", min_width=9)
    today = date.today()
    for p in products:
        maker = kb.name_of(p.manufacturer) if p.manufacturer else p.manufacturer_name
        lists = ", ".join(
            f"{_LIST_SHORT.get(s.list_id, s.list_id)} ({s.status})" for s in p.statuses_on(today)
        )
        table.add_row(p.id, p.name, f"{maker}, {country_name(p.final_assembly_country)}", lists)
    console.print(table)
