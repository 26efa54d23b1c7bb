"""Control chains: coverage passes along several links, as far as the criteria allow.

Real groups are layered: a reseller owned by a holding that is a subsidiary of the maker.
A determination must follow every hop (and say which entities it went through), stop at
the depth the criteria set, and never loop on a cycle.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.loader import load_from
from dronevet.screening.control import determine
from dronevet.screening.model import DEFAULT_CRITERIA, CoveredStatus
from screening.conftest import _company, write_kb

DAY = date(2025, 1, 1)


def _chain(tmp_path: Path, hops: int) -> KnowledgeBase:
    """e0 -> e1 -> ... -> e<hops>, each a subsidiary of the next; only the last is a PRC
    company, so coverage reaches e0 only through every hop."""
    records = [_company(f"e{i}", [f"Layer {i} Holdings"], "sg") for i in range(hops)]
    records.append(_company(f"e{hops}", ["Ultimate Parent Co."], "cn"))
    for i in range(hops):
        records[i]["properties"]["parent"] = [f"e{i + 1}"]
    return load_from(write_kb(tmp_path / f"chain{hops}", records))


@pytest.fixture
def two_hops(tmp_path: Path) -> KnowledgeBase:
    return _chain(tmp_path, 2)


def test_coverage_passes_through_two_hops_and_the_chain_names_each(
    two_hops: KnowledgeBase,
) -> None:
    found = determine(two_hops, "e0", DAY, DEFAULT_CRITERIA)
    assert found.status is CoveredStatus.covered
    assert found.chain == ("e0", "e1", "e2")


def test_a_chain_as_long_as_the_depth_limit_is_followed(tmp_path: Path) -> None:
    depth = DEFAULT_CRITERIA.max_depth
    kb = _chain(tmp_path, depth)
    found = determine(kb, "e0", DAY, DEFAULT_CRITERIA)
    assert found.status is CoveredStatus.covered
    assert len(found.chain) == depth + 1


def test_a_chain_one_hop_longer_than_the_depth_limit_is_not(tmp_path: Path) -> None:
    depth = DEFAULT_CRITERIA.max_depth
    kb = _chain(tmp_path, depth + 1)
    found = determine(kb, "e0", DAY, DEFAULT_CRITERIA)
    assert found.status is CoveredStatus.not_covered


def test_a_cycle_of_links_ends(tmp_path: Path) -> None:
    records = [_company("a", ["Alpha Holdings"], "sg"), _company("b", ["Beta Holdings"], "sg")]
    records[0]["properties"]["parent"] = ["b"]
    records[1]["properties"]["parent"] = ["a"]
    kb = load_from(write_kb(tmp_path / "cycle", records))
    assert determine(kb, "a", DAY, DEFAULT_CRITERIA).status is CoveredStatus.not_covered
