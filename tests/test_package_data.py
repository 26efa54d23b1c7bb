"""A non-editable install (`pip install .`, a wheel) carries every file the package reads
at run time: the knowledge base's data, the web pages' templates and static files, the
reports' templates, the migrations' template. Each file in the package that is not Python
source must be named by a `[tool.setuptools.package-data]` pattern in pyproject.toml,
which is what setuptools copies into the wheel."""

from __future__ import annotations

import tomllib
from pathlib import Path

import dronevet

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(dronevet.__file__).parent


def data_files() -> set[Path]:
    return {path for path in PACKAGE.rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc")
            and "__pycache__" not in path.parts}


def test_every_file_the_package_reads_is_in_its_package_data() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = settings["tool"]["setuptools"]["package-data"]["dronevet"]
    packaged = {path for pattern in patterns for path in PACKAGE.glob(pattern)
                if path.is_file()}
    assert data_files() - packaged == set()


def test_the_web_pages_templates_and_static_files_are_among_them() -> None:
    names = {path.relative_to(PACKAGE).as_posix() for path in data_files()}
    assert {"web/templates/base.html", "web/templates/aircraft_list.html",
            "web/static/style.css", "reports/templates/memo.html.j2"} <= names
