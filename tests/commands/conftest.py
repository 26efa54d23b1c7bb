"""Fixtures for the command tests: the small knowledge base of the screening tests, and a
`run` that invokes the real `dronevet` application as a person would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from dronevet.cli import app
from dronevet.commands import common
from screening.conftest import small_kb, write_kb

__all__ = ["small_kb", "write_kb"]


def output_of(result: Result) -> str:
    """What a person sees: standard output and standard error as they were interleaved."""
    return result.output


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test has its own empty user data directory, and wide consoles so long paths
    in messages are not wrapped."""
    monkeypatch.setenv("DRONEVET_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(common.console, "width", 400)
    monkeypatch.setattr(common.err_console, "width", 400)
    yield tmp_path / "home"


@pytest.fixture
def run() -> Callable[..., Result]:
    """`run("vet", "M30T", ...)`: the CLI's result (exit code, output)."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return invoke
