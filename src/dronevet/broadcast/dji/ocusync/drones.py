"""The drones DroneID bursts name: one summary per serial number, from the burst records.

A summary holds the latest drone position (with its altitude and height), pilot position
and home point any of the drone's frames carried, its product type, how many bursts named
it, the first and last burst (seconds from the start of the recording or stream) and the
first and last app time the frames carried (`first_seen`, `last_seen`, so that
`broadcast.identity.track_identity` judges the maker on the day the drone flew). A burst
whose record has an error (CRC-24 failed, CRC-16 mismatch) names no drone; a frame of
unknown layout counts for the serial number it visibly carries, if any.
"""

from __future__ import annotations

from typing import Any

NO_SERIAL = "(no serial number)"
"""The key of flight information sent with an empty serial number."""
LATEST = (("lat", "lon", "alt", "height"), ("pilot_lat", "pilot_lon"), ("home_lat", "home_lon"),
          ("product_type", "product"))  # fmt: skip
"""Fields kept from the latest frame that carries the first of them."""


def names_a_drone(record: dict[str, Any]) -> bool:
    """The burst was decoded without error and its frame names a drone."""
    if record["error"] is not None or record["layout"] is None:
        return False
    return record["layout"] == "flight_info" or record["serial"] is not None


class DroneTally:
    """Summaries kept up to date one burst record at a time (memory grows with the drones
    heard, not with the bursts)."""

    def __init__(self) -> None:
        self._drones: dict[str, dict[str, Any]] = {}

    def add(self, record: dict[str, Any]) -> None:
        """Count one burst record for the drone it names, if it names one."""
        if not names_a_drone(record):
            return
        key = record["serial"] or NO_SERIAL
        drone = self._drones.get(key)
        if drone is None:
            drone = self._drones[key] = {
                "key": key, "serial": record["serial"],
                **{name: None for group in LATEST for name in group},
                "bursts": 0, "first_s": record["time_s"], "first_seen": None, "last_seen": None,
            }  # fmt: skip
        drone["bursts"] += 1
        drone["last_s"] = record["time_s"]
        for group in LATEST:
            if record[group[0]] is not None:
                drone.update((name, record[name]) for name in group)
        if record["flight_time"] is not None:
            drone["first_seen"] = drone["first_seen"] or record["flight_time"]
            drone["last_seen"] = record["flight_time"]

    def summaries(self) -> list[dict[str, Any]]:
        """One summary per serial number, in the order the drones were first heard."""
        return [dict(drone) for drone in self._drones.values()]

