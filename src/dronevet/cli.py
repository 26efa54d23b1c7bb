"""The `dronevet` command line: one command group per area.

Each area's commands live in `dronevet.commands.<area>`; this module only assembles them.
Command modules import their heavy dependencies inside the command functions, so that
`dronevet --help` and quick commands start fast.
"""

from __future__ import annotations

import typer

from dronevet.commands import demo, droneid, kb, rid, screen, vet

app = typer.Typer(
    name="dronevet",
    help="Vet drones for government use: who controls them, what they leak, "
    "and whether a policy lets you buy, fly or fund them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.add_typer(kb.app, name="kb")
app.add_typer(rid.app, name="rid")
app.add_typer(droneid.app, name="droneid")
screen.register(app)
vet.register(app)
demo.register(app)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
