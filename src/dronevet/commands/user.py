"""`dronevet user add|list|remove`: the local accounts that sign in to the API and the
web pages.

Roles: viewer, program-manager, security-officer, approving-official, admin (what each
may do: `dronevet.access`). Every role but admin belongs to an organisation (`--org`); an
admin without one administers the whole store. The password is asked for twice (hidden),
or read from standard input with `--password-stdin` (for scripts); it is never an option,
so it never lands in the shell's history or the process list.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dronevet.commands.common import FORMAT_HELP, TextOrJson, guarded, say, write_json
from dronevet.commands.fleet import actor, register
from dronevet.errors import BadInputError

app = typer.Typer(help="Accounts that sign in to the API and the web pages.",
                  no_args_is_help=True)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("password", hide_input=True)
    if typer.prompt("again", hide_input=True) != first:
        raise BadInputError("the two passwords differ; nothing was saved")
    return str(first)


@app.command("add")
@guarded
def add(
    name: Annotated[str, typer.Argument(help="the user name they sign in with")],
    role: Annotated[str, typer.Option("--role", help="viewer, program-manager, "
                                      "security-officer, approving-official or admin")],
    organisation: Annotated[str | None, typer.Option("--org", help="their organisation "
                                                     "(required but for an admin)")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                 help="read the password from stdin")] = False,
) -> None:
    """Create an account (its password: 12 characters at least)."""
    from dronevet.access import Role
    from dronevet.accounts import add_user

    chosen = Role.parse(role)
    store = register()
    if organisation is not None:
        store.organisation(organisation)  # an unknown name fails before the password prompt
    user = add_user(store, name, _password(password_stdin), chosen, organisation,
                    actor=actor())
    where = f" of {user.organisation}" if user.organisation else " of the whole store"
    say(f"added {user.name}: {user.role.value}{where}")


@app.command("list")
@guarded
def list_users(
    organisation: Annotated[str | None, typer.Option("--org", help="only this organisation")]
    = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = (
        TextOrJson.text
    ),
) -> None:
    """The accounts, by name."""
    from dronevet.accounts import users

    found = users(register(), organisation)
    if fmt is TextOrJson.json:
        write_json([u.to_dict() for u in found])
        return
    if not found:
        say("no accounts yet: add one with `dronevet user add NAME --role admin`")
    for user in found:
        say(f"{user.name}: {user.role.value}, {user.organisation or 'whole store'}")


@app.command("remove")
@guarded
def remove(name: Annotated[str, typer.Argument(help="the user name")]) -> None:
    """Delete an account; its signed-in sessions end at once."""
    from dronevet.accounts import remove_user

    gone = remove_user(register(), name, actor=actor())
    say(f"removed {gone.name}")
