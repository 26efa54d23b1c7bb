"""`dronevet vet`, `dronevet policies`, `dronevet models`: may we buy, fly or fund this drone?

`vet MODEL --policy ID|all --use USE --as-of DATE [--mission M] [--bom FILE]` evaluates a
model from the knowledge base (or the custom system a bill of materials describes) against
one policy or all of them. Text output is for people (verdict, plain reasons, citations,
UNVERIFIED marks); `--format json` is the stable contract (see `dronevet.policy.report`).
Unknown names, bad dates and malformed BOMs exit with code 3 and one clear sentence.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
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
from dronevet.errors import BadInputError, UnknownNameError

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from dronevet.knowledge.loader import KnowledgeBase
    from dronevet.knowledge.model import Product, Use
    from dronevet.policy.loader import PolicyBook
    from dronevet.policy.model import Policy, Verdict, VerdictReason

VERDICT_STYLE = {"permitted": "bold green", "prohibited": "bold red", "review": "bold yellow"}
OUTCOME_MARK = {
    "hit": "[red]✗[/]",
    "clear": "[green]✓[/]",
    "review": "[yellow]?[/]",
    "not_applicable": "[dim]–[/]",
    "applies": "[blue]§[/]",
}
def find_product(kb: KnowledgeBase, text: str) -> Product:
    """A product by id, alias or name (case-insensitive); unknown names suggest close ones."""
    from dronevet.policy.loader import close_matches

    wanted = text.strip().casefold()
    for product in kb.products.values():
        names = (product.id, product.name, *product.aliases)
        if any(n.casefold() == wanted for n in names):
            return product
    raise UnknownNameError(
        f"no drone model {text!r} in the knowledge base (see `dronevet models`).",
        suggestions=close_matches(text, list(kb.products)),
    )


def parse_use(text: str) -> Use:
    from dronevet.knowledge.model import Use
    from dronevet.policy.loader import close_matches

    try:
        return Use(text.strip().lower())
    except ValueError:
        uses = [u.value for u in Use]
        raise UnknownNameError(
            f"--use {text!r} is not a use; uses are {', '.join(uses)}.",
            suggestions=close_matches(text, uses),
        ) from None


def select_policies(book: PolicyBook, text: str) -> list[Policy]:
    return list(book) if text == "all" else [book.get(text)]


def check_mission_known(book: PolicyBook, mission: str | None) -> None:
    from dronevet.policy.loader import close_matches

    if mission is not None and mission not in book.missions:
        raise UnknownNameError(
            f"--mission {mission!r} is not a mission any policy names "
            f"({', '.join(book.missions)}).",
            suggestions=close_matches(mission, list(book.missions)),
        )


def mark(verified: bool) -> str:
    return "" if verified else " [bold magenta]UNVERIFIED[/]"


def verdict_label(kind: str) -> str:
    return f"[{VERDICT_STYLE[kind]}]{kind.upper()}[/]"


def verdict_panel(verdict: Verdict) -> RenderableType:
    """One verdict explained for a non-programmer."""
    from rich.console import Group
    from rich.markup import escape
    from rich.panel import Panel
    from rich.text import Text

    policy = verdict.policy
    mission = f", mission {verdict.mission}" if verdict.mission else ""
    lines: list[RenderableType] = [
        Text.from_markup(
            f"{verdict_label(verdict.verdict.value)}  {escape(verdict.subject.name)}: "
            f"{verdict.use.value} on {verdict.as_of.isoformat()}{mission}"
        ),
        Text(f"{policy.title} — binds {policy.binds}", style="dim"),
        Text(""),
    ]
    for reason in verdict.reasons:
        lines.append(
            Text.assemble(Text.from_markup(OUTCOME_MARK[reason.outcome.value]), " ", reason.text)
        )
        cite = reason.citation
        lines.append(
            Text.from_markup(
                f"    [dim]{escape(cite.clause)} — {escape(cite.source.citation)}, "
                f"{cite.source.date.isoformat()}[/]{mark(cite.source.verified)}"
            )
        )
        shown = cite.source
        for fact in reason.facts:
            # A run of facts from one document names it once.
            where = (
                ""
                if fact.source == shown
                else (f" ({fact.source.citation}, {fact.source.date.isoformat()})")
            )
            shown = fact.source
            lines.append(
                Text.assemble(
                    ("    • ", "dim"),
                    fact.claim,
                    (where, "dim"),
                    Text.from_markup(mark(fact.source.verified)),
                )
            )
    if verdict.exemptions:
        lines += [Text(""), Text("Exemption and waiver routes that could apply:", style="bold")]
        for route in verdict.exemptions:
            lines.append(Text(f"  • {route.id}: {route.text}"))
            lines.append(
                Text.from_markup(
                    f"    [dim]{escape(route.citation.clause)} — "
                    f"{escape(route.citation.source.citation)}[/]"
                    f"{mark(route.citation.source.verified)}"
                )
            )
    title = f"{policy.id} ({policy.jurisdiction.upper()})"
    return Panel(
        Group(*lines),
        title=title,
        title_align="left",
        border_style=VERDICT_STYLE[verdict.verdict.value].split()[-1],
    )


def main_reason(verdict: Verdict) -> VerdictReason | None:
    """The reason that decided the verdict."""
    wanted = {"prohibited": ("hit",), "review": ("hit", "review")}.get(verdict.verdict.value)
    for reason in verdict.reasons:
        if wanted and reason.outcome.value in wanted:
            return reason
    return verdict.reasons[0] if verdict.reasons else None


def matrix_table(verdicts: list[Verdict], title: str) -> Table:
    """All policies side by side for one subject, use and date."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title, show_lines=True, title_justify="left")
    table.add_column("policy", style="bold", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("why (clause)")
    for verdict in verdicts:
        decided = main_reason(verdict)
        why = ""
        if decided is not None:
            flag = " [magenta]UNVERIFIED[/]" if decided.unverified else ""
            why = f"{escape(decided.text)} [dim]({escape(decided.citation.clause)})[/]{flag}"
        table.add_row(verdict.policy.id, verdict_label(verdict.verdict.value), why)
    return table


def _mission_for(policy: Policy, mission: str | None) -> str | None:
    """The mission as this policy sees it (None for a policy that tiers other missions)."""
    if mission is None or not policy.missions or mission in policy.missions:
        return mission
    return None


def _subject(kb: KnowledgeBase, model: str | None, bom: Path | None) -> Product:
    if bom is not None:
        from dronevet.policy.bom import read_bom

        with screening_status(f"Reading {bom.name} and screening its makers"):
            return read_bom(bom, kb)
    if not model:
        raise BadInputError("name a drone model (see `dronevet models`) or give --bom FILE.")
    return find_product(kb, model)


def vet_command(
    model: Annotated[
        str | None, typer.Argument(help="Model id, alias or name (see `dronevet models`).")
    ] = None,
    policy: Annotated[str, typer.Option("--policy", "-p", help="Policy id, or 'all'.")] = "all",
    use: Annotated[
        str, typer.Option("--use", "-u", help="procure | operate | fund | import | authorize")
    ] = "procure",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default today.")
    ] = None,
    mission: Annotated[
        str | None,
        typer.Option("--mission", "-m", help="Mission, for policies with mission tiers."),
    ] = None,
    bom: Annotated[
        Path | None,
        typer.Option("--bom", help="Bill of materials (YAML or JSON) to vet instead of a model."),
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json")
    ] = OutputFormat.text,
) -> None:
    """May an agency buy, fly, fund, import or authorize this drone under a policy, on a date?"""
    text_or_json(fmt)
    day = parse_date(as_of)
    the_use = parse_use(use)
    from dronevet.knowledge import load_builtin
    from dronevet.policy.evaluate import Assessor, vet
    from dronevet.policy.loader import builtin_policies
    from dronevet.policy.report import verdict_dict

    kb = load_builtin()
    book = builtin_policies(kb)
    chosen = select_policies(book, policy)
    check_mission_known(book, mission)
    subject = _subject(kb, model, bom)
    assessor = Assessor(kb)
    verdicts = [
        vet(kb, subject, p, the_use, day, _mission_for(p, mission), assessor=assessor)
        for p in chosen
    ]
    if fmt is OutputFormat.json:
        data: Any = [verdict_dict(v) for v in verdicts]
        write_json(data if policy == "all" else data[0])
        return
    if policy == "all":
        title = f"{subject.name}: {the_use.value} on {day.isoformat()}" + (
            f", mission {mission}" if mission else ""
        )
        console.print(matrix_table(verdicts, title))
        console.print("[dim]Explain one: dronevet vet MODEL --policy ID ...[/]")
    else:
        console.print(verdict_panel(verdicts[0]))


def policies_command(
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json")
    ] = OutputFormat.text,
) -> None:
    """List the policies dronevet knows: who they bind, what they regulate, from when."""
    text_or_json(fmt)
    from dronevet.knowledge import load_builtin
    from dronevet.policy.loader import builtin_policies
    from dronevet.policy.report import policy_dict

    book = builtin_policies(load_builtin())
    if fmt is OutputFormat.json:
        write_json([policy_dict(p) for p in book])
        return
    console.print(f"[bold]Policies ({len(book)})[/]: `dronevet vet --policy` takes the id.\n")
    for p in book:
        nature = " [yellow](advisory: never prohibits)[/]" if p.nature.value == "advisory" else ""
        regulates = "; ".join(
            f"{u.value} from {r.start.isoformat()}"
            + (f" until {r.end.isoformat()}" if r.end else "")
            + mark(r.citation.source.verified)
            for u, r in p.regulations.items()
        )
        console.print(f"[bold]{p.id}[/] ({p.jurisdiction.upper()}) {p.title}{nature}")
        console.print(f"    binds: {p.binds}", highlight=False)
        console.print(f"    regulates: {regulates}\n", highlight=False)


_LIST_SHORT = {"us-dcma-blue-uas": "Blue UAS", "us-auvsi-green-uas": "Green UAS"}


def models_command(
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json")
    ] = OutputFormat.text,
) -> None:
    """List the drone models in the knowledge base."""
    text_or_json(fmt)
    from rich.table import Table

    from dronevet.knowledge import load_builtin
    from dronevet.policy.report import product_dict

    kb = load_builtin()
    products = sorted(kb.products.values(), key=lambda p: p.id)
    if fmt is OutputFormat.json:
        write_json([product_dict(p) for p in products])
        return
    table = Table(title=f"Drone models ({len(products)})", title_justify="left")
    table.add_column("id", no_wrap=True, style="bold")
    table.add_column("name", min_width=12)
    table.add_column("maker (built in)", min_width=10)
    table.add_column("listed today", min_width=9)
    today = date.today()
    for p in products:
        maker = (
            kb.entities[p.manufacturer].name
            if p.manufacturer in kb.entities
            else p.manufacturer_name
        )
        lists = ", ".join(
            f"{_LIST_SHORT.get(s.list_id, s.list_id)} ({s.status})" for s in p.statuses_on(today)
        )
        table.add_row(
            p.id, p.name, f"{maker} ({(p.final_assembly_country or '?').upper()})", lists
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `vet`, `policies` and `models` to the root command."""
    app.command("vet")(guarded(vet_command))
    app.command("policies")(guarded(policies_command))
    app.command("models")(guarded(models_command))
