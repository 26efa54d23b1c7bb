"""What is being vetted: a drone model found by the name a person types, or a custom system.

`find_product(kb, "DJI M30T")` resolves a model by its id, its name, an alias, the maker's
brand with an alias ("DJI M30T", "Autel EVO II Dual 640T"), or, failing those, fuzzily
through screening's normalisation and `idf-soft-cover-v1` scoring over the same names.
The answer says how it matched (`matched_by`: id, name, alias or fuzzy, with the score).
Several products that hold every word typed ("EVO II Dual 640T" for the V2 and the V3,
"Mavic 3") or that fit about equally well are an `AmbiguousNameError` listing them;
nothing close enough is an `UnknownNameError` with the closest models.

`subject(kb, value)` turns what a caller holds (a product id or name, a `Product`, or a
bill-of-materials mapping) into the product to vet and how it was found.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dronevet.bulk import paused_gc
from dronevet.errors import AmbiguousNameError, UnknownNameError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.model import Product
from dronevet.policy.bom import bom_product, name_resolver, read_bom
from dronevet.policy.model import SubjectMatch, subject_dict
from dronevet.screening.model import DEFAULT_THRESHOLD
from dronevet.screening.normalize import name_tokens

if TYPE_CHECKING:
    from dronevet.screening.search import Searcher

FUZZY_THRESHOLD = DEFAULT_THRESHOLD
"""A fuzzy match below this score is no match (the closest models are suggested)."""
AMBIGUITY_MARGIN = 0.05
"""Fuzzy matches this close to the best fit it about as well: the user must choose."""


@dataclass(frozen=True, slots=True)
class ProductMatch:
    """A model of the knowledge base and how the typed text found it."""

    product: Product
    match: SubjectMatch

    def to_dict(self) -> dict[str, Any]:
        return {
            **subject_dict(self.product, self.match),
            "query": self.match.query,
            "matched_name": self.match.matched_name,
        }


def _brand(product: Product) -> str:
    """The maker's brand as the product name begins with it ("DJI", "Autel")."""
    first = product.name.split(" ", 1)[0]
    return first if len(product.name.split()) > 1 else ""


def product_names(product: Product) -> tuple[tuple[str, str], ...]:
    """Every name a product answers to, with what kind of name it is: its name with and
    without the brand, its aliases, the brand before each alias, and its id as words."""
    brand = _brand(product)
    names = [(product.name, "name")]
    if brand:
        names.append((product.name[len(brand) :].strip(), "name"))
    names += [(alias, "alias") for alias in product.aliases]
    if brand:
        names += [
            (f"{brand} {alias}", "alias")
            for alias in product.aliases
            if not alias.casefold().startswith(brand.casefold())
        ]
    names.append((product.id.replace("-", " "), "id"))
    return tuple(dict.fromkeys(names))


def _searcher(kb: KnowledgeBase) -> Searcher:
    """The compiled search over product names (imported here: an exact name needs none)."""
    from dronevet.screening.index import build_index
    from dronevet.screening.search import Searcher

    def build() -> Searcher:
        with paused_gc():
            index = build_index(
                (p.id, tuple(name for name, _ in product_names(p))) for p in kb.products.values()
            )
        return Searcher(index)

    return kb.memo.get("product-names", build)


def _exact(kb: KnowledgeBase, text: str) -> ProductMatch | None:
    """The product whose id, name or alias is `text` (case aside); two products sharing
    the name is an `AmbiguousNameError`."""
    wanted = text.strip().casefold()
    if wanted in kb.products:
        return ProductMatch(kb.products[wanted], SubjectMatch("id", 1.0, text, wanted))
    for kind in ("name", "alias"):
        found = {
            product.id: ProductMatch(product, SubjectMatch(kind, 1.0, text, name))
            for product in kb.products.values()
            for name, name_kind in product_names(product)
            if name_kind == kind and name.casefold() == wanted
        }
        if len(found) > 1:
            _ambiguous(kb, text, list(found))
        if found:
            return next(iter(found.values()))
    return None


def _ambiguous(kb: KnowledgeBase, text: str, product_ids: list[str]) -> None:
    names = ", ".join(f"{kb.products[p].name} ({p})" for p in product_ids)
    raise AmbiguousNameError(
        f"{text!r} fits {len(product_ids)} models about equally well: {names}; name one of them."
    )


def find_product(kb: KnowledgeBase, text: str) -> ProductMatch:
    """The model `text` names (see the module docstring)."""
    if not text.strip():
        raise UnknownNameError("the model name is empty (see `dronevet models`).")
    exact = _exact(kb, text)
    if exact is not None:
        return exact
    from dronevet.screening.score import as_match, ranked

    searcher = _searcher(kb)
    tokens = name_tokens(text.replace("-", " "))
    entries = ranked(searcher, tokens, limit=5, raw=text)
    found = [as_match(searcher.index, entry) for entry in entries]
    best = [m for m in found if m.score >= FUZZY_THRESHOLD]
    if not best:
        raise UnknownNameError(
            f"no drone model {text!r} in the knowledge base (see `dronevet models`).",
            suggestions=tuple(m.entity_id for m in found[:3]),
        )
    wanted = set(tokens)
    containing = [m for m in found if wanted <= set(name_tokens(m.matched_name.replace("-", " ")))]
    tied = containing or [m for m in best if best[0].score - m.score < AMBIGUITY_MARGIN]
    if len(tied) > 1:
        _ambiguous(kb, text, [m.entity_id for m in tied])
    top = best[0]
    match = SubjectMatch("fuzzy", top.score, text, top.matched_name)
    return ProductMatch(kb.products[top.entity_id], match)


def subject(
    kb: KnowledgeBase, value: str | Path | Product | Mapping[str, Any]
) -> tuple[Product, SubjectMatch]:
    """The product to vet and how it was found, from a name, a `Product`, a BOM mapping or
    the path of a BOM file."""
    if isinstance(value, Product):
        return value, SubjectMatch("product")
    if isinstance(value, Path):
        return read_bom(value, kb), SubjectMatch("bom", query=str(value))
    if isinstance(value, Mapping):
        product = bom_product(value, Path("<bill of materials>"), name_resolver(kb))
        return product, SubjectMatch("bom")
    found = find_product(kb, value)
    return found.product, found.match
