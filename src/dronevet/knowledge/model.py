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


class Use(StrEnum):
    """What an agency does with a drone; policies regulate some of these."""

    procure = "procure"
    operate = "operate"
    fund = "fund"
    import_ = "import"
    authorize = "authorize"


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
    (lower case) of its jurisdiction, domicile and main country.
    """

    id: str
    schema: str
    name: str
    names: tuple[str, ...]
    countries: tuple[str, ...]
    source: Source
    previous_names: tuple[str, ...] = ()
    weak_names: tuple[str, ...] = ()
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
    """A list that designates entities or products: BIS Entity List, NS-CMIC, Blue UAS..."""

    id: str
    title: str
    authority: str
    nature: ListNature
    country: str
    description: str
    source: Source


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
    """A product's standing on a product list (Blue UAS Cleared, Green UAS) over time."""

    list_id: str
    status: str
    source: Source
    start: date | None = None
    end: date | None = None

    def active_on(self, day: date) -> bool:
        return active_on(self.start, self.end, day)


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

    def components_of(self, kind: ComponentKind) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.kind is kind)

    def statuses_on(self, day: date) -> tuple[ListStatus, ...]:
        return tuple(s for s in self.list_statuses if s.active_on(day))
