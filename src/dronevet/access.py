"""Who may do what: the roles of a local account and the actions each role allows.

This is the one place the role matrix lives; the HTTP API checks it on every route and the
web pages use it to show only what a person may do. An account belongs to one organisation
(and so to its units) or, for an administrator of the whole store, to none.

| action            | viewer | program manager | security officer | approving official | admin |
|-------------------|:------:|:---------------:|:----------------:|:------------------:|:-----:|
| read              |   x    |        x        |        x         |         x          |   x   |
| edit the fleet    |        |        x        |                  |                    |   x   |
| request a waiver  |        |        x        |        x         |                    |   x   |
| decide a waiver   |        |                 |                  |         x          |   x   |
| plan replacements |        |        x        |                  |         x          |   x   |
| read the audit log|        |                 |        x         |         x          |   x   |
| guard the airspace|        |                 |        x         |                    |   x   |
| manage orgs/users |        |                 |                  |                    |   x   |

Guarding the airspace is importing protected zones and flight authorisations and
acknowledging alerts; reading the air picture (tracks, zones, alerts) is `read`.
Deciding a waiver also needs someone other than who asked for it (the store checks that).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dronevet.errors import UnknownNameError
from dronevet.suggest import close_matches


class Role(StrEnum):
    """What an account is for."""

    viewer = "viewer"
    program_manager = "program-manager"
    security_officer = "security-officer"
    approving_official = "approving-official"
    admin = "admin"

    @classmethod
    def parse(cls, text: str) -> Role:
        """The role `text` names (`program_manager` and `Program Manager` work too)."""
        key = text.strip().lower().replace("_", "-").replace(" ", "-")
        try:
            return cls(key)
        except ValueError:
            names = [role.value for role in cls]
            raise UnknownNameError(f"no role {text!r}; the roles are {', '.join(names)}.",
                                   suggestions=close_matches(key, names)) from None


class Action(StrEnum):
    """Something a route or a page does."""

    read = "read"
    edit_fleet = "edit-fleet"
    request_waiver = "request-waiver"
    decide_waiver = "decide-waiver"
    plan = "plan"
    read_audit = "read-audit"
    administer = "administer"
    guard_airspace = "guard-airspace"


ALLOWED: dict[Role, frozenset[Action]] = {
    Role.viewer: frozenset({Action.read}),
    Role.program_manager: frozenset(
        {Action.read, Action.edit_fleet, Action.request_waiver, Action.plan}
    ),
    Role.security_officer: frozenset(
        {Action.read, Action.request_waiver, Action.read_audit, Action.guard_airspace}
    ),
    Role.approving_official: frozenset(
        {Action.read, Action.decide_waiver, Action.plan, Action.read_audit}
    ),
    Role.admin: frozenset(Action),
}


@dataclass(frozen=True, slots=True)
class User:
    """A local account as the fronts see it (never its password hash)."""

    id: int
    name: str
    role: Role
    organisation: str | None
    """The organisation it belongs to; None for an administrator of the whole store."""

    def may(self, action: Action) -> bool:
        return action in ALLOWED[self.role]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role.value, "organisation": self.organisation}
