"""The procurement decision memo: may we buy this drone (a model, or a system described by
a bill of materials), and what stands in the way, under every policy that binds us.

```python
memo = decision_memo(kb, "DJI Matrice 30T", as_of=date(2025, 12, 22), organisation=org)
memo.recommendation   # "Not recommended: ... prohibited for procurement under us-fl-934-50"
render_memo(memo)     # HTML (reports/render.py); pdf_of(html) for the PDF (reports/pdf.py)
```

With an organisation, the memo answers under the policies and uses that bind it (its
bindings, as the fleet timeline reads them); without one, under every policy the
knowledge base holds, for each use it regulates. Each verdict comes with the engine's
explanation in full (`policy.summary`): the clause and the source document, its date and
its UNVERIFIED mark behind every line. The recommendation is worded from the verdicts
alone: prohibited anywhere, then needing review, then permitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dronevet.errors import BadInputError
from dronevet.fleet.model import Organisation
from dronevet.knowledge.base import KnowledgeBase
from dronevet.policy.model import ApplicabilityStatus, Verdict, VerdictKind
from dronevet.policy.summary import Explanation, summarise
from dronevet.reports.words import use_words


@dataclass(frozen=True, slots=True)
class MemoEntry:
    """One policy and use: the verdict and its explanation."""

    verdict: Verdict
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class DecisionMemo:
    """What a procurement officer hands to the legal office (see the module docstring)."""

    subject: str
    """The drone's name as the knowledge base (or the bill of materials) gives it."""
    from_bom: str | None
    """The bill of materials file's name, when the memo is about one."""
    as_of: date
    prepared_on: date
    prepared_for: str | None
    mission: str | None
    entries: tuple[MemoEntry, ...]
    recommendation: str

    @property
    def unverified(self) -> bool:
        """Whether any verdict rests on a fact or source not yet verified."""
        return any(e.explanation.unverified for e in self.entries)


def _pairs(entries: tuple[MemoEntry, ...], kind: VerdictKind) -> str:
    """`procurement and operation under us-fl-934-50; funding under us-asda-2023`."""
    uses: dict[str, list[str]] = {}
    for e in entries:
        if e.verdict.verdict is kind:
            uses.setdefault(e.verdict.policy.id, []).append(use_words(e.verdict.use.value))
    return "; ".join(f"{_joined(words)} under {policy}" for policy, words in uses.items())


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def recommendation(subject: str, entries: tuple[MemoEntry, ...], as_of: date) -> str:
    """The memo's one-line recommendation, worded from its verdicts."""
    kinds = {e.verdict.verdict for e in entries}
    day = as_of.isoformat()
    if VerdictKind.prohibited in kinds:
        return (f"Not recommended: on {day} {subject} is prohibited for "
                f"{_pairs(entries, VerdictKind.prohibited)}. An exception needs one of the "
                f"exemption or waiver routes listed below.")
    if VerdictKind.review in kinds:
        return (f"Decide only after review: on {day} {subject} needs a person's decision for "
                f"{_pairs(entries, VerdictKind.review)}; nothing found prohibits it.")
    if VerdictKind.permitted in kinds:
        return (f"May proceed: on {day} no policy considered stands in the way of {subject} "
                f"({_pairs(entries, VerdictKind.permitted)}).")
    return f"No policy considered regulates {subject} on {day}."


def _verdicts(kb: KnowledgeBase, subject: str | Path, as_of: date, mission: str | None,
              organisation: Organisation | None) -> list[Verdict]:
    from dronevet.api import dronevet_policies, vet, vet_matrix
    from dronevet.fleet.timeline import binding_columns

    if organisation is None:
        matrix = vet_matrix(subject, as_of=as_of, mission=mission, kb=kb)
        return [v for v in matrix.verdicts
                if v.applicability.status is not ApplicabilityStatus.use_not_regulated]
    if not organisation.bindings:
        raise BadInputError(f"{organisation.name} is bound by no policy: add them with "
                            f"`dronevet fleet org {organisation.name!r} --policies ID,ID`")
    return [vet(subject, policy=c.policy.id, use=c.use, as_of=as_of, mission=mission, kb=kb)
            for c in binding_columns(dronevet_policies(kb), organisation)]


def decision_memo(kb: KnowledgeBase, subject: str | Path, *, as_of: date, prepared_on: date,
                  organisation: Organisation | None = None,
                  mission: str | None = None) -> DecisionMemo:
    """The memo for `subject` (a model's name or id, or the `Path` of a bill of materials)
    as of `as_of`, under `organisation`'s bindings (every policy when None)."""
    verdicts = _verdicts(kb, subject, as_of, mission, organisation)
    entries = tuple(MemoEntry(v, summarise(kb, v, full=True)) for v in verdicts)
    name = verdicts[0].subject.name if verdicts else str(subject)
    return DecisionMemo(
        subject=name,
        from_bom=subject.name if isinstance(subject, Path) else None,
        as_of=as_of,
        prepared_on=prepared_on,
        prepared_for=organisation.name if organisation else None,
        mission=mission,
        entries=entries,
        recommendation=recommendation(name, entries, as_of),
    )
