"""Replacement candidates from the knowledge base's products: the list price and what the
aircraft can do, each as sourced there.

The knowledge base records thermal imaging, flight time and IP rating where a document
gives them; other capabilities (zoom, RTK) and payload are not recorded there yet, so a
caller adds them (`capabilities`, `payload_kg`). The knowledge base keeps a list price
only where a document gives one (none does yet), so the usual price is the agency's own
quote (`price`, with its source), which replaces any list price.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from dronevet.errors import BadInputError
from dronevet.fleet.planner_inputs import Candidate
from dronevet.knowledge.model import Price, Product


def candidate(
    product: Product,
    *,
    price: Price | None = None,
    capabilities: Iterable[str] = (),
    payload_kg: float | None = None,
) -> Candidate:
    """`product` as a replacement candidate, at `price` or else its list price."""
    chosen = price or product.price
    if chosen is None:
        raise BadInputError(
            f"no list price is known for {product.name} ({product.id}); give a quoted price "
            "with its source."
        )
    known = product.capabilities
    return Candidate(
        product_id=product.id,
        name=product.name,
        price=Decimal(str(chosen.amount)),
        price_source=chosen.source,
        capabilities=frozenset(capabilities) | ({"thermal"} if known.thermal else set()),
        flight_time_min=known.flight_time_min,
        ip_rating=known.ip_rating,
        payload_kg=payload_kg,
        currency=chosen.currency,
    )
