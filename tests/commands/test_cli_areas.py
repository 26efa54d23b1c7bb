"""The command line built for one area holds that area's commands, and the table of areas
names every command and group the whole command line has."""

from __future__ import annotations

import subprocess
import sys

import typer.main

from dronevet import cli


def _names(app: typer.Typer) -> list[str]:
    group = typer.main.get_group(app)
    return list(group.commands)


def test_the_table_names_every_command_and_group_in_help_order() -> None:
    assert _names(cli.app) == list(cli.AREAS)


def test_each_area_alone_holds_its_command() -> None:
    for name, (module, attribute, _group) in cli.AREAS.items():
        alone = _names(cli.build(name))
        assert name in alone
        same_area = [n for n, area in cli.AREAS.items() if area[:2] == (module, attribute)]
        assert alone == same_area


def test_a_leaks_run_imports_no_other_area() -> None:
    script = (
        "import sys\n"
        "from dronevet import cli\n"
        "sys.argv = ['dronevet', 'leaks', '--help']\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('dronevet.commands.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    loaded = out.strip().splitlines()[-1]
    assert "dronevet.commands.leaks" in loaded
    for other in ("airspace", "fleet", "vet", "rid", "droneid", "demo"):
        assert f"dronevet.commands.{other}'" not in loaded


def test_a_mistyped_command_still_gets_the_whole_list() -> None:
    done = subprocess.run([sys.executable, "-m", "dronevet.cli", "leak"], capture_output=True,
                          text=True)
    assert done.returncode == 2
    assert "No such command 'leak'" in done.stderr
