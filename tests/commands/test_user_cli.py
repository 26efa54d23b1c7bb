"""`dronevet user add|list|remove`, as the person who runs the store sets accounts up, on
SQLite and on PostgreSQL: the password comes from standard input or a hidden prompt
(twice), never from an option; the account can then sign in; and each mistake (an unknown
role or organisation, a short password, a name taken) is one clear sentence with exit 3,
or exit 2 for a command written wrong, and leaves no account behind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dronevet import accounts
from dronevet.cli import app
from dronevet.fleet.register import open_register
from dronevet.settings import Settings

PASSWORD = "correct horse battery staple"


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    env = {"DRONEVET_HOME": str(tmp_path / "home"), "DRONEVET_DATABASE_URL": database_url}
    assert run(env, "fleet", "org", "Sheriff", "--policies", "asda")[0] == 0
    return env


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env, input=stdin)
    return result.exit_code, " ".join(result.output.split())


def names(env: dict[str, str]) -> list[str]:
    code, out = run(env, "user", "list", "--format", "json")
    assert code == 0, out
    return [u["name"] for u in json.loads(out)]


def signs_in(env: dict[str, str], name: str, password: str) -> bool:
    register = open_register(Settings.from_env(env))
    try:
        return accounts.authenticate(register, name, password) is not None
    finally:
        register.sessions.kw["bind"].dispose()


def test_an_account_is_added_from_stdin_listed_and_removed(env: dict[str, str]) -> None:
    code, out = run(env, "user", "add", "ana", "--role", "program-manager", "--org", "Sheriff",
                    "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and out == "added ana: program-manager of Sheriff"
    assert PASSWORD not in out
    assert signs_in(env, "ana", PASSWORD) and not signs_in(env, "ana", PASSWORD + "!")
    code, out = run(env, "user", "add", "root", "--role", "admin", "--password-stdin",
                    stdin=PASSWORD)
    assert code == 0 and out == "added root: admin of the whole store"
    code, out = run(env, "user", "list")
    assert out == "ana: program-manager, Sheriff root: admin, whole store"
    code, out = run(env, "user", "list", "--org", "Sheriff", "--format", "json")
    assert json.loads(out) == [
        {"name": "ana", "role": "program-manager", "organisation": "Sheriff"}]
    code, out = run(env, "user", "remove", "ana")
    assert code == 0 and out == "removed ana"
    assert names(env) == ["root"] and not signs_in(env, "ana", PASSWORD)


def test_the_prompt_asks_twice_and_refuses_two_different_passwords(env: dict[str, str]) -> None:
    code, out = run(env, "user", "add", "bo", "--role", "viewer", "--org", "Sheriff",
                    stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0 and "added bo: viewer of Sheriff" in out
    assert PASSWORD not in out  # the prompt hides what is typed
    code, out = run(env, "user", "add", "cy", "--role", "viewer", "--org", "Sheriff",
                    stdin=f"{PASSWORD}\n{PASSWORD}x\n")
    assert code == 3 and "the two passwords differ; nothing was saved" in out
    assert names(env) == ["bo"]


def test_no_accounts_says_how_to_add_one(env: dict[str, str]) -> None:
    code, out = run(env, "user", "list")
    assert code == 0 and "dronevet user add NAME --role admin" in out


@pytest.mark.parametrize(("args", "stdin", "says"), [
    (["--role", "sherif", "--org", "Sheriff"], PASSWORD, "no role 'sherif'; the roles are "
     "viewer, program-manager, security-officer, approving-official, admin"),
    (["--role", "viewer", "--org", "Sherif"], PASSWORD, "no organisation named 'Sherif'"),
    (["--role", "viewer", "--org", "Sheriff"], "short", "a password needs 12 characters"),
    (["--role", "viewer", "--org", "Sheriff"], "", "a password needs 12 characters"),
    (["--role", "viewer"], PASSWORD, "a viewer belongs to an organisation: give --org"),
])  # fmt: skip
def test_an_account_that_cannot_be_made_is_refused_with_exit_3(
    env: dict[str, str], args: list[str], stdin: str, says: str
) -> None:
    code, out = run(env, "user", "add", "dee", *args, "--password-stdin", stdin=stdin)
    assert code == 3 and says in out, out
    assert "Traceback" not in out
    assert names(env) == []


def test_an_unknown_organisation_is_refused_before_the_password_is_asked(
    env: dict[str, str],
) -> None:
    code, out = run(env, "user", "add", "dee", "--role", "viewer", "--org", "Sherif")
    assert code == 3 and "password" not in out and "Did you mean: Sheriff?" in out


def test_a_name_taken_is_refused(env: dict[str, str]) -> None:
    add = ["user", "add", "ed", "--role", "viewer", "--org", "Sheriff", "--password-stdin"]
    assert run(env, *add, stdin=PASSWORD)[0] == 0
    code, out = run(env, *add, stdin=PASSWORD + "2")
    assert code == 3 and "a user named 'ed' exists already" in out
    assert signs_in(env, "ed", PASSWORD) and not signs_in(env, "ed", PASSWORD + "2")


def test_removing_an_unknown_account_names_the_close_ones(env: dict[str, str]) -> None:
    run(env, "user", "add", "fay", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    code, out = run(env, "user", "remove", "fey")
    assert code == 3 and "no user named 'fey'" in out and "fay" in out
    assert names(env) == ["fay"]


@pytest.mark.parametrize("args", [
    ["user", "add", "gus", "--org", "Sheriff"],
    ["user", "add", "--role", "viewer"],
    ["user", "add", "gus", "--role", "viewer", "--password", PASSWORD],
    ["user", "list", "--format", "xml"],
    ["user", "remove"],
])  # fmt: skip
def test_a_command_written_wrong_exits_2(env: dict[str, str], args: list[str]) -> None:
    code, out = run(env, *args, stdin=PASSWORD)
    assert code == 2, out
    assert "Traceback" not in out
    assert names(env) == []
