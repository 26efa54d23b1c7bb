"""Settings from environment variables, read in one place and passed down.

The core never reads the environment: a front (the CLI, the web app, a worker) calls
`Settings.from_env()` once and hands the value to what needs it.

- `DRONEVET_HOME`: where user data lives (the SQLite database, which keeps imports too);
  default `$XDG_DATA_HOME/dronevet`, else `~/.local/share/dronevet`.
- `DRONEVET_DATABASE_URL`: the store's SQLAlchemy URL; default an SQLite file in the home.
- `DRONEVET_MQTT_URL`: the broker detections are published to, e.g. `mqtt://127.0.0.1:1883/dronevet`.
- `DRONEVET_ASN_DB`: the folder of the address-to-network database the leak reports use, or
  the npm prefix it was installed under (`leaks.asn`); default the home's `data` folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Settings:
    """Where dronevet keeps its data and which services it talks to."""

    home: Path
    database_url: str
    mqtt_url: str | None = None
    tile_url: str | None = None
    """A site's own map tile server, `https://tiles.example/{z}/{x}/{y}.png`
    (`DRONEVET_TILE_URL`); without one the map draws only its offline basemap."""
    asn_db: Path | None = None
    """The address-to-network database's folder when `DRONEVET_ASN_DB` names one."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from `environ` (default: the process environment)."""
        env = os.environ if environ is None else environ
        found = cls.at(_home(env), database_url=env.get("DRONEVET_DATABASE_URL") or None,
                       mqtt_url=env.get("DRONEVET_MQTT_URL") or None)
        asn_db = env.get("DRONEVET_ASN_DB")
        return replace(found, tile_url=env.get("DRONEVET_TILE_URL") or None,
                       asn_db=Path(asn_db).expanduser() if asn_db else None)

    @classmethod
    def at(
        cls, home: Path, *, database_url: str | None = None, mqtt_url: str | None = None
    ) -> Settings:
        """Settings with user data under `home` (the database defaults to a file there)."""
        home = Path(home).expanduser()
        url = database_url or f"sqlite:///{home / 'dronevet.sqlite3'}"
        return cls(home=home, database_url=url, mqtt_url=mqtt_url)

    @property
    def imports_dir(self) -> Path:
        """Where earlier versions kept the FtM files a user added (now in the database; the
        files there are moved in once)."""
        return self.home / "imports"

    @property
    def cache_dir(self) -> Path:
        """Where indexes built from installed data are kept, to be rebuilt at will."""
        return self.home / "cache"


def _home(env: Mapping[str, str]) -> Path:
    value = env.get("DRONEVET_HOME")
    if value:
        return Path(value).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dronevet"
