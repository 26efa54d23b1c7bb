"""The compiled scorer (`dronevet.screening.kernel`) gives exactly the scores the plain
Python statement of the algorithm gives (`reference_score.py`), word pair by word pair:
typos, prefixes, split words, repeated words, words the index has never seen."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from dronevet.knowledge.loader import KnowledgeBase, load_builtin
from dronevet.screening import kernel
from dronevet.screening.kernel import GENERIC_WEIGHT, GENERIC_WORDS
from dronevet.screening.normalize import name_tokens
from dronevet.screening.score import score_names
from dronevet.screening.search import names_of
from screening.reference_score import Side, score

VARIANTS = Path(__file__).parents[2] / "bench" / "screening_data" / "variants.tsv"


@pytest.fixture(scope="module")
def builtin_kb() -> KnowledgeBase:
    return load_builtin()


@pytest.fixture(scope="module")
def labelled_queries() -> list[str]:
    lines = VARIANTS.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t")[0] for line in lines]


# Words of real drone makers' names with their typos, abbreviations and split forms.
WORDS = [
    "dji", "da", "jiang", "dajiang", "innovations", "innovation", "inovations", "sz",
    "technology", "technologies", "tech", "autel", "autle", "robotics", "robotic", "robot",
    "skydio", "parrot", "ryze", "livox", "anzu", "hasselblad", "science", "sciences",
    "shenzhen", "shen", "zhen", "ehang", "e", "hang",
]


def _idf(token: str) -> float:
    return 1.0 + len(token) / 10


def _weight(token: str) -> float:
    """The weight `score_names` gives a token of IDF `_idf`: generic words weigh less."""
    return _idf(token) * (GENERIC_WEIGHT if token in GENERIC_WORDS else 1.0)


names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6)
words = st.text(alphabet="abcdeklnorst", min_size=1, max_size=12)


@settings(max_examples=400, deadline=None)
@given(names, names)
def test_kernel_scores_maker_names_as_the_reference_does(
    query: list[str], candidate: list[str]
) -> None:
    expected = score(Side.of(query, _weight), Side.of(candidate, _weight))
    assert score_names(query, candidate, _idf) == expected


@settings(max_examples=400, deadline=None)
@given(st.lists(words, min_size=1, max_size=5), st.lists(words, min_size=1, max_size=5))
def test_kernel_scores_arbitrary_words_as_the_reference_does(
    query: list[str], candidate: list[str]
) -> None:
    expected = score(Side.of(query, _weight), Side.of(candidate, _weight))
    assert score_names(query, candidate, _idf) == expected


@settings(max_examples=500, deadline=None)
@given(words, words, st.integers(0, 3))
def test_typo_distance_is_rapidfuzz_optimal_string_alignment(a: str, b: str, limit: int) -> None:
    abuf = np.frombuffer(a.encode(), dtype=np.uint8)
    bbuf = np.frombuffer(b.encode(), dtype=np.uint8)
    rows = np.empty(3 * (len(b) + 1), dtype=np.int64)
    masks = np.zeros(256, dtype=np.uint64)
    within = OSA.distance(a, b) <= limit
    assert kernel.osa_within(abuf, 0, len(a), bbuf, 0, len(b), limit, rows, masks) == within
    assert kernel._osa_table(abuf, 0, len(a), bbuf, 0, len(b), limit, rows) == within
    assert not masks.any()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abc xyz", max_size=90), st.text(alphabet="abc xyz", max_size=90))
def test_spelling_is_rapidfuzz_ratio_on_both_sides_of_64_letters(a: str, b: str) -> None:
    masks = np.zeros(256, dtype=np.uint64)
    abuf = np.frombuffer(a.encode(), dtype=np.uint8)
    bbuf = np.frombuffer(b.encode(), dtype=np.uint8)
    assert kernel.spelling(abuf, len(a), bbuf, len(b), masks) == fuzz.ratio(a, b) / 100.0
    assert not masks.any()


def test_every_entity_found_for_the_labelled_queries_scores_as_the_reference(
    builtin_kb: KnowledgeBase, labelled_queries: list[str]
) -> None:
    # The index path: vocabulary ids, unknown query words (-1), the index's IDF weights,
    # each entity's best name as the compiled search reports it.
    search = names_of(builtin_kb)
    index = search.index

    def weight(token: str) -> float:
        known = index.vocab.get(token)
        idf = float(index.idf[known]) if known is not None else index.unknown_idf
        return idf * (GENERIC_WEIGHT if token in GENERIC_WORDS else 1.0)

    pairs = 0
    for query in labelled_queries:
        tokens = name_tokens(query)
        found = search.search(tokens, depth=len(index.entity_ids))
        side = Side.of(tokens, weight)
        for name_id, raw in zip(found.names, found.scores, strict=True):
            candidate = Side.of(index.name_tokens_of(name_id), weight)
            assert round(raw, 4) == score(side, candidate), (query, name_id)
            pairs += 1
    assert pairs > 1000
