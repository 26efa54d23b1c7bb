"""Lookup keys: what the index computes in bulk when it is built must equal what a query
computes for itself, or exact, split-word, typo and sound-alike hits are silently lost."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.screening import keys
from dronevet.screening.index import build_index
from dronevet.screening.normalize import phonetic_token

TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=14)
NAME = st.lists(TOKEN, min_size=1, max_size=6, unique=True)


def _buffer(tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
    buf = np.frombuffer("".join(tokens).encode("ascii"), dtype=np.uint8)
    ptr = np.zeros(len(tokens) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in tokens], out=ptr[1:])
    return buf, ptr


@settings(max_examples=60, deadline=None)
@given(st.lists(TOKEN, min_size=1, max_size=20))
def test_bulk_token_hashes_equal_the_query_side(tokens: list[str]) -> None:
    hashes, powers = keys.token_hashes(*_buffer(tokens))
    assert [keys.string_hash(t) for t in tokens] == list(
        zip(hashes.tolist(), powers.tolist(), strict=True)
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(TOKEN, min_size=1, max_size=20))
def test_bulk_typo_keys_equal_the_query_side(tokens: list[str]) -> None:
    found, owner = keys.deletion_keys(*_buffer(tokens), 4)
    expected = [(k, t) for t, token in enumerate(tokens) if len(token) >= 4
                for k in keys.typo_keys(token)]
    assert list(zip(found.view(np.int64).tolist(), owner.tolist(), strict=True)) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(NAME, min_size=1, max_size=8))
def test_every_indexed_name_is_found_whole_by_its_own_tokens(names: list[list[str]]) -> None:
    index = build_index([(f"e{i}", [" ".join(n)]) for i, n in enumerate(names)])
    for name_id in range(index.size):
        tokens = index.name_tokens_of(name_id)
        assert name_id in index.whole_name_hits(tokens)
        assert name_id in index.whole_name_hits(["".join(tokens)])  # written as one word


def test_sound_alike_key_finds_a_spelling_never_indexed() -> None:
    index = build_index([("autel", ["Autel Robotics"])])
    assert phonetic_token("otel") == phonetic_token("autel")
    assert 0 in index.candidates(("otel", "robotix"))[0]


def test_set_key_ignores_order_and_repeats() -> None:
    assert keys.set_key([3, 1, 2]) == keys.set_key([2, 3, 1, 1])
    assert keys.set_key([1, 2]) != keys.set_key([1, 3])
