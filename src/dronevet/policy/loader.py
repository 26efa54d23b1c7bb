"""Read and validate `policies.yaml` into `Policy` values (a `PolicyBook`).

Sources are resolved against `policy_sources.yaml` (documents only policies cite) and the
knowledge base's `sources.yaml`. Validation checks everything a policy refers to: rule tests
exist, list and entity ids are in the knowledge base, uses and component kinds and link kinds
are known, mission tiers and exempted rules exist, dates parse. Every error is a
`KnowledgeError` naming the file, the line and the policy id.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from dronevet.errors import KnowledgeError, UnknownNameError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.loader import data_dir
from dronevet.knowledge.model import ComponentKind, LinkKind, Source, Use
from dronevet.knowledge.sources import SourceRegistry, parse_date
from dronevet.policy.lined_yaml import line_of, read_lined
from dronevet.policy.model import (
    Citation,
    Coverage,
    ExemptionRoute,
    Mission,
    Policy,
    PolicyNature,
    Regulation,
    RuleSpec,
    VerdictKind,
)
from dronevet.policy.rules import get_test
from dronevet.screening.model import CoveredCriteria
from dronevet.suggest import close_matches

_POLICY_KEYS = frozenset(
    {
        "id",
        "short",
        "aliases",
        "title",
        "jurisdiction",
        "authority",
        "binds",
        "nature",
        "source",
        "verified",
        "summary",
        "covered",
        "regulates",
        "missions",
        "scope",
        "rules",
        "clearance",
        "exemptions",
        "advice",
    }
)
_RULE_KEYS = frozenset(
    {
        "id",
        "test",
        "clause",
        "source",
        "verified",
        "text",
        "uses",
        "tiers",
        "start",
        "end",
        "on_hit",
        "cleared_by",
    }
)
_PARAM_KEYS = frozenset(
    {"countries", "lists", "follow", "entities", "kinds", "aspect", "when_missing"}
)


@dataclass(frozen=True, slots=True)
class PolicyBook:
    """All policies by id, in file order, their aliases, and the missions they name."""

    policies: Mapping[str, Policy]
    mission_names: Mapping[str, Mission] = field(default_factory=lambda: MappingProxyType({}))

    def __iter__(self) -> Iterator[Policy]:
        return iter(self.policies.values())

    def __len__(self) -> int:
        return len(self.policies)

    @property
    def aliases(self) -> Mapping[str, str]:
        """Every id and alias (case-folded) -> the policy id it names."""
        found: dict[str, str] = {}
        for policy in self:
            for name in (policy.id, policy.short, *policy.aliases):
                found.setdefault(name.casefold(), policy.id)
        return found

    def get(self, policy_id: str) -> Policy:
        """The policy with this id or alias (`asda`, `florida`, `fl`); an unknown name
        suggests close ones."""
        found = self.aliases.get(policy_id.strip().casefold())
        if found is not None:
            return self.policies[found]
        raise UnknownNameError(
            f"no policy {policy_id!r} (see `dronevet policies`).",
            suggestions=close_matches(policy_id, [*self.policies, *self.aliases]),
        )

    @property
    def missions(self) -> tuple[str, ...]:
        """Mission ids, the vocabulary first, then any a policy names only itself."""
        seen: dict[str, None] = dict.fromkeys(self.mission_names)
        for policy in self:
            seen.update(dict.fromkeys(policy.missions))
            seen.update(dict.fromkeys(sorted(policy.scope)))
        return tuple(seen)

    def mission(self, text: str) -> str:
        """The mission id a name or alias means (`rescue` -> `search-and-rescue`)."""
        wanted = text.strip().casefold()
        for mission in self.mission_names.values():
            if wanted in (mission.id, *mission.aliases):
                return mission.id
        if wanted in self.missions:
            return wanted
        raise UnknownNameError(
            f"--mission {text!r} is not a mission any policy names "
            f"({', '.join(self.missions)}).",
            suggestions=close_matches(text, list(self.missions)),
        )


class _Reader:
    """Turns one policy mapping into a `Policy`, with errors that say where."""

    def __init__(
        self,
        kb: KnowledgeBase,
        sources: SourceRegistry,
        path: Path,
        known_missions: frozenset[str] = frozenset(),
    ):
        self.kb = kb
        self.sources = sources
        self.path = path
        self.known_missions = known_missions
        self.policy_id = "?"

    def fail(self, message: str, node: Any) -> KnowledgeError:
        return KnowledgeError(
            f"policy {self.policy_id}: {message}", path=str(self.path), line=line_of(node)
        )

    def need(self, node: Mapping[str, Any], key: str) -> Any:
        value = node.get(key)
        if value is None or value == "":
            raise self.fail(f"missing {key!r}.", node)
        return value

    def text(self, node: Mapping[str, Any], key: str, default: str | None = None) -> str:
        value = node.get(key, default) if default is not None else self.need(node, key)
        if not isinstance(value, str):
            raise self.fail(f"{key!r} must be text.", node)
        return " ".join(value.split())

    def day(self, node: Mapping[str, Any], key: str) -> date | None:
        return parse_date(node.get(key), where=f"{self.path}: policy {self.policy_id}, {key}")

    def strings(self, node: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = node.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{key!r} must be a list of names.", node)
        return tuple(value)

    def source(self, node: Mapping[str, Any]) -> Source:
        where = f"{self.path}: policy {self.policy_id}"
        return self.sources.resolve(
            self.need(node, "source"), where=where, verified=node.get("verified")
        )

    def citation(self, node: Mapping[str, Any]) -> Citation:
        return Citation(self.text(node, "clause"), self.source(node))

    def enum_set(self, node: Mapping[str, Any], key: str, kind: type[Any]) -> frozenset[Any]:
        try:
            return frozenset(kind(v) for v in self.strings(node, key))
        except ValueError as error:
            raise self.fail(f"{key!r}: {error}.", node) from None

    def known_lists(self, node: Mapping[str, Any], key: str) -> tuple[str, ...]:
        lists = self.strings(node, key)
        for list_id in lists:
            if list_id not in self.kb.lists:
                raise self.fail(f"{key!r} names list {list_id!r}, not in lists.yaml.", node)
        return lists

    def criteria(self, node: Mapping[str, Any], name: str) -> CoveredCriteria:
        countries = frozenset(c.lower() for c in self.strings(node, "countries"))
        return CoveredCriteria(
            name=name,
            countries=countries,
            lists=frozenset(self.known_lists(node, "lists")),
            follow=self.enum_set(node, "follow", LinkKind),
            lists_as_of=self.day(node, "lists_as_of"),
        )

    def coverage(self, node: Any) -> Coverage | None:
        if node is None:
            return None
        if not isinstance(node, Mapping):
            raise self.fail("'covered' must be a mapping.", node)
        return Coverage(
            criteria=self.criteria(node, self.policy_id),
            citation=self.citation(node),
            review_via=self.enum_set(node, "review_via", LinkKind),
            note=self.text(node, "note", ""),
        )

    def regulations(self, node: Any, binds: str) -> dict[Use, tuple[Regulation, ...]]:
        if not isinstance(node, Mapping) or not node:
            raise self.fail("'regulates' must map uses to their dates and clauses.", node)
        out = {}
        for key, item in node.items():
            try:
                use = Use(key)
            except ValueError:
                raise self.fail(f"unknown use {key!r} in 'regulates'.", node) from None
            periods = item if isinstance(item, list) else [item]
            out[use] = tuple(self.period(key, use, period, binds) for period in periods)
        return out

    def period(self, key: str, use: Use, item: Any, binds: str) -> Regulation:
        if not isinstance(item, Mapping):
            raise self.fail(f"'regulates.{key}' must be a mapping or a list of them.", item)
        start = self.day(item, "start")
        if start is None:
            raise self.fail(f"'regulates.{key}' needs a start date.", item)
        end = self.day(item, "end")
        if end is not None and end <= start:
            raise self.fail(f"'regulates.{key}' ends before it starts.", item)
        return Regulation(
            use,
            start,
            self.citation(item),
            self.text(item, "text"),
            self.text(item, "binds", binds),
            end,
        )

    def missions(self, node: Any) -> dict[str, str]:
        if node is None:
            return {}
        if not isinstance(node, Mapping):
            raise self.fail("'missions' must map tiers to mission ids.", node)
        out: dict[str, str] = {}
        for tier in node:
            for mission in self.strings(node, tier):
                if mission not in self.known_missions:
                    raise self.fail(f"mission {mission!r} is not in the missions list.", node)
                out[mission] = str(tier)
        return out

    def scope(self, node: Any) -> tuple[frozenset[str], str]:
        if node is None:
            return frozenset(), ""
        if not isinstance(node, Mapping):
            raise self.fail("'scope' must be a mapping with 'missions' and 'text'.", node)
        missions = frozenset(self.strings(node, "missions"))
        if not missions or not missions <= self.known_missions:
            raise self.fail("'scope' must name missions from the missions list.", node)
        return missions, self.text(node, "text")

    def rule(self, node: Any, regulated: frozenset[Use], tiers: set[str]) -> RuleSpec:
        if not isinstance(node, Mapping):
            raise self.fail("each rule must be a mapping.", node)
        rule_id = self.text(node, "id")
        test = self.text(node, "test")
        try:
            get_test(test)
        except KnowledgeError as error:
            raise self.fail(f"rule {rule_id}: {error.message}", node) from None
        unknown = set(node) - _RULE_KEYS - _PARAM_KEYS
        if unknown:
            raise self.fail(f"rule {rule_id}: unknown keys {sorted(unknown)}.", node)
        uses = self.enum_set(node, "uses", Use)
        if not uses <= regulated:
            raise self.fail(f"rule {rule_id} names a use the policy does not regulate.", node)
        rule_tiers = frozenset(self.strings(node, "tiers"))
        if not rule_tiers <= tiers:
            raise self.fail(f"rule {rule_id} names a mission tier not in 'missions'.", node)
        return RuleSpec(
            id=rule_id,
            test=test,
            citation=self.citation(node),
            text=self.text(node, "text"),
            params=MappingProxyType(self.params(node, rule_id)),
            uses=uses,
            tiers=rule_tiers,
            start=self.day(node, "start"),
            end=self.day(node, "end"),
            on_hit=self.on_hit(node),
            cleared_by=self.known_lists(node, "cleared_by"),
            criteria=self.rule_criteria(node, rule_id),
        )

    def on_hit(self, node: Mapping[str, Any]) -> VerdictKind:
        value = node.get("on_hit", "prohibited")
        value = "prohibited" if value == "prohibit" else value
        if value not in (VerdictKind.prohibited, VerdictKind.review):
            raise self.fail("'on_hit' must be prohibit or review.", node)
        return VerdictKind(value)

    def rule_criteria(self, node: Mapping[str, Any], rule_id: str) -> CoveredCriteria | None:
        """Rules that screen makers may bring their own countries/lists (e.g. BJA: the CSL)."""
        if node["test"] not in ("maker_covered", "components") or "lists" not in node:
            return None
        return self.criteria(node, f"{self.policy_id}/{rule_id}")

    def params(self, node: Mapping[str, Any], rule_id: str) -> dict[str, Any]:
        params = {k: node[k] for k in _PARAM_KEYS if k in node}
        try:
            for kind in params.get("kinds", ()):
                ComponentKind(kind)
            for kind in params.get("follow", ()):
                LinkKind(kind)
        except ValueError as error:
            raise self.fail(f"rule {rule_id}: {error}.", node) from None
        for entity_id in params.get("entities", ()):
            if entity_id not in self.kb.entities:
                raise self.fail(
                    f"rule {rule_id}: entity {entity_id!r} is not in the knowledge base.", node
                )
        if "lists" in params:
            params["lists"] = self.known_lists(node, "lists")
        if params.get("when_missing", "review") not in ("review", "hit"):
            raise self.fail(f"rule {rule_id}: 'when_missing' must be review or hit.", node)
        if node["test"] in ("components", "components_outside") and not params.get("kinds"):
            raise self.fail(f"rule {rule_id}: a component rule needs 'kinds'.", node)
        return _normalised(params)

    def exemption(self, node: Any, rule_ids: set[str], tiers: set[str]) -> ExemptionRoute:
        if not isinstance(node, Mapping):
            raise self.fail("each exemption must be a mapping.", node)
        automatic = None
        if node.get("automatic") is not None:
            auto = dict(node["automatic"])
            auto.update(
                id=f"{node.get('id')}-test",
                clause=node.get("clause"),
                source=node.get("source"),
                text=node.get("text"),
            )
            automatic = self.rule(auto, frozenset(Use), tiers)
        clears = frozenset(self.strings(node, "clears"))
        if not clears <= rule_ids:
            raise self.fail(f"exemption {node.get('id')} clears an unknown rule.", node)
        missions = frozenset(self.strings(node, "missions"))
        if not missions <= self.known_missions:
            raise self.fail(f"exemption {node.get('id')} names an unknown mission.", node)
        return ExemptionRoute(
            id=self.text(node, "id"),
            text=self.text(node, "text"),
            citation=self.citation(node),
            uses=self.enum_set(node, "uses", Use),
            start=self.day(node, "start"),
            end=self.day(node, "end"),
            automatic=automatic,
            clears=clears,
            missions=missions,
        )

    def policy(self, node: Any) -> Policy:
        if not isinstance(node, Mapping):
            raise self.fail("each policy must be a mapping.", node)
        self.policy_id = self.text(node, "id")
        unknown = set(node) - _POLICY_KEYS
        if unknown:
            raise self.fail(f"unknown keys {sorted(unknown)}.", node)
        try:
            nature = PolicyNature(node.get("nature", "binding"))
        except ValueError:
            raise self.fail("'nature' must be binding or advisory.", node) from None
        binds = self.text(node, "binds")
        regulations = self.regulations(node.get("regulates"), binds)
        missions = self.missions(node.get("missions"))
        scope, scope_text = self.scope(node.get("scope"))
        tiers = set(missions.values())
        rules = tuple(self.rule(r, frozenset(regulations), tiers) for r in node.get("rules") or [])
        rule_ids = {r.id for r in rules}
        if len(rule_ids) != len(rules):
            raise self.fail("two rules share an id.", node)
        clearance = node.get("clearance")
        policy = Policy(
            id=self.policy_id,
            title=self.text(node, "title"),
            jurisdiction=self.text(node, "jurisdiction").lower(),
            authority=self.text(node, "authority"),
            binds=binds,
            nature=nature,
            summary=self.text(node, "summary"),
            source=self.source(node),
            regulations=MappingProxyType(regulations),
            rules=rules,
            exemptions=tuple(
                self.exemption(e, rule_ids, tiers) for e in node.get("exemptions") or []
            ),
            coverage=self.coverage(node.get("covered")),
            missions=MappingProxyType(missions),
            scope=scope,
            scope_text=scope_text,
            clearance=self.citation(clearance) if clearance else None,
            clearance_text=self.text(clearance, "text") if clearance else "",
            advice=self.text(node, "advice", ""),
            short=self.text(node, "short", self.policy_id),
            aliases=self.strings(node, "aliases"),
        )
        needs_coverage = any(r.criteria is None and r.test in _SCREENING_TESTS for r in rules)
        if needs_coverage and policy.coverage is None:
            raise self.fail("rules screen makers but the policy has no 'covered' criteria.", node)
        if nature is PolicyNature.advisory and not policy.advice:
            raise self.fail("an advisory policy needs its 'advice' text.", node)
        return policy


def _normalised(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters in the types rule tests use, converted once at load time."""
    out = dict(params)
    if "countries" in out:
        out["countries"] = frozenset(str(c).lower() for c in out["countries"])
    if "entities" in out:
        out["entities"] = frozenset(str(e) for e in out["entities"])
    if "follow" in out:
        out["follow"] = frozenset(LinkKind(k) for k in out["follow"])
    if "kinds" in out:
        out["kinds"] = tuple(ComponentKind(k) for k in out["kinds"])
    if "lists" in out:
        out["lists"] = tuple(out["lists"])
    return out


_SCREENING_TESTS = frozenset({"maker_covered", "components", "assembled_in"})


def _missions(raw: Any, path: Path) -> dict[str, Mission]:
    """The missions vocabulary: `missions: [{id, label, aliases}]` at the top of the file."""
    if not isinstance(raw, list):
        raise KnowledgeError("'missions' must list the missions policies name.", path=str(path))
    out: dict[str, Mission] = {}
    for item in raw:
        if not isinstance(item, Mapping) or not item.get("id") or not item.get("label"):
            raise KnowledgeError(
                "each mission needs an id and a label.", path=str(path), line=line_of(item)
            )
        aliases = tuple(str(a) for a in item.get("aliases") or ())
        out[str(item["id"])] = Mission(str(item["id"]), str(item["label"]), aliases)
    return out


def policy_sources(kb: KnowledgeBase, directory: Path) -> SourceRegistry:
    """Sources policies may cite: `policy_sources.yaml` first, then the knowledge base's."""
    path = directory / "policy_sources.yaml"
    own = read_lined(path, KnowledgeError) if path.exists() else {}
    mine = SourceRegistry.from_mapping(own or {}, where=str(path))
    return SourceRegistry(dict(kb.sources.items()) | dict(mine.items()))


def load_policies(kb: KnowledgeBase, directory: Path | None = None) -> PolicyBook:
    """Read `policies.yaml` from `directory` (default: the built-in data) against `kb`."""
    directory = directory or data_dir()
    path = directory / "policies.yaml"
    raw = read_lined(path, KnowledgeError)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("policies"), list):
        raise KnowledgeError("must be a mapping with a 'policies' list.", path=str(path))
    missions = _missions(raw.get("missions"), path)
    reader = _Reader(kb, policy_sources(kb, directory), path, frozenset(missions))
    policies: dict[str, Policy] = {}
    for node in raw["policies"]:
        policy = reader.policy(node)
        if policy.id in policies:
            raise reader.fail("the id is used twice.", node)
        policies[policy.id] = policy
    book = PolicyBook(MappingProxyType(policies), MappingProxyType(missions))
    _check_aliases(book, path)
    return book


def _check_aliases(book: PolicyBook, path: Path) -> None:
    """No alias may name two policies."""
    seen: dict[str, str] = {}
    for policy in book:
        for name in {n.casefold() for n in (policy.id, policy.short, *policy.aliases)}:
            other = seen.setdefault(name, policy.id)
            if other != policy.id:
                raise KnowledgeError(
                    f"the name {name!r} is used by policies {other} and {policy.id}.",
                    path=str(path),
                )


def builtin_policies(kb: KnowledgeBase) -> PolicyBook:
    """The built-in policies read against `kb`, once per knowledge base (kept in its memo)."""
    return kb.memo.get("policies", lambda: load_policies(kb))
