"""Verdicts, policies and products as JSON-ready dicts (the stable contract of `dronevet vet`).

```json
{"subject": {...}, "policy": "us-asda-2023", "use": "operate", "as_of": "2025-12-22",
 "mission": null, "verdict": "prohibited",
 "reasons": [{"rule", "citation", "text", "outcome",
              "facts": [{"claim", "source", "date", "verified"}]}],
 "exemptions": [{"id", "text", "citation"}]}
```
"""

from __future__ import annotations

from typing import Any

from dronevet.knowledge.model import Product, Source
from dronevet.policy.model import Citation, Fact, Policy, Verdict


def citation_text(citation: Citation) -> str:
    return str(citation)


def fact_dict(fact: Fact) -> dict[str, Any]:
    return {
        "claim": fact.claim,
        "source": fact.source.citation,
        "date": fact.source.date.isoformat(),
        "verified": fact.source.verified,
    }


def source_dict(source: Source) -> dict[str, Any]:
    return {
        "citation": source.citation,
        "date": source.date.isoformat(),
        "verified": source.verified,
    }


def subject_dict(product: Product) -> dict[str, Any]:
    return {
        "id": product.id,
        "name": product.name,
        "manufacturer": product.manufacturer or None,
        "manufacturer_name": product.manufacturer_name or None,
        "manufacturer_country": product.manufacturer_country,
        "final_assembly_country": product.final_assembly_country,
        "components": [
            {
                "kind": c.kind.value,
                "maker": c.maker,
                "maker_name": c.maker_name or None,
                "made_in": c.made_in,
            }
            for c in product.components
        ],
    }


def verdict_dict(verdict: Verdict) -> dict[str, Any]:
    return {
        "subject": subject_dict(verdict.subject),
        "policy": verdict.policy.id,
        "use": verdict.use.value,
        "as_of": verdict.as_of.isoformat(),
        "mission": verdict.mission,
        "verdict": verdict.verdict.value,
        "reasons": [
            {
                "rule": r.rule,
                "citation": citation_text(r.citation),
                "text": r.text,
                "outcome": r.outcome.value,
                "facts": [fact_dict(f) for f in r.facts],
            }
            for r in verdict.reasons
        ],
        "exemptions": [
            {"id": e.id, "text": e.text, "citation": citation_text(e.citation)}
            for e in verdict.exemptions
        ],
    }


def policy_dict(policy: Policy) -> dict[str, Any]:
    return {
        "id": policy.id,
        "title": policy.title,
        "jurisdiction": policy.jurisdiction,
        "authority": policy.authority,
        "binds": policy.binds,
        "nature": policy.nature.value,
        "summary": policy.summary,
        "source": source_dict(policy.source),
        "regulates": {
            use.value: {
                "start": r.start.isoformat(),
                "end": r.end.isoformat() if r.end else None,
                "citation": citation_text(r.citation),
                "text": r.text,
            }
            for use, r in policy.regulations.items()
        },
        "missions": dict(policy.missions),
        "rules": [
            {"id": r.id, "test": r.test, "citation": citation_text(r.citation), "text": r.text}
            for r in policy.rules
        ],
        "exemptions": [
            {
                "id": e.id,
                "text": e.text,
                "citation": citation_text(e.citation),
                "automatic": e.automatic is not None,
            }
            for e in policy.exemptions
        ],
    }


def product_dict(product: Product) -> dict[str, Any]:
    data = subject_dict(product)
    data.update(
        aliases=list(product.aliases),
        category=product.category,
        released=product.released.isoformat() if product.released else None,
        lists=[
            {
                "list": s.list_id,
                "status": s.status,
                "start": s.start.isoformat() if s.start else None,
                "end": s.end.isoformat() if s.end else None,
            }
            for s in product.list_statuses
        ],
        source=source_dict(product.source),
    )
    return data
