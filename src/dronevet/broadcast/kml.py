"""KML 2.2 of drone broadcasts, for Google Earth and GIS tools: a Document of Placemarks.

Messages: a Placemark per record that carries a position (`positions.position`), one per
line: its name (the UAS ID or serial number when the record carries one, else the
transmitter's MAC address), its capture time as `<TimeStamp><when>` (Google Earth's time
slider plays the flight), a style per role (aircraft red, operator blue), every key of the
record as `ExtendedData` (null as an empty value), and a Point: `absolute` with the
altitude where it has a fixed reference (`positions.ALTITUDES`), else `clampToGround`.
KML's absolute altitude is above mean sea level; Remote ID's geodetic altitude is above
the WGS-84 ellipsoid, so such a point sits off by the local geoid height (EGM96: from about
-106 to +85 m; tens of metres in most of Europe and North America).
`placemark_line` writes one record; `template` writes the same bytes from the batch columns
in compiled code (`row_writer`).

Tracks (`track_folder`): per drone a Folder holding its latest position (with its summary
as `ExtendedData`), its path (a LineString of its history on the ground: the history mixes
altitude references), its operator and its home.

Texts are escaped and control characters made visible (`xml_text`). Google Earth shows
balloon contents as HTML: a hostile Self-ID reads there as markup, where GIS tools read the
text as sent.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import orjson

from dronevet.broadcast.positions import AIRCRAFT, ALTITUDES, OPERATOR, PLACES, Position, position
from dronevet.broadcast.xml_text import attribute, text

if TYPE_CHECKING:
    from dronevet.broadcast.row_writer import Slot, Template

_STYLES = (
    (AIRCRAFT, "<IconStyle><color>ff0000ff</color></IconStyle>"),
    (OPERATOR, "<IconStyle><color>ffff0000</color></IconStyle>"),
    ("home", "<IconStyle><color>ff00aa00</color></IconStyle>"),
    ("path", "<LineStyle><color>ff0000ff</color><width>2</width></LineStyle>"),
)
HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
    "<Document><name>Drone broadcasts (dronevet)</name>\n"
    + "".join(f'<Style id="{role}">{style}</Style>\n' for role, style in _STYLES)
)
FOOTER = "</Document></kml>\n"
NAME_KEYS = ("uas_id", "serial", "mac")
"""Keys whose first non-empty value names a message's Placemark."""


def _value(value: Any) -> str:
    """A record's value as the text of a `<value>`: floats as Python writes them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return text(value)
    return text(orjson.dumps(value).decode())


def _data(record: dict[str, Any]) -> str:
    return "".join(f'<Data name="{attribute(key)}"><value>{_value(value)}</value></Data>'
                   for key, value in record.items())  # fmt: skip


def _point(at: Position) -> str:
    if at.alt is None:
        mode, coordinates = "clampToGround", f"{at.lon!r},{at.lat!r}"
    else:
        mode, coordinates = "absolute", f"{at.lon!r},{at.lat!r},{at.alt!r}"
    return (f"<Point><altitudeMode>{mode}</altitudeMode>"
            f"<coordinates>{coordinates}</coordinates></Point>")  # fmt: skip


def _stamp(when: str | None) -> str:
    return f"<TimeStamp><when>{text(when)}</when></TimeStamp>" if when else ""


def _placemark(name: str, time: str, style: str, data: str, geometry: str) -> str:
    """A Placemark line; `time` its TimeStamp or TimeSpan element (or nothing)."""
    extended = f"<ExtendedData>{data}</ExtendedData>" if data else ""
    return (f"<Placemark><name>{text(name)}</name>{time}<styleUrl>#{style}</styleUrl>"
            f"{extended}{geometry}</Placemark>\n")  # fmt: skip


def placemark_line(record: dict[str, Any]) -> bytes:
    """One record's Placemark line; nothing for a record without a position."""
    at = position(record)
    if at is None:
        return b""
    name = next((str(record[k]) for k in NAME_KEYS if record.get(k)), "")
    time = _stamp(record.get("time"))
    return _placemark(name, time, at.role, _data(record), _point(at)).encode()


def _xml_text(value: str | None) -> bytes:
    return b"" if value is None else text(value).encode()


def _data_pieces(code: int) -> list[bytes | Slot]:
    from dronevet.broadcast import row_writer as rw

    pieces: list[bytes | Slot] = []
    for item in rw.record_items(code):
        pieces.append(f'<Data name="{attribute(item.key)}"><value>'.encode())
        pieces.append(text(item.constant).encode() if item.value is None else item.value)
        pieces.append(b"</value></Data>")
    return pieces


@functools.cache
def template() -> Template:
    """The batch path's template: `placemark_line` for each message type with a position."""
    from dronevet.broadcast import row_writer as rw
    from dronevet.broadcast.rid_fields import MESSAGE_FIELDS

    variants = []
    for code, (msg_type, fields) in MESSAGE_FIELDS.items():
        keys = {f.key: f for f in fields}
        for lat, lon, role in PLACES:
            if lat not in keys or lon not in keys:
                continue
            assert not keys.keys() & set(NAME_KEYS)  # positioned messages name no ID: the MAC
            head: list[bytes | Slot] = [
                b"<Placemark><name>", rw.value(rw.MAC), b"</name><TimeStamp><when>",
                rw.value(rw.TIME), f"</when></TimeStamp><styleUrl>#{role}</styleUrl>"
                "<ExtendedData>".encode(), *_data_pieces(code),
                b"</ExtendedData><Point><altitudeMode>",
            ]  # fmt: skip
            at: list[bytes | Slot] = [rw.value(rw.FLOAT, lon, keys[lon].decimals), b",",
                  rw.value(rw.FLOAT, lat, keys[lat].decimals)]  # fmt: skip
            tail = b"</coordinates></Point></Placemark>\n"
            alt = ALTITUDES.get((msg_type, role), "")
            if alt in keys:  # the first variant a row meets is taken: this one if alt is known
                height = rw.value(rw.FLOAT, alt, keys[alt].decimals)
                pieces = [*head, b"absolute</altitudeMode><coordinates>", *at, b",", height, tail]
                variants.append(rw.Variant(code, *rw.compose(pieces), known=(lat, lon, alt)))
            pieces = [*head, b"clampToGround</altitudeMode><coordinates>", *at, tail]
            variants.append(rw.Variant(code, *rw.compose(pieces), known=(lat, lon)))
    return rw.Template(variants, b"", True, _xml_text)


def _summary_data(summary: dict[str, Any]) -> str:
    return _data({k: v for k, v in summary.items() if k != "history"})


def track_folder(summary: dict[str, Any]) -> bytes:
    """A drone's Folder (`Tracker.summary()` with its identity); nothing for a drone
    without a position, an operator or a home."""
    key = str(summary.get("key") or "")
    identity = summary.get("identity") or {}
    product = identity.get("product") or (identity.get("manufacturer") or {}).get("name")
    history = summary.get("history") or []
    placemarks = []
    if summary.get("lat") is not None and summary.get("lon") is not None:
        alt = summary.get("alt_geo")
        at = Position(summary["lat"], summary["lon"], AIRCRAFT, alt)
        when = history[-1][0] if history else summary.get("last_seen")
        placemarks.append((key, _stamp(when), AIRCRAFT, _point(at)))
    if len(history) > 1:
        line = " ".join(f"{lon!r},{lat!r}" for _, lat, lon, _ in history)
        span = (f"<TimeSpan><begin>{text(history[0][0])}</begin>"
                f"<end>{text(history[-1][0])}</end></TimeSpan>")  # fmt: skip
        path = (f"<LineString><tessellate>1</tessellate><coordinates>{line}</coordinates>"
                "</LineString>")  # fmt: skip
        placemarks.append((f"{key} path", span, "path", path))
    for role, lat, lon, alt in ((OPERATOR, "operator_lat", "operator_lon", "operator_alt"),
                                ("home", "home_lat", "home_lon", None)):  # fmt: skip
        if summary.get(lat) is not None and summary.get(lon) is not None:
            at = Position(summary[lat], summary[lon], role, summary.get(alt) if alt else None)
            placemarks.append((f"{key} {role}", "", role, _point(at)))
    body = "".join(
        _placemark(name, time, style, _summary_data(summary) if not index else "", geometry)
        for index, (name, time, style, geometry) in enumerate(placemarks)
    )
    if not body:
        return b""
    title = f"{key} ({product})" if product else key
    return f"<Folder><name>{text(title)}</name>\n{body}</Folder>\n".encode()
