"""How well a candidate drone fits an aircraft's missions: each requirement it falls short
of, in words a program manager reads ("no thermal", "flies 32 min of the 40 required").

A figure the candidate does not publish counts as a shortfall, named as unknown: the plan
must not promise what no document says.
"""

from __future__ import annotations

from dronevet.fleet.planner_inputs import Candidate, Requirements, ip_digits


def _figure(value: float) -> str:
    return f"{value:g}"


def _flight_time(required: float, candidate: Candidate) -> str | None:
    if candidate.flight_time_min is None:
        return f"flight time not published ({_figure(required)} min required)"
    if candidate.flight_time_min < required:
        return (f"flies {_figure(candidate.flight_time_min)} min of the "
                f"{_figure(required)} required")
    return None


def _payload(required: float, candidate: Candidate) -> str | None:
    if candidate.payload_kg is None:
        return f"payload not published ({_figure(required)} kg required)"
    if candidate.payload_kg < required:
        return f"carries {_figure(candidate.payload_kg)} kg of the {_figure(required)} required"
    return None


def ip_meets(rating: str, required: str) -> bool:
    """True when each digit `required` rates is rated at least as high in `rating`."""
    have = ip_digits(rating, where="IP rating")
    want = ip_digits(required, where="required IP rating")
    return all(w is None or (h is not None and h >= w) for h, w in zip(have, want, strict=True))


def _ip(required: str, candidate: Candidate) -> str | None:
    if candidate.ip_rating is None:
        return f"no IP rating published ({required} required)"
    if not ip_meets(candidate.ip_rating, required):
        return f"rated {candidate.ip_rating}, {required} required"
    return None


def shortfalls(requirements: Requirements, candidate: Candidate) -> tuple[str, ...]:
    """Each requirement `candidate` does not meet, in words; empty when it meets them all."""
    found = [f"no {c}" for c in sorted(requirements.capabilities - candidate.capabilities)]
    if requirements.min_flight_time_min is not None:
        found.append(_flight_time(requirements.min_flight_time_min, candidate) or "")
    if requirements.min_ip_rating is not None:
        found.append(_ip(requirements.min_ip_rating, candidate) or "")
    if requirements.min_payload_kg is not None:
        found.append(_payload(requirements.min_payload_kg, candidate) or "")
    return tuple(f for f in found if f)
