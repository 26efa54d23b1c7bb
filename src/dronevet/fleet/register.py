"""The fleet register every front uses: organisations and aircraft kept in the store.

`open_register(settings)` connects to the store the settings name (an SQLite file in the
user's home by default, PostgreSQL by `DRONEVET_DATABASE_URL`), brings its schema up to
date, and returns a `Register`: the operations the CLI, the HTTP API and the web pages
offer, each in one transaction, each change written to the audit log with who made it;
reading waivers first lapses those whose end has come (audited as made by `system`).
Policy ids are checked against the knowledge base's policy book (aliases resolve to ids)
before an organisation is saved, so a register never names a policy dronevet cannot
evaluate.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from dronevet.fleet.model import Aircraft, Binding, Organisation

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from dronevet.fleet.waivers import Waiver
    from dronevet.knowledge.base import KnowledgeBase
    from dronevet.settings import Settings
    from dronevet.store.audit import Anchor, Entry, VerifyResult
    from dronevet.store.fleet_repo import Saved, UpsertCounts


@dataclass(frozen=True, slots=True)
class Register:
    """A connected store: the fleet's organisations, aircraft and waivers, and the audit log."""

    sessions: sessionmaker[Session]
    url: str

    def save_organisation(
        self, organisation: Organisation, *, actor: str, kb: KnowledgeBase | None = None
    ) -> tuple[Organisation, Saved]:
        """Create or update `organisation` (its policies checked, aliases made ids)."""
        from dronevet.store import db, fleet_repo

        checked = _checked(organisation, kb)
        with db.transaction(self.sessions) as session:
            return checked, fleet_repo.save_organisation(session, checked, actor=actor)

    def organisations(self) -> list[Organisation]:
        from dronevet.store import db, fleet_repo

        with db.transaction(self.sessions, read_only=True) as session:
            return fleet_repo.list_organisations(session)

    def organisation(self, name: str) -> Organisation:
        """The organisation called `name`; `UnknownNameError` (with close names) if none."""
        from dronevet.store import db, fleet_repo

        with db.transaction(self.sessions, read_only=True) as session:
            return fleet_repo.get_organisation(session, name)

    def aircraft(self, organisation: str, *,
                 serials: Collection[str] | None = None) -> list[Aircraft]:
        """`organisation`'s aircraft (only those with `serials`, if given), by serial."""
        from dronevet.store import db, fleet_repo

        with db.transaction(self.sessions, read_only=True) as session:
            return fleet_repo.list_aircraft(session, organisation, serials=serials)

    def import_aircraft(
        self, organisation: str, aircraft: Sequence[Aircraft], *, actor: str
    ) -> UpsertCounts:
        """Store a batch: all or nothing, idempotent by serial (updates, never duplicates)."""
        from dronevet.store import db, fleet_repo

        with db.transaction(self.sessions) as session:
            return fleet_repo.upsert_aircraft(session, organisation, aircraft, actor=actor)

    def request_waivers(
        self, waivers: Sequence[Waiver], *, actor: str, kb: KnowledgeBase | None = None
    ) -> list[Waiver]:
        """Store waiver requests, all or none (each one's policy, use, legal basis and
        missions checked against the policy book and its organisation's bindings); they come
        back with their numbers."""
        from dronevet.store import db, fleet_repo, waiver_repo

        with db.transaction(self.sessions) as session:
            stored = []
            for waiver in waivers:
                org = fleet_repo.get_organisation(session, waiver.organisation)
                checked = _checked_waiver(waiver, org, kb)
                stored.append(waiver_repo.request_waiver(session, checked, actor=actor))
            return stored

    def decide_waiver(self, waiver_id: int, *, approve: bool, reason: str, actor: str) -> Waiver:
        """Approve or deny a requested waiver (by someone other than who asked for it)."""
        from dronevet.store import db, waiver_repo

        with db.transaction(self.sessions) as session:
            return waiver_repo.decide_waiver(session, waiver_id, approve=approve, reason=reason,
                                             actor=actor)  # fmt: skip

    def waivers(self, organisation: str, *, today: date | None = None) -> list[Waiver]:
        """`organisation`'s waivers, by number, once every approved waiver whose end has
        come by `today` (default: the real today) is stored lapsed, in the audit log. Only
        when one of them is due to lapse does the read become a write."""
        from dronevet.fleet.waivers import WaiverState
        from dronevet.store import db, waiver_repo

        day = today or date.today()
        with db.transaction(self.sessions, read_only=True) as session:
            found = waiver_repo.list_waivers(session, organisation)
        if not any(w.state is WaiverState.approved and w.state_on(day) is WaiverState.lapsed
                   for w in found):
            return found
        with db.transaction(self.sessions) as session:
            waiver_repo.lapse_waivers(session, day)
            return waiver_repo.list_waivers(session, organisation)

    def verify_audit(self, anchor: Anchor | None = None) -> VerifyResult:
        """Check the audit log's hash chain (and `anchor`, an entry noted earlier)."""
        from dronevet.store import audit, db

        with db.transaction(self.sessions, read_only=True) as session:
            return audit.verify(session, anchor)

    def delete_aircraft(self, organisation: str, serial: str, *, actor: str) -> Aircraft:
        """Remove an aircraft entered by mistake (one with waivers must be retired)."""
        from dronevet.store import db, fleet_repo

        with db.transaction(self.sessions) as session:
            return fleet_repo.delete_aircraft(session, organisation, serial, actor=actor)

    def audit_entries(self, *, before: int | None = None, limit: int = 100) -> list[Entry]:
        """The audit log's entries, newest first (those numbered below `before`)."""
        from dronevet.store import audit, db

        with db.transaction(self.sessions, read_only=True) as session:
            return audit.entries(session, before=before, limit=limit)


def _checked(organisation: Organisation, kb: KnowledgeBase | None) -> Organisation:
    """`organisation` with each binding's policy as its id and its uses as the book's."""
    from dronevet import api
    from dronevet.errors import BadInputError
    from dronevet.knowledge.model import Use

    book = api.dronevet_policies(kb)
    bindings = []
    for binding in organisation.bindings:
        policy = book.get(binding.policy)
        uses = []
        for text in binding.uses:
            use = Use.parse(text)
            if use not in policy.regulations:
                regulated = ", ".join(u.value for u in policy.regulations)
                raise BadInputError(
                    f"{policy.id} does not regulate {use.value}; it regulates {regulated}"
                )
            uses.append(use.value)
        bindings.append(Binding(policy.id, tuple(uses)))
    return replace(organisation, bindings=tuple(bindings))


def _checked_waiver(waiver: Waiver, org: Organisation, kb: KnowledgeBase | None) -> Waiver:
    """`waiver` with its policy as the id and its missions as ids, once its policy binds `org`
    for its use and its legal basis is one of that policy's exemption routes for that use."""
    from dronevet import api
    from dronevet.errors import BadInputError, UnknownNameError
    from dronevet.fleet.timeline import binding_columns
    from dronevet.knowledge.model import Use
    from dronevet.suggest import close_matches

    book = api.dronevet_policies(kb)
    policy = book.get(waiver.policy)
    use = Use.parse(waiver.use)
    bound = {(c.policy.id, c.use) for c in binding_columns(book, org)}
    if (policy.id, use) not in bound:
        raise BadInputError(
            f"{org.name} is not bound by {policy.id} for {use.value}: a waiver would change "
            "nothing"
        )
    routes = [route for route in policy.exemptions if not route.uses or use in route.uses]
    if waiver.legal_basis not in {route.id for route in routes}:
        ids = [route.id for route in routes]
        raise UnknownNameError(
            f"{waiver.legal_basis!r} is not an exemption route of {policy.id} for {use.value} "
            f"(its routes: {', '.join(ids) or 'none'})",
            suggestions=close_matches(waiver.legal_basis, ids),
        )
    missions = tuple(dict.fromkeys(book.mission(m) for m in waiver.missions))
    return replace(waiver, policy=policy.id, use=use.value, missions=missions)


def open_register(settings: Settings) -> Register:
    """Connect to the store `settings` names and bring its schema up to date."""
    from dronevet.store import db, schema

    with db.reported(settings.database_url):
        engine = db.connect(settings.database_url)
        if schema.stored_revision(engine) != schema.HEAD:
            from dronevet.store import migrations

            migrations.upgrade(settings.database_url)
    return Register(db.session_factory(engine), db.shown_url(settings.database_url))
