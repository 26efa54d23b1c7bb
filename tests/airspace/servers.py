"""Servers of the tests' own: a persistent Mosquitto and a PostgreSQL instance on free ports,
which a test may stop and start again (PostgreSQL runs as `postgres` when the tests run as
root: it refuses root)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_port(port: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


class Mosquitto:
    """A Mosquitto broker of the test's own, persistent (it keeps sessions and queued
    messages across a restart), on a free port."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary, self.port = binary, free_port()
        self.config = directory / "mosquitto.conf"
        (directory / "data").mkdir()
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {directory / 'data'}/\nmax_inflight_messages 100\n"
            "max_queued_messages 0\nautosave_interval 1\n"
            # As root, Mosquitto would switch to its own user, which cannot write here.
            + ("user root\n" if os.geteuid() == 0 else "")
        )
        self.log = (directory / "mosquitto.log").open("ab")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([self.binary, "-c", str(self.config)],
                                        stdout=self.log, stderr=self.log)  # fmt: skip
        _wait_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()  # SIGTERM: it writes its persistence file first
            self.process.wait(10)
            self.process = None


class Postgres:
    """A PostgreSQL server of the test's own on a free port (as `postgres` under root)."""

    def __init__(self, directory: Path) -> None:
        self.port, self.data, self.logfile = free_port(), directory / "data", directory / "pg.log"
        self.sockets = directory
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(directory, "postgres")
        self._run(PG_BIN / "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync")  # fmt: skip

    def _run(self, *command: object) -> None:
        subprocess.run([*self.as_user, *map(str, command)], check=True, capture_output=True)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.logfile, "-w", "-o",
                  f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off",
                  "start")  # fmt: skip

    def stop(self) -> None:
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
