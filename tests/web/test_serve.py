"""`dronevet serve` as a person starts it: a real process under uvicorn, on a free port of
the loopback, answering over real HTTP (sign in, vet), and stopping cleanly when asked.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dronevet import api as core
from web.conftest import PASSWORD, Seeded

STARTUP = 60.0
"""Seconds the server may take to load the knowledge base and open the store."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(
    sqlite_store: tuple[str, Seeded], tmp_path: Path
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    url, _ = sqlite_store
    port = free_port()
    env = {**os.environ, "DRONEVET_HOME": str(tmp_path / "home"), "DRONEVET_DATABASE_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "dronevet.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            assert process.poll() is None, process.communicate()[0]
            try:
                httpx.get(f"{base}/api/v1/openapi.json", timeout=2.0)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "dronevet serve did not start in time"
                time.sleep(0.2)
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_serve_answers_over_http_and_stops_when_asked(
    served: tuple[str, subprocess.Popen[str]],
) -> None:
    base, process = served
    with httpx.Client(base_url=base, timeout=30.0) as client:
        signed = client.post("/api/v1/auth/token",
                             data={"username": "fire-viewer", "password": PASSWORD})
        assert signed.status_code == 200, signed.text
        headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        question = {"product": "DJI M30T", "policy": "asda", "use": "operate",
                    "as_of": "2026-03-02"}
        answer = client.post("/api/v1/vet", json=question, headers=headers)
        assert answer.status_code == 200, answer.text
        expected = core.vet("DJI M30T", policy="asda", use="operate", as_of="2026-03-02")
        assert answer.json() == expected.to_dict()
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "server" not in answer.headers  # uvicorn's banner is off
        assert client.get("/api/v1/aircraft").status_code == 401
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert f"dronevet serving {base}/api/v1 on sqlite:///" in output
    assert "Traceback" not in output
