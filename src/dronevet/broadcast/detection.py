"""What every decoding path produces: one typed detection per decoded broadcast message.

A `Detection` is the same whatever carried it - ASTM F3411 Remote ID (Wi-Fi beacon, NAN,
Bluetooth), DJI DroneID in a Wi-Fi beacon, the French beacon, or a DJI DroneID burst
received over OcuSync: when and how it was received, by whom it was sent, what kind of
message it is, and the message's fields under the keys of the `rid decode` JSON contract.
From those fields `Detection.of` lifts, once and by one rule for every protocol, what
the tracker and the maps need: the aircraft's identity and position, the operator's (or
DJI pilot's) position and the home point.

The streaming path (`pipeline.StreamDecoder`), the batch path (`batch_records`) and the
OcuSync receiver build detections with `Detection.of`; the tracker reads their typed
parts; the writers serialise `Detection.record()`, the contract's dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

ALTITUDE_KEYS = ("alt_geo", "alt_baro", "alt")
"""Where an aircraft's altitude is read from, best first: geodetic (WGS-84), barometric,
then DJI's altitude (barometric, above sea level by DJI's account)."""


@dataclass(frozen=True, slots=True)
class Point:
    """A position: degrees of latitude and longitude (WGS-84), altitude in metres if known."""

    lat: float
    lon: float
    alt: float | None = None


@dataclass(frozen=True, slots=True)
class Signal:
    """What the receiver measured of the transmission, where it says."""

    rssi_dbm: float | None = None
    snr_db: float | None = None
    frequency_hz: float | None = None


@lru_cache(maxsize=4096)
def _second(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def iso_time(time_ns: int | None) -> str | None:
    """Capture time as ISO 8601 UTC with microseconds: `2021-05-21T21:52:11.161999Z`."""
    if time_ns is None:
        return None
    seconds, rest = divmod(time_ns, 1_000_000_000)
    return f"{_second(seconds)}.{rest // 1000:06d}Z"  # frames come many to the second


def _point(fields: Mapping[str, Any], lat: str, lon: str, alt: str | None) -> Point | None:
    lat_value, lon_value = fields.get(lat), fields.get(lon)
    if lat_value is None or lon_value is None:
        return None
    return Point(lat_value, lon_value, fields.get(alt) if alt else None)


def _aircraft(fields: Mapping[str, Any]) -> Point | None:
    alt = next((key for key in ALTITUDE_KEYS if fields.get(key) is not None), None)
    return _point(fields, "lat", "lon", alt)


@dataclass(frozen=True, slots=True)
class Detection:
    """One decoded broadcast message, where and when it was received.

    `source` is the transmitter's MAC address for Wi-Fi and Bluetooth, and what the
    receiver calls the burst's channel for OcuSync; `frame` is the capture's frame number
    (or the burst's number in a recording). `fields` holds the message's values under the
    contract's keys (`msg_type` and `version` among them); the typed parts come from them.
    """

    time_ns: int | None
    protocol: str
    transport: str
    source: str
    frame: int
    fields: Mapping[str, Any]
    uas_id: str | None
    aircraft: Point | None
    operator: Point | None
    home: Point | None
    signal: Signal | None = None

    @classmethod
    def of(
        cls, time_ns: int | None, protocol: str, transport: str, source: str, frame: int,
        fields: Mapping[str, Any], signal: Signal | None = None,
    ) -> Detection:  # fmt: skip
        """A detection with its typed parts read from `fields`.

        Identity: the Remote ID UAS ID, else the DJI serial number. Operator: the Remote
        ID operator position, else the DJI pilot position. Home: the DJI home point, else
        a Remote ID operator position that the System message marks as the take-off point.
        """
        operator = _point(fields, "operator_lat", "operator_lon", "operator_alt") or _point(
            fields, "pilot_lat", "pilot_lon", None
        )
        home = _point(fields, "home_lat", "home_lon", None)
        if home is None and operator and fields.get("operator_location_type") == "takeoff":
            home = Point(operator.lat, operator.lon)
        return cls(
            time_ns, protocol, transport, source, frame, fields,
            uas_id=fields.get("uas_id") or fields.get("serial") or None,
            aircraft=_aircraft(fields), operator=operator, home=home, signal=signal,
        )  # fmt: skip

    @property
    def kind(self) -> str:
        """The message type: `basic_id`, `location`, ..., `dji_flight_info`, `fr_beacon`."""
        return str(self.fields.get("msg_type"))

    @property
    def time(self) -> datetime | None:
        """The capture time as a UTC datetime (microseconds), if the capture has one."""
        if self.time_ns is None:
            return None
        seconds, rest = divmod(self.time_ns, 1_000_000_000)
        return datetime.fromtimestamp(seconds, UTC).replace(microsecond=rest // 1000)

    def record(self) -> dict[str, Any]:
        """The JSON contract: `time`, `transport`, `mac`, `frame`, then the message's fields."""
        return {
            "time": iso_time(self.time_ns),
            "transport": self.transport,
            "mac": self.source,
            "frame": self.frame,
            **self.fields,
        }
