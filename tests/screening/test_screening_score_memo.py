"""Scored names remember how well they explain each query word (a word-level memo kept
across queries): a name that has served other queries scores a new one exactly as a name
seen for the first time does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.screening.score import ScoredName, _coverage

# Words of real drone makers' names with their typos, abbreviations and split forms.
WORDS = [
    "dji", "da", "jiang", "dajiang", "innovations", "innovation", "inovations", "sz",
    "technology", "tech", "autel", "autle", "robotics", "robotic", "robot", "skydio",
    "parrot", "ryze", "livox", "anzu", "hasselblad", "science", "sciences",
]


def _weight(token: str) -> float:
    return 1.0 + len(token) / 10


names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(names, names, st.lists(names, max_size=5))
def test_warm_name_scores_a_query_like_a_fresh_one(
    query: list[str], candidate: list[str], earlier: list[list[str]]
) -> None:
    warm = ScoredName.of(candidate, _weight)
    for other in earlier:  # other queries fill the candidate's memo first
        _coverage(ScoredName.of(other, _weight), warm)
    fresh = ScoredName.of(candidate, _weight)
    q = ScoredName.of(query, _weight)
    assert _coverage(q, warm) == _coverage(q, fresh)
    assert _coverage(warm, q) == _coverage(fresh, ScoredName.of(query, _weight))


def test_typo_word_is_explained_by_its_near_spelling_and_remembered() -> None:
    # "Autle Robotics": "autle" is one transposition from "autel" (0.9), not equal to it.
    name = ScoredName.of(["autel", "robotics"], _weight)
    query = ScoredName.of(["autle", "robotics"], _weight)
    cov = _coverage(query, name)
    assert 0.9 <= cov < 1.0
    assert name.matched["autle"] == 0.9
    assert _coverage(query, name) == cov
