"""Test helpers: locating `../shared` captures, external tools, optional packages and data.

A test that needs a shared capture, an external tool (tshark, mosquitto), an optional
package (followthemoney) or installed data (the npm ASN database) skips with a
reason when it is absent, and fails instead when `DRONEVET_REQUIRE_SHARED=1` (CI sets it).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DRONEVET_SHARED", ROOT.parent / "shared"))


def _required() -> bool:
    return os.environ.get("DRONEVET_REQUIRE_SHARED") == "1"


def shared_path(relative: str) -> Path:
    """Path of a file under `../shared`; skip (or fail in CI) when it is missing."""
    path = SHARED / relative
    if not path.exists():
        message = f"{relative} not found under {SHARED} (the shared captures sit beside the repo)"
        if _required():
            pytest.fail(message + "; DRONEVET_REQUIRE_SHARED=1 demands it")
        pytest.skip(message)
    return path


def require_tool(name: str) -> str:
    """Path of an external program; skip (or fail in CI) when it is not installed."""
    found = shutil.which(name)
    if not found:
        message = f"{name} is not installed (CI installs it from Debian)"
        if _required():
            pytest.fail(message + "; DRONEVET_REQUIRE_SHARED=1 demands it")
        pytest.skip(message)
    return found


def require_module(name: str) -> None:
    """Skip (or fail in CI) when an optional package is not installed; usable at module level."""
    if importlib.util.find_spec(name) is None:
        message = f"the optional package {name} is not installed (pip install 'dronevet[ftm]')"
        if _required():
            pytest.fail(message + "; DRONEVET_REQUIRE_SHARED=1 demands it")
        pytest.skip(message, allow_module_level=True)


def require_asn_database() -> Path:
    """The folder of the installed `@ip-location-db/asn` package (`DRONEVET_ASN_DB`, else
    the home's `data` folder); skip (or fail in CI) when it is not installed."""
    from dronevet.errors import BadInputError
    from dronevet.leaks.asn import PACKAGE, AsnDatabase
    from dronevet.settings import Settings

    try:
        found = AsnDatabase.located(Settings.from_env())
    except BadInputError as error:
        reason = str(error)
    else:
        if found.installed:
            return found.folder
        reason = f"{PACKAGE} is not installed in {found.folder}"
    message = (f"{reason} (install it with `npm install --prefix DIR {PACKAGE}` and set "
               "DRONEVET_ASN_DB=DIR; .ci/run does)")
    if _required():
        pytest.fail(message + "; DRONEVET_REQUIRE_SHARED=1 demands it")
    pytest.skip(message)
