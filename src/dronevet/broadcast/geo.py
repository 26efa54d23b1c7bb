"""Distances on the Earth between positions drones broadcast (WGS 84 coordinates)."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8
"""The mean Earth radius (IUGG): distances within a few metres per kilometre."""


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle (haversine) distance in metres between two positions in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
