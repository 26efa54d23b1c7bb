"""Knowledge-base values: sourced facts about entities, links, designations and products.

Every value is frozen. Every fact carries a `Source` (a document or URL, a date, and whether
the fact has been verified against that source). Values with a validity interval
(`start`/`end`) answer "was this true on date D?" through `active_on`.

Entities, links and designations come from FollowTheMoney JSON lines (see `ftm.py`);
products from `products.yaml`; policies are modelled in `dronevet.policy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from dronevet.errors import UnknownNameError
from dronevet.suggest import close_matches


class Use(StrEnum):
    """What an agency does with a drone; policies regulate some of these."""

    procure = "procure"
    operate = "operate"
    fund = "fund"
    import_ = "import"
    authorize = "authorize"

    @classmethod
    def parse(cls, text: str) -> Use:
        """The use a word names: its value or a synonym (buy -> procure, fly -> operate,
        grant -> fund); an unknown word is an `UnknownNameError` with close matches."""
        wanted = text.strip().casefold()
        try:
            return cls(wanted)
        except ValueError:
            pass
        if wanted in USE_SYNONYMS:
            return USE_SYNONYMS[wanted]
        words = [u.value for u in cls]
        raise UnknownNameError(
            f"--use {text!r} is not a use; uses are {', '.join(words)} (or all).",
            suggestions=close_matches(text, [*words, *USE_SYNONYMS]),
        )


USE_SYNONYMS = {
    "buy": Use.procure,
    "purchase": Use.procure,
    "acquire": Use.procure,
    "procurement": Use.procure,
    "contract": Use.procure,
    "fly": Use.operate,
    "use": Use.operate,
    "operation": Use.operate,
    "deploy": Use.operate,
    "grant": Use.fund,
    "grants": Use.fund,
    "funding": Use.fund,
    "finance": Use.fund,
    "importation": Use.import_,
    "bring-in": Use.import_,
    "authorise": Use.authorize,
    "authorization": Use.authorize,
    "authorisation": Use.authorize,
    "certify": Use.authorize,
    "certification": Use.authorize,
}
"""Words people use for the uses policies regulate."""


class ComponentKind(StrEnum):
    """Parts of a drone system that component rules (e.g. NDAA §848(a)(2)-(4)) name."""

    flight_controller = "flight_controller"
    radio = "radio"
    data_transmission = "data_transmission"
    camera = "camera"
    gimbal = "gimbal"
    ground_control = "ground_control"
    operating_software = "operating_software"
    network_service = "network_service"
    data_storage = "data_storage"


class LinkKind(StrEnum):
    """How one entity is tied to another. `subject` is always the dependent party.

    - `owned_by`: subject is (partly) owned by object (FtM Ownership: asset -> owner).
    - `controlled_by`: subject is controlled by object without a stated share.
    - `subsidiary_of`: subject is a subsidiary of object (FtM Organization.parent).
    - `affiliate_of`: subject is an affiliate of object (FtM UnknownLink role "affiliate").
    - `licensee_of`: subject uses technology licensed from object.
    - `brand_of`: subject is a brand or product line of object.
    - `reseller_of`: subject resells or rebadges object's products.
    - `successor_of`: subject is the same business as object under a later name.
    - `associated_with`: any other stated tie (an FtM UnknownLink role we do not interpret).
    """

    owned_by = "owned_by"
    controlled_by = "controlled_by"
    subsidiary_of = "subsidiary_of"
    affiliate_of = "affiliate_of"
    licensee_of = "licensee_of"
    brand_of = "brand_of"
    reseller_of = "reseller_of"
    successor_of = "successor_of"
    associated_with = "associated_with"

    @property
    def phrase(self) -> str:
        """The link as a verb phrase: 'X <phrase> Y' ('is a subsidiary of')."""
        return _LINK_PHRASES[self]


_LINK_PHRASES = {
    LinkKind.owned_by: "is owned by",
    LinkKind.controlled_by: "is controlled by",
    LinkKind.subsidiary_of: "is a subsidiary of",
    LinkKind.affiliate_of: "is an affiliate of",
    LinkKind.licensee_of: "uses technology licensed from",
    LinkKind.brand_of: "is a brand of",
    LinkKind.reseller_of: "resells or rebadges the products of",
    LinkKind.successor_of: "is the same business, under a later name, as",
    LinkKind.associated_with: "is associated with",
}


class ListNature(StrEnum):
    """Whether being on a list counts against an entity (Entity List) or for it (Blue UAS)."""

    adverse = "adverse"
    clearance = "clearance"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact comes from: a citation (document title or URL), its date, and whether checked.

    `verified=False` marks a fact taken from a secondary source or not yet re-checked against
    the primary text; explanations show it as unverified.
    """

    citation: str
    date: date
    verified: bool = True
    note: str = ""

    def marked(self, verified: bool | None) -> Source:
        """This source, or a copy marked unverified when `verified` is False (a fact can
        be unverified even when cited to a verified document)."""
        if verified is False and self.verified:
            return Source(self.citation, self.date, False, self.note)
        return self


def active_on(start: date | None, end: date | None, day: date) -> bool:
    """True when `day` falls in [start, end): open ends are unbounded."""
    return (start is None or start <= day) and (end is None or day < end)


@dataclass(frozen=True, slots=True)
class Entity:
    """A company, organisation, person or public body (FtM LegalEntity and its descendants).

    `names` holds every name the entity is known by (legal name first, then aliases,
    previous names, brands and weak aliases); `countries` the ISO 3166-1 alpha-2 codes
    (lower case) of its jurisdiction, domicile and main country. `keywords` (FtM
    `keywords`) are the distinctive words of its brand ("DJI", "Dajiang", "Autel"): a
    name that carries one is at least a question for a person while the entity is covered.
    """

    id: str
    schema: str
    name: str
    names: tuple[str, ...]
    countries: tuple[str, ...]
    source: Source
    previous_names: tuple[str, ...] = ()
    weak_names: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    properties: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    origin: str = "builtin"


@dataclass(frozen=True, slots=True)
class Link:
    """A dated, sourced tie between two entities; see `LinkKind` for the direction."""

    id: str
    kind: LinkKind
    subject: str
    object: str
    source: Source
    start: date | None = None
    end: date | None = None
    percentage: float | None = None
    role: str = ""
    disputed: str = ""

    def active_on(self, day: date) -> bool:
        return active_on(self.start, self.end, day)


@dataclass(frozen=True, slots=True)
class DesignationList:
    """A list that designates entities or products: BIS Entity List, NS-CMIC, Blue UAS...

    `clears_products`: a maker on this (clearance) list counts for every product it makes
    (Florida's approved manufacturers); otherwise only a product's own listing counts
    (Blue UAS clears systems, not every system of a listed maker).
    """

    id: str
    title: str
    authority: str
    nature: ListNature
    country: str
    description: str
    source: Source
    clears_products: bool = False


@dataclass(frozen=True, slots=True)
class DirectionLaw:
    """A law that lets a government direct entities domiciled in its jurisdiction.

    Example: PRC National Intelligence Law art. 7 (organisations shall support, assist and
    cooperate with national intelligence work), in force from 2017-06-28.
    """

    id: str
    country: str
    title: str
    article: str
    summary: str
    source: Source
    start: date | None = None
    end: date | None = None

    def active_on(self, day: date) -> bool:
        return active_on(self.start, self.end, day)


@dataclass(frozen=True, slots=True)
class Designation:
    """An entity's listing on a `DesignationList` (FtM Sanction), with its dates.

    `listed` is the listing (decision or publication) date, `start` the date it took
    effect, `end` the removal date; a designation is in force on [start or listed, end).
    """

    id: str
    entity_id: str
    list_id: str
    source: Source
    listed: date | None = None
    start: date | None = None
    end: date | None = None
    reason: str = ""
    provisions: str = ""

    @property
    def effective(self) -> date | None:
        return self.start or self.listed

    def active_on(self, day: date) -> bool:
        effective = self.effective
        return effective is not None and active_on(effective, self.end, day)


@dataclass(frozen=True, slots=True)
class Component:
    """One part of a drone system and who made, developed or operates it.

    `maker` is an entity id when the knowledge base knows the maker, `maker_name` the
    maker's name as published (which may name an entity not in the base), and both empty
    when the maker is unknown: unknown stays explicitly unknown and leads to `review`
    where a component rule applies. `made_in` is where it is manufactured (hardware) or
    developed (software) or located/administered (network services, data storage).
    """

    kind: ComponentKind
    source: Source
    name: str = ""
    maker: str | None = None
    maker_name: str = ""
    made_in: str | None = None

    @property
    def maker_known(self) -> bool:
        return bool(self.maker or self.maker_name)


@dataclass(frozen=True, slots=True)
class ListStatus:
    """A product's standing on a product list (Blue UAS Cleared, Green UAS) over time.

    `source` documents the listing; `end_source` the removal. A removal that only an
    unverified (secondary) source reports does not end the listing: the product still counts
    as listed, and `removal_unconfirmed()` tells explanations to show it as a caution.
    """

    list_id: str
    status: str
    source: Source
    start: date | None = None
    end: date | None = None
    end_source: Source | None = None

    @property
    def removal_confirmed(self) -> bool:
        return self.end is not None and (self.end_source is None or self.end_source.verified)

    def active_on(self, day: date) -> bool:
        return active_on(self.start, self.end if self.removal_confirmed else None, day)

    def removal_unconfirmed(self, day: date) -> bool:
        """True when a removal before `day` is reported only by an unverified source."""
        return (
            self.end is not None
            and not self.removal_confirmed
            and day >= self.end
            and (self.start is None or self.start <= day)
        )


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What the aircraft can do, as published by its maker."""

    thermal: bool | None = None
    flight_time_min: float | None = None
    ip_rating: str | None = None
    weight_g: float | None = None
    max_range_km: float | None = None
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class Price:
    """An indicative list price with its source (prices are low-confidence facts)."""

    amount: float
    currency: str
    source: Source


@dataclass(frozen=True, slots=True)
class BroadcastCode:
    """A code a drone broadcasts about its own make or model, with its source: an
    ANSI/CTA-2063-A manufacturer code (`1581` is DJI's) or a DJI DroneID product type."""

    code: str
    source: Source
    entity: str = ""


@dataclass(frozen=True, slots=True)
class Product:
    """A drone model (or a custom system described by a bill of materials).

    `manufacturer` is an entity id, or empty for a custom system whose maker is only
    named (`manufacturer_name`) and may be screened by name.
    """

    id: str
    name: str
    manufacturer: str
    final_assembly_country: str | None
    components: tuple[Component, ...]
    source: Source
    manufacturer_name: str = ""
    manufacturer_country: str | None = None
    aliases: tuple[str, ...] = ()
    category: str = ""
    released: date | None = None
    capabilities: Capabilities = field(default_factory=Capabilities)
    price: Price | None = None
    list_statuses: tuple[ListStatus, ...] = ()
    notes: str = ""
    dji_product_type: BroadcastCode | None = None

    def components_of(self, kind: ComponentKind) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.kind is kind)

    def statuses_on(self, day: date) -> tuple[ListStatus, ...]:
        return tuple(s for s in self.list_statuses if s.active_on(day))
