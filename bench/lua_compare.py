"""Compare dronevet's decoded Remote ID values with the Open Drone ID Wireshark Lua dissector.

For every capture, tshark runs the dissector and prints its raw field values per frame;
dronevet decodes the same capture; messages are paired by frame, type and order, and
each field's agreement is printed. Raw values are scaled as F3411 says (lat/lon * 1e-7,
altitudes * 0.5 - 1000, 0 = unknown), so a disagreement means a decoding difference.

Usage: python bench/lua_compare.py DISSECTOR.lua CAPTURE...
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

Scale = Callable[[str], Any]


def _latlon(raw: str) -> float | None:
    return None if int(raw) == 0 else int(raw) * 1e-7  # 0 (with its pair) = unknown


def _alt(raw: str) -> float | None:
    return None if int(raw) == 0 else int(raw) * 0.5 - 1000


def _text(raw: str) -> str:
    return raw.strip()


# (our msg_type, our field, dissector field, scaling of the dissector's raw value)
FIELDS: tuple[tuple[str, str, str, Scale], ...] = (
    ("basic_id", "uas_id", "OpenDroneID.basicID_id_asc", _text),
    ("location", "lat", "OpenDroneID.loc_lat", _latlon),
    ("location", "lon", "OpenDroneID.loc_lon", _latlon),
    ("location", "alt_baro", "OpenDroneID.loc_pressAlt", _alt),
    ("location", "alt_geo", "OpenDroneID.loc_geoAlt", _alt),
    ("location", "height", "OpenDroneID.loc_height", _alt),
    ("system", "operator_lat", "OpenDroneID.system_lat", _latlon),
    ("system", "operator_lon", "OpenDroneID.system_lon", _latlon),
    ("system", "operator_alt", "OpenDroneID.system_opGeoAlt", _alt),
    ("operator_id", "operator_id", "OpenDroneID.operator_id", _text),
    ("self_id", "self_id", "OpenDroneID.self_desc", _text),
)


def _dissector(lua: Path, capture: Path) -> dict[int, dict[str, list[str]]]:
    command = ["tshark", "-X", f"lua_script:{lua}", "-r", str(capture), "-T", "fields",
               "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=^",
               "-e", "frame.number"]
    for _, _, name, _ in FIELDS:
        command += ["-e", name]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    lines: list[str] = []
    for line in out.splitlines():
        # a text field with a newline in it (garbled operator ID) continues the frame's line
        if lines and not line.split("|")[0].isdigit():
            lines[-1] += "\n" + line
        else:
            lines.append(line)
    frames: dict[int, dict[str, list[str]]] = {}
    for line in lines:
        number, *values = line.split("|")
        frames[int(number)] = {
            name: value.split("^") if value else []
            for (_, _, name, _), value in zip(FIELDS, values, strict=True)
        }
    return frames


def _ours(capture: Path) -> dict[int, dict[str, list[dict[str, Any]]]]:
    from dronevet.broadcast.pipeline import StreamDecoder
    from dronevet.capture.files import open_capture

    frames: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for detection in StreamDecoder().run(open_capture(capture)):
        record = detection.record()
        frames[record["frame"]][record["msg_type"]].append(record)
    return frames


def _same(ours: Any, theirs: Any) -> bool:
    if isinstance(ours, float) and isinstance(theirs, float):
        return abs(ours - theirs) < 1e-6
    return bool(ours == theirs)


def compare(lua: Path, capture: Path) -> None:
    """Print per-field agreement between dronevet and the dissector on one capture."""
    theirs, ours = _dissector(lua, capture), _ours(capture)
    print(f"\n{capture.name}: {len(theirs)} frames")
    for msg_type, field, name, scale in FIELDS:
        agree = total = missing = 0
        first_difference = None
        for number, fields in theirs.items():
            values = fields[name]
            records = ours.get(number, {}).get(msg_type, [])
            for index, raw in enumerate(values):
                total += 1
                if index >= len(records):
                    missing += 1  # e.g. Bluetooth frames with a bad CRC, which dronevet drops
                    continue
                mine, expected = records[index].get(field), scale(raw)
                if _same(mine, expected):
                    agree += 1
                elif first_difference is None:
                    first_difference = (number, mine, expected)
        if total:
            note = f"  first difference: frame {first_difference}" if first_difference else ""
            print(f"  {msg_type + '.' + field:<26} {agree:>5}/{total - missing:<5} agree, "
                  f"{missing} only in the dissector{note}")


def compare_all(lua: Path, captures: list[Path]) -> None:
    """Compare every capture in turn."""
    for capture in captures:
        compare(lua, capture)


if __name__ == "__main__":
    compare_all(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
