"""Where an address is registered: its country from regional internet registry allocations.

The country is the one a Regional Internet Registry (AFRINIC, APNIC, ARIN, LACNIC,
RIPE NCC) assigned the address block to, from their public delegation statistics as the
`iptocc` package ships them (offline; the package is MIT or Apache-2.0 licensed). It is
where the block's holder is registered, not where a server stands. No openly licensed
address-to-ASN database is installed from PyPI yet, so `asn` is always None.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass
from importlib import metadata

import iptocc


@dataclass(frozen=True, slots=True)
class Registration:
    """The country an address is registered in (None for local or unallocated ones)."""

    country: str | None
    asn: int | None


@functools.lru_cache(maxsize=1 << 14)
def is_external(address: str) -> bool:
    """The address is on the public internet (not private, loopback, link-local or multicast);
    remembered, as each address is asked about for every flow it takes part in."""
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def registration(address: str) -> Registration:
    """Where `address` is registered."""
    if not is_external(address):
        return Registration(None, None)
    return Registration(iptocc.country_code(address), None)


def database() -> str:
    """The data behind `registration`, its version and licence, in plain words."""
    return (
        f"Countries: regional internet registry allocations as packaged by iptocc "
        f"{metadata.version('iptocc')} (MIT or Apache-2.0), the country the address block "
        "is registered to, not where the server stands. Network operators (ASNs): not "
        "shown, no openly licensed offline ASN database is installed."
    )
