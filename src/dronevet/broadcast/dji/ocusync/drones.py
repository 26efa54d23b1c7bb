"""The drones DroneID bursts name: each burst as a `Detection`, one summary per serial number.

`burst_detection` turns a decoded burst record into the `Detection` every decoding path
produces (protocol DJI DroneID, transport `ocusync`, the burst's number as its frame, its
SNR and frequency as its signal, the drone's app time as its capture time), so trackers,
maps and sinks take OcuSync like any other broadcast. A burst whose record has an error
(CRC-24 failed, CRC-16 mismatch) names no drone and gives none; a frame of unknown layout
counts for the serial number it visibly carries, if any.

`DroneTally` keeps, per serial number, what the table of drones shows: the latest drone
position (with its altitude and height), pilot position and home point any of the
drone's frames carried, its product type, how many bursts named it, the first and last
burst (seconds from the start of the recording or stream) and the first and last app
time the frames carried (`first_seen`, `last_seen`, so that
`broadcast.identity.track_identity` judges the maker on the day the drone flew).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dronevet.broadcast.detection import Detection, Signal
from dronevet.broadcast.payload import DJI

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NO_SERIAL = "(no serial number)"
"""The key of flight information sent with an empty serial number."""
OCUSYNC = "ocusync"
"""The transport (and, without a known frequency, the source) of OcuSync detections."""
BURST_KEYS = frozenset(("layout", "sequence", "crc_ok", "crc24_ok", "snr_db", "cfo_hz",
                        "frequency_hz", "message_type", "error", "payload_hex"))  # fmt: skip
"""Keys of a burst record about its reception, not about the drone."""
FIELDS = ("lat", "lon", "alt", "height", "pilot_lat", "pilot_lon", "home_lat", "home_lon",
          "product_type", "product")  # fmt: skip
"""What a summary keeps of the drone's latest frame carrying each part."""


def names_a_drone(record: dict[str, Any]) -> bool:
    """The burst was decoded without error and its frame names a drone."""
    if record["error"] is not None or record["layout"] is None:
        return False
    return record["layout"] == "flight_info" or record["serial"] is not None


def _time_ns(text: str | None) -> int | None:
    if text is None:
        return None
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - EPOCH) // timedelta(microseconds=1) * 1000


def burst_detection(record: dict[str, Any], number: int) -> Detection | None:
    """The detection of burst `number` (1 for the first), or None if it names no drone."""
    if not names_a_drone(record):
        return None
    kind = "dji_flight_info" if record["layout"] == "flight_info" else "dji_unknown_layout"
    fields = {"msg_type": kind, **{k: v for k, v in record.items() if k not in BURST_KEYS}}
    frequency = record["frequency_hz"]
    source = f"{OCUSYNC}@{frequency:.0f}Hz" if frequency is not None else OCUSYNC
    signal = Signal(snr_db=record["snr_db"], frequency_hz=frequency)
    return Detection.of(_time_ns(record["flight_time"]), DJI, OCUSYNC, source, number, fields,
                        signal)  # fmt: skip


class DroneTally:
    """Summaries kept up to date one detection at a time (memory grows with the drones
    heard, not with the bursts)."""

    def __init__(self) -> None:
        self._drones: dict[str, dict[str, Any]] = {}

    def add(self, detection: Detection | None) -> None:
        """Count one burst's detection (None: a burst that names no drone)."""
        if detection is None:
            return
        fields = detection.fields
        key = detection.uas_id or NO_SERIAL
        drone = self._drones.get(key)
        if drone is None:
            drone = self._drones[key] = {
                "key": key, "serial": detection.uas_id, **dict.fromkeys(FIELDS),
                "bursts": 0, "first_s": fields["time_s"], "first_seen": None, "last_seen": None,
            }  # fmt: skip
        drone["bursts"] += 1
        drone["last_s"] = fields["time_s"]
        if detection.aircraft is not None:
            aircraft = detection.aircraft
            drone.update(lat=aircraft.lat, lon=aircraft.lon, alt=aircraft.alt,
                         height=fields.get("height"))  # fmt: skip
        if detection.operator is not None:
            drone.update(pilot_lat=detection.operator.lat, pilot_lon=detection.operator.lon)
        if detection.home is not None:
            drone.update(home_lat=detection.home.lat, home_lon=detection.home.lon)
        if fields.get("product_type") is not None:
            drone.update(product_type=fields["product_type"], product=fields.get("product"))
        if fields["flight_time"] is not None:
            drone["first_seen"] = drone["first_seen"] or fields["flight_time"]
            drone["last_seen"] = fields["flight_time"]

    def summaries(self) -> list[dict[str, Any]]:
        """One summary per serial number, in the order the drones were first heard."""
        return [dict(drone) for drone in self._drones.values()]
