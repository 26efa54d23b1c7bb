"""Where an address is registered: its country, and the network (ASN) that holds it.

The country is the one a Regional Internet Registry (AFRINIC, APNIC, ARIN, LACNIC,
RIPE NCC) assigned the address block to, from their public delegation statistics as the
`iptocc` package ships them (offline; the package is MIT or Apache-2.0 licensed). It is
where the block's holder is registered, not where a server stands. The network, its
autonomous system number and operator, comes from the `@ip-location-db/asn` database
where one is installed (`leaks.asn`); without it `asn` is None.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass
from importlib import metadata

import iptocc

from dronevet.leaks.asn import AsnDatabase


@dataclass(frozen=True, slots=True)
class Registration:
    """The country an address is registered in and the network holding it (None for local
    or unallocated addresses, or where no ASN database is installed)."""

    country: str | None
    asn: int | None
    asn_org: str | None
    """The name of the organisation operating the network `asn`."""


@functools.lru_cache(maxsize=1 << 14)
def is_external(address: str) -> bool:
    """The address is on the public internet (not private, loopback, link-local or multicast);
    remembered, as each address is asked about for every flow it takes part in."""
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def registration(address: str, networks: AsnDatabase) -> Registration:
    """Where `address` is registered, and its network in `networks` (only an external
    address is looked up there, so a capture without one never loads its index)."""
    if not is_external(address):
        return Registration(None, None, None)
    country, found = iptocc.country_code(address), networks.network(address)
    if found is None:
        return Registration(country, None, None)
    return Registration(country, found.asn, found.organisation)


def database(networks: AsnDatabase) -> str:
    """The data behind `registration`, its versions and licences, in plain words."""
    countries = (
        f"Countries: regional internet registry allocations as packaged by iptocc "
        f"{metadata.version('iptocc')} (MIT or Apache-2.0), the country the address block "
        "is registered to, not where the server stands."
    )
    return f"{countries} {networks.describe()}"
