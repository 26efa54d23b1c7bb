"""Settings from environment variables, read in one place.

`DRONEVET_HOME`: where user data lives (imported FtM entities, the SQLite database);
defaults to `~/.local/share/dronevet`.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """Directory for user data; created on first use by whoever writes to it."""
    value = os.environ.get("DRONEVET_HOME")
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dronevet"


def imports_dir() -> Path:
    """Where `dronevet kb import` keeps the FtM files a user added."""
    return home() / "imports"
