"""Who is flying: the maker and model a broadcast identifies, and whether the maker is covered.

A Remote ID Basic ID of type `serial_number` carries an ANSI/CTA-2063-A serial: a
four-character manufacturer code assigned by ICAO, a length code (1-9, A-F for 10-15) and
the maker's serial. The code is looked up in the knowledge base's sourced table
(`serial_codes.yaml`: 1581 is DJI's, 1596 Dronetag's); a code not in it stays unknown, and
an attribution the table marks unverified says so in the basis.
DJI DroneID (Wi-Fi or OcuSync) is DJI's own broadcast: the maker is DJI, and its product
type code names the model where a product of the knowledge base carries that code.
Other IDs (a CAA registration, a UTM session ID) do not name the maker.

The maker's covered status is screening's `determine()` on the date the drone was last
heard, under the default criteria; every identity says what it rests on (`basis`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dronevet.broadcast.dji.products import product_name
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.model import Source
from dronevet.screening.control import determine
from dronevet.screening.model import DEFAULT_CRITERIA, CoveredStatus

LENGTH_CODES = "123456789ABCDEF"
"""ANSI/CTA-2063-A length codes: the serial's length is the code's position plus one."""
DJI = "dji"


@dataclass(frozen=True, slots=True)
class Identity:
    """The maker and model a broadcast names, what that rests on, and the maker's standing."""

    manufacturer: str | None
    product_id: str | None
    product_name: str | None
    basis: str
    sources: tuple[Source, ...] = ()
    covered_status: CoveredStatus = CoveredStatus.unknown
    covered_reason: str = ""

    def to_dict(self, kb: KnowledgeBase) -> dict[str, Any]:
        maker = (
            {"entity_id": self.manufacturer, "name": kb.name_of(self.manufacturer)}
            if self.manufacturer
            else None
        )
        return {
            "manufacturer": maker,
            "product_id": self.product_id,
            "product": self.product_name,
            "basis": self.basis,
            "sources": [
                {"citation": s.citation, "date": s.date.isoformat(), "verified": s.verified}
                for s in self.sources
            ],
        }


def parse_serial(text: str) -> tuple[str, str] | None:
    """(manufacturer code, maker's serial) of an ANSI/CTA-2063-A serial, or None when the
    text does not have that form (the length code must match the serial's length)."""
    text = text.strip().upper()
    if len(text) < 6 or text[4] not in LENGTH_CODES:
        return None
    code, length, serial = text[:4], LENGTH_CODES.index(text[4]) + 1, text[5:]
    if len(serial) != length or not text.isalnum() or "O" in text or "I" in text:
        return None
    return code, serial


def _dji_product(kb: KnowledgeBase, code: int) -> tuple[str | None, str | None, Source | None]:
    for product in kb.products.values():
        if product.dji_product_type is not None and product.dji_product_type.code == str(code):
            return product.id, product.name, product.dji_product_type.source
    return None, product_name(code), None


def _from_serial(kb: KnowledgeBase, uas_id: str) -> Identity:
    parsed = parse_serial(uas_id)
    if parsed is None:
        return Identity(
            None, None, None,
            f"The serial {uas_id!r} is not in the ANSI/CTA-2063-A form (maker code, length "
            "code, serial), so it does not name the maker.",
        )  # fmt: skip
    code, _ = parsed
    known = kb.serial_codes.get(code)
    if known is None:
        return Identity(
            None, None, None,
            f"ANSI/CTA-2063-A serial {uas_id}: manufacturer code {code} is not one the "
            "knowledge base can attribute.",
        )  # fmt: skip
    name = kb.name_of(known.entity)
    mark = "" if known.source.verified else " [UNVERIFIED]"
    return Identity(
        known.entity, None, None,
        f"ANSI/CTA-2063-A serial {uas_id}: manufacturer code {code} is {name}'s{mark}.",
        (known.source,),
    )  # fmt: skip


def identify(
    kb: KnowledgeBase,
    *,
    uas_ids: tuple[str, ...] = (),
    id_type: str | None = None,
    dji_serial: str | None = None,
    dji_product_type: int | None = None,
) -> Identity:
    """The identity a drone's broadcasts give (see the module docstring); not yet judged."""
    if dji_serial is not None or dji_product_type is not None:
        product_id, name, source = (
            _dji_product(kb, dji_product_type) if dji_product_type is not None else (None,) * 3
        )
        model = f", product type {dji_product_type} ({name or 'not in the table'})" if (
            dji_product_type is not None
        ) else ""
        return Identity(
            DJI, product_id, name,
            f"DJI DroneID is DJI's own broadcast, sent by DJI aircraft{model}.",
            (source,) if source else (),
        )  # fmt: skip
    serials = [u for u in uas_ids if id_type == "serial_number"]
    if serials:
        return _from_serial(kb, serials[0])
    if not uas_ids:
        return Identity(None, None, None, "No identity was broadcast.")
    what = "no ID type" if id_type in (None, "none") else f"a {id_type.replace('_', ' ')}"
    basis = f"The Basic ID declares {what}, which does not name the maker."
    parsed = parse_serial(uas_ids[0])
    if parsed is not None:
        basis += (
            f" Its ID {uas_ids[0]!r} has the ANSI/CTA-2063-A form, with manufacturer code "
            f"{parsed[0]}; a serial is attributed only when it is declared as one."
        )
    return Identity(None, None, None, basis)


def judged(kb: KnowledgeBase, identity: Identity, as_of: date) -> Identity:
    """The identity with the maker's covered status on `as_of` (default criteria)."""
    if identity.manufacturer is None or identity.manufacturer not in kb.entities:
        return identity
    found = determine(kb, identity.manufacturer, as_of, DEFAULT_CRITERIA)
    reason = found.reasons[0].text if found.reasons else ""
    return Identity(
        identity.manufacturer,
        identity.product_id,
        identity.product_name,
        identity.basis,
        identity.sources,
        found.status,
        reason,
    )


def track_identity(kb: KnowledgeBase, summary: dict[str, Any]) -> dict[str, Any]:
    """A track summary (`Tracker.summary()`) with its `identity` and `covered_status`."""
    last = str(summary.get("last_seen") or "")[:10]
    day = date.fromisoformat(last) if last else date.today()
    product_type = summary.get("product_type")
    found = judged(
        kb,
        identify(
            kb,
            uas_ids=tuple(summary.get("uas_ids") or ()),
            id_type=summary.get("id_type"),
            dji_serial=summary.get("serial"),
            dji_product_type=int(product_type) if isinstance(product_type, int) else None,
        ),
        day,
    )
    return {
        **summary,
        "identity": found.to_dict(kb),
        "covered_status": found.covered_status.value,
        "covered_reason": found.covered_reason,
    }
