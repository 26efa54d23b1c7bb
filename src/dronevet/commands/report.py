"""`dronevet report memo|fleet`: reports to hand to a legal office, as PDF or HTML.

- `report memo PRODUCT|--bom FILE [--org NAME] [--as-of DATE] [--mission M] -o FILE`:
  the procurement decision memo (`reports/memo.py`), under the policies that bind the
  organisation (every policy without `--org`).
- `report fleet --org NAME [--as-of DATE] -o FILE`: the fleet compliance report
  (`reports/compliance.py`).

The output's name says its format: `.pdf`, or `.html` / `.htm`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from dronevet.commands.common import err_console, existing_file, guarded, parse_date, say
from dronevet.errors import BadInputError, UsageError

app = typer.Typer(
    help="Reports to hand on: a procurement decision memo, a fleet compliance report.",
    no_args_is_help=True,
)

OutputOption = Annotated[
    Path, typer.Option("--output", "-o", help="Where to write it: FILE.pdf or FILE.html.")
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Date of the verdicts (YYYY-MM-DD); default today.")
]


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix in (".html", ".htm"):
        return "html"
    raise UsageError(f"-o {path.name}: the file name must end in .pdf or .html")


def _write(path: Path, html: str, kind: str) -> None:
    """Write `html` to `path` as the format its name says (`kind` was read from it)."""
    try:
        if kind == "pdf":
            from dronevet.reports.pdf import pdf_of

            with err_console.status("Laying out the PDF"):
                path.write_bytes(pdf_of(html))
        else:
            path.write_text(html, encoding="utf-8")
    except OSError as error:
        raise BadInputError(f"cannot write it ({error.strerror}).", path=str(path)) from None


@app.command("memo")
@guarded
def memo_command(
    output: OutputOption,
    model: Annotated[
        str | None, typer.Argument(help="Model id, alias or name (see `dronevet models`).")
    ] = None,
    bom: Annotated[
        Path | None, typer.Option("--bom", help="Bill of materials (YAML or JSON) instead.")
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Prepared for this organisation, under the "
                                 "policies that bind it (`dronevet fleet org`).")
    ] = None,
    as_of: AsOfOption = None,
    mission: Annotated[
        str | None, typer.Option("--mission", "-m", help="Mission (search-and-rescue...).")
    ] = None,
) -> None:
    """A procurement decision memo for a model or a bill of materials: every verdict with
    its clause and sources, and a recommendation."""
    from dronevet.api import load_knowledge
    from dronevet.reports.memo import decision_memo
    from dronevet.reports.render import render_memo

    if model is not None and bom is not None:
        raise UsageError("give a model or --bom FILE, not both.")
    if bom is None and (model is None or not model.strip()):
        raise UsageError("name a drone model (see `dronevet models`) or give --bom FILE.")
    kind = _format(output)
    day = parse_date(as_of)
    subject: str | Path = existing_file(bom) if bom is not None else str(model)
    kb = load_knowledge()
    organisation = None
    if org is not None:
        from dronevet.fleet.register import open_register
        from dronevet.settings import Settings

        organisation = open_register(Settings.from_env()).organisation(org)
    memo = decision_memo(kb, subject, as_of=day, prepared_on=date.today(),
                         organisation=organisation, mission=mission)
    _write(output, render_memo(memo), kind)
    say("Wrote ", str(output), f": {memo.subject}, {len(memo.entries)} verdicts.")
    say(memo.recommendation)


@app.command("fleet")
@guarded
def fleet_command(
    output: OutputOption,
    org: Annotated[str, typer.Option("--org", help="The organisation (`dronevet fleet org`).")],
    as_of: AsOfOption = None,
) -> None:
    """A fleet compliance report: status on a date, grounded aircraft and when, value at
    risk, waivers, charts, and the clauses and sources behind every verdict."""
    from dronevet.api import load_knowledge
    from dronevet.fleet.register import open_register
    from dronevet.reports.compliance import compliance_report
    from dronevet.reports.render import render_compliance
    from dronevet.settings import Settings

    kind = _format(output)
    day = parse_date(as_of)
    register = open_register(Settings.from_env())
    organisation = register.organisation(org)
    report = compliance_report(register, load_knowledge(), organisation, as_of=day,
                               prepared_on=date.today())
    _write(output, render_compliance(report), kind)
    totals = report.status["totals"]
    say("Wrote ", str(output), f": {organisation.name} as of {day.isoformat()}, "
        f"{totals['aircraft']} aircraft in service, {totals['grounded']['aircraft']} grounded "
        "now or later.")
