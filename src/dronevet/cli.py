"""The `dronevet` command line: one Typer app per area, assembled here.

Each area's commands live in `dronevet.commands.<area>`, parse their arguments, ask the
core (`dronevet.api`) and render the answer; they decide nothing. Command modules import
their heavy dependencies inside the command functions, so `dronevet --help` starts fast.
A run that names a command or group (`dronevet leaks analyze ...`) builds only that area's
app (`AREAS`): the other areas are neither imported nor turned into commands. `app` (the
whole command line, for tests and `--help`) is built when first asked for.
"""

from __future__ import annotations

import importlib
import sys
import warnings

import typer

AREAS: dict[str, tuple[str, str, str | None]] = {
    "vet": ("vet", "app", None),
    "policies": ("vet", "app", None),
    "models": ("vet", "app", None),
    "screen": ("screen", "app", None),
    "demo": ("demo", "app", None),
    "kb": ("kb", "app", "kb"),
    "rid": ("rid", "app", "rid"),
    "droneid": ("droneid", "app", "droneid"),
    "fleet": ("fleet", "app", "fleet"),
    "audit": ("fleet", "audit_app", "audit"),
    "serve": ("serve", "app", None),
    "user": ("user", "app", "user"),
    "report": ("report", "app", "report"),
    "leaks": ("leaks", "app", "leaks"),
    "airspace": ("airspace", "app", "airspace"),
}
"""Each command or group at the top of the command line, in `--help` order: the module in
`dronevet.commands` it lives in, that module's Typer app, and the group's name (None: the
app's commands sit at the top)."""


def _root() -> None:
    """Vet drones for government use: who controls them, what they leak, and whether a
    policy lets you buy, fly or fund them."""


def build(only: str | None = None) -> typer.Typer:
    """The command line: every area, or only the one holding the command `only`."""
    root = typer.Typer(
        name="dronevet",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    root.callback()(_root)  # a group even when one area's single command is all it holds
    added: set[tuple[str, str]] = set()
    for name, (module, attribute, group) in AREAS.items():
        if (only is not None and name != only) or (module, attribute) in added:
            continue
        added.add((module, attribute))
        area = getattr(importlib.import_module(f"dronevet.commands.{module}"), attribute)
        if group is None:
            root.add_typer(area)
        else:
            root.add_typer(area, name=group)
    return root


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        whole = build()
        globals()["app"] = whole
        return whole
    raise AttributeError(name)


def main() -> None:
    """Console-script entry point. Library warnings (numba, numpy) are for developers: a
    person running a command sees only dronevet's own messages."""
    warnings.simplefilter("ignore")
    first = sys.argv[1] if len(sys.argv) > 1 else None
    build(first if first in AREAS else None)()


if __name__ == "__main__":
    main()
