"""The `dronevet` command line: one Typer app per area, assembled here.

Each area's commands live in `dronevet.commands.<area>`, parse their arguments, ask the
core (`dronevet.api`) and render the answer; they decide nothing. Command modules import
their heavy dependencies inside the command functions, so `dronevet --help` starts fast.
"""

from __future__ import annotations

import warnings

import typer

from dronevet.commands import (
    airspace,
    demo,
    droneid,
    fleet,
    kb,
    leaks,
    report,
    rid,
    screen,
    serve,
    user,
    vet,
)

app = typer.Typer(
    name="dronevet",
    help="Vet drones for government use: who controls them, what they leak, "
    "and whether a policy lets you buy, fly or fund them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

app.add_typer(vet.app)
app.add_typer(screen.app)
app.add_typer(demo.app)
app.add_typer(kb.app, name="kb")
app.add_typer(rid.app, name="rid")
app.add_typer(droneid.app, name="droneid")
app.add_typer(fleet.app, name="fleet")
app.add_typer(fleet.audit_app, name="audit")
app.add_typer(serve.app)
app.add_typer(user.app, name="user")
app.add_typer(report.app, name="report")
app.add_typer(leaks.app, name="leaks")
app.add_typer(airspace.app, name="airspace")


def main() -> None:
    """Console-script entry point. Library warnings (numba, numpy) are for developers: a
    person running a command sees only dronevet's own messages."""
    warnings.simplefilter("ignore")
    app()


if __name__ == "__main__":
    main()
