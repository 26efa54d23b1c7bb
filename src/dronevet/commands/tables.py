"""Tables of drones for people: who is flying, where, and where the pilot stands.

One row per drone (a track, or a DroneID transmitter): the identifier it broadcasts, the
make and model the broadcast names, whether the maker is covered, the last position, the
pilot's or operator's position and their distance from the drone, first and last heard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dronevet.broadcast.geo import distance_m

if TYPE_CHECKING:
    from rich.console import Group
    from rich.table import Table

COVERED_STYLE = {"covered": "bold red", "review": "bold yellow", "not_covered": "green",
                 "unknown": "dim"}  # fmt: skip


def _place(lat: Any, lon: Any) -> str:
    if isinstance(lat, float | int) and isinstance(lon, float | int):
        return f"{lat:.5f}, {lon:.5f}"
    return "—"


def _make(identity: dict[str, Any]) -> str:
    maker = identity.get("manufacturer")
    name = maker["name"] if maker else "unknown make"
    model = identity.get("product")
    return f"{name}, {model}" if model else name


def _key_width(rows: list[dict[str, Any]]) -> int:
    """Room for the longest identifier on one line (a 20-character UAS ID at most)."""
    return max(16, min(20, max((len(str(row.get("key"))) for row in rows), default=0)))


def _drone(row: dict[str, Any], identity: dict[str, Any]) -> Group:
    """The drone's identifier (bold, never broken), its make and model below."""
    from rich.console import Group
    from rich.text import Text

    return Group(Text(str(row.get("key")), style="bold", no_wrap=True), Text(_make(identity)))


def tracks_table(rows: list[dict[str, Any]]) -> Table:
    """The drones heard, one row each (rows are track summaries with their identity)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Drones heard ({len(rows)})", title_justify="left", show_lines=True)
    table.add_column("drone, make and model", width=_key_width(rows))
    table.add_column("covered?", no_wrap=True)
    table.add_column("last position")
    table.add_column("pilot or operator")
    table.add_column("first and last heard (UTC)")
    for row in rows:
        status = str(row.get("covered_status") or "unknown")
        identity = row.get("identity") or {}
        table.add_row(
            _drone(row, identity),
            Text(status.replace("_", " "), style=COVERED_STYLE.get(status, "")),
            _place(row.get("lat"), row.get("lon")),
            _from_drone(row, "operator") or "—",
            _heard(str(row.get("first_seen") or ""), str(row.get("last_seen") or "")),
        )
    return table


def _heard(first: str, last: str) -> str:
    """'2021-05-21 21:52:11 – 21:52:25' (the date again when the last day differs), the
    times on a line of their own so a narrow table never cuts them."""
    end = last[11:19] if last[:10] == first[:10] else f"{last[:10]} {last[11:19]}"
    return f"{first[:10]}\n{first[11:19]} – {end}"


def identity_notes(rows: list[dict[str, Any]]) -> list[str]:
    """What each row's make and covered status rest on, one line per drone."""
    notes = []
    for row in rows:
        identity = row.get("identity") or {}
        note = f"{row.get('key')}: {identity.get('basis', '')}"
        if row.get("covered_reason"):
            note += f" {row['covered_reason']}"
        notes.append(note)
    return notes



def _seconds(value: float) -> str:
    return f"{value * 1000:.2f} ms" if value < 1 else f"{value:.3f} s"


def _from_drone(row: dict[str, Any], role: str, label: bool = False) -> str | None:
    """'51.44623, 7.26710 (16 m away)': `role`'s position (`pilot`, `home`, `operator`)
    and its distance from the drone, after the role's name with `label`; None when
    unknown."""
    lat, lon = row.get(f"{role}_lat"), row.get(f"{role}_lon")
    if not isinstance(lat, float | int) or not isinstance(lon, float | int):
        return None
    where = f"{role} {_place(lat, lon)}" if label else _place(lat, lon)
    if isinstance(row.get("lat"), float | int) and isinstance(row.get("lon"), float | int):
        where += f" ({distance_m(lat, lon, row['lat'], row['lon']):,.0f} m away)"
    return where


def _drone_position(row: dict[str, Any]) -> str:
    where = _place(row.get("lat"), row.get("lon"))
    if where != "—" and row.get("alt") is not None:
        where += f"\naltitude {row['alt']} m, {row['height']} m above home"
    return where


def _bursts(row: dict[str, Any]) -> str:
    first, last = _seconds(row["first_s"]), _seconds(row["last_s"])
    count = f"{row['bursts']} burst" + ("s" if row["bursts"] > 1 else "")
    text = f"{count} at {first}" + (f" – {last}" if last != first else "")
    if row.get("first_seen"):
        text += f"\napp time {_heard(row['first_seen'], row['last_seen'])}"
    return text


def droneid_table(rows: list[dict[str, Any]]) -> Table:
    """The DJI drones DroneID bursts named, one row each (rows are
    `ocusync.drones.DroneTally` summaries with their identity, see `identity.track_identity`)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"DJI drones heard ({len(rows)})", title_justify="left",
                  show_lines=True)  # fmt: skip
    table.add_column("drone (serial), make and model", width=_key_width(rows))
    table.add_column("covered?", no_wrap=True)
    table.add_column("last position")
    table.add_column("pilot and home point")
    table.add_column("heard (from the start; UTC)")
    for row in rows:
        status = str(row.get("covered_status") or "unknown")
        places = [_from_drone(row, "pilot", label=True), _from_drone(row, "home", label=True)]
        table.add_row(
            _drone(row, row.get("identity") or {}),
            Text(status.replace("_", " "), style=COVERED_STYLE.get(status, "")),
            _drone_position(row),
            "\n".join(place for place in places if place) or "—",
            _bursts(row),
        )
    return table
