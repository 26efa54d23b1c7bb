"""The web pages under test: the app on a real uvicorn server in a thread, on a fresh SQLite
store (`agency.py`), and Debian's Chromium driven by Playwright (never a downloaded browser).

Where /usr/bin/chromium is missing the browser tests skip, saying so; with
`DRONEVET_REQUIRE_SHARED=1` (CI, whose `.ci/run` installs it) they fail instead. Each page
a test visits is saved as a screenshot under `tests/artifacts/` (or `$DRONEVET_ARTIFACTS`),
checked with axe-core in the page and parsed by a strict HTML parser.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from dronevet.web.app import create_app
from web_ui.agency import Agency, build

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def agency(tmp_path_factory: pytest.TempPathFactory) -> Agency:
    return build(tmp_path_factory.mktemp("web") / "home")


@pytest.fixture(scope="session")
def server(agency: Agency) -> Iterator[str]:
    """The app served on a free loopback port; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(agency.settings), host="127.0.0.1", port=port,
                            log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web app did not start within 30 seconds")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    folder = Path(os.environ.get("DRONEVET_ARTIFACTS") or ROOT / "tests" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (CI installs Debian's chromium package)"
        if os.environ.get("DRONEVET_REQUIRE_SHARED") == "1":
            pytest.fail(message + "; DRONEVET_REQUIRE_SHARED=1 demands it")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()
