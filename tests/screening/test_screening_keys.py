"""Lookup keys: what the index computes in bulk when it is built must equal the string
hashes they stand for and what a query computes for itself, or exact, split-word, typo
and sound-alike hits are silently lost."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.screening import kernel, keys
from dronevet.screening.index import build_index
from dronevet.screening.normalize import name_tokens, phonetic_token
from dronevet.screening.search import PHONETIC, Searcher

TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=14)
NAME = st.lists(TOKEN, min_size=1, max_size=6, unique=True)


def _buffer(tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
    buf = np.frombuffer("".join(tokens).encode("ascii"), dtype=np.uint8)
    ptr = np.zeros(len(tokens) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in tokens], out=ptr[1:])
    return buf, ptr


def _hash(text: str) -> int:
    """The polynomial string hash keys.py states, in plain Python."""
    h = 0
    for byte in text.encode("ascii"):
        h = (h * keys.B + byte) % (1 << 64)
    return h


@settings(max_examples=60, deadline=None)
@given(st.lists(TOKEN, min_size=1, max_size=20))
def test_bulk_token_hashes_equal_the_query_side_and_the_definition(tokens: list[str]) -> None:
    buf, ptr = _buffer(tokens)
    hashes, powers = keys.token_hashes(buf, ptr)
    assert hashes.tolist() == [_hash(t) for t in tokens]
    assert powers.tolist() == [pow(keys.B, len(t), 1 << 64) for t in tokens]
    _, query = kernel._side(buf, np.diff(ptr), np.full(len(tokens), -1, dtype=np.int64))
    assert query[:, kernel.HASH].tolist() == hashes.tolist()
    assert query[:, kernel.POW].tolist() == powers.tolist()
    assert query[:, kernel.CHARS].tolist() == kernel.char_sets(buf, ptr).tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(TOKEN, min_size=1, max_size=20))
def test_typo_keys_are_the_token_and_its_one_letter_deletions(tokens: list[str]) -> None:
    found, owner = keys.deletion_keys(*_buffer(tokens), 4)
    expected = [
        (_hash(variant), t)
        for t, token in enumerate(tokens)
        if len(token) >= 4
        for variant in [token, *(token[:i] + token[i + 1 :] for i in range(len(token)))]
    ]
    assert list(zip(found.tolist(), owner.tolist(), strict=True)) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(NAME, min_size=1, max_size=8))
def test_every_indexed_name_is_found_whole_by_its_own_tokens(names: list[list[str]]) -> None:
    index = build_index([(f"e{i}", [" ".join(n)]) for i, n in enumerate(names)])
    search = Searcher(index)
    for name_id in range(index.size):
        tokens = index.name_tokens_of(name_id)
        owner = int(index.name_entity[name_id])
        for query in (tokens, ["".join(tokens)], list(reversed(tokens))):
            # Whole hits answer alone (no retrieval) and score 1.
            found = search.search(query, depth=1)
            assert not found.retrieved
            assert found.scores[found.entities.index(owner)] == 1.0


def test_sound_alike_key_finds_a_spelling_never_indexed() -> None:
    index = build_index([("autel", ["Autel Robotics"]), ("other", ["Parrot Drones"])])
    assert phonetic_token("otel") == phonetic_token("autel")
    # "otel robotix": neither word is in the vocabulary, nor within one edit of one; the
    # query's sound-alike key (as the search computes it) is the name's.
    words = np.frombuffer(
        b"".join(Searcher(index).word(t) for t in name_tokens("Otel Robotix")), dtype=np.int64
    ).reshape(-1, 4)
    key = np.uint64(keys.fold_set(words[:, PHONETIC].copy())).view(np.int64)
    found = index.phon_name[index.phon_hash == key]
    assert found.tolist() == [0]


def test_set_key_ignores_order_and_repeats() -> None:
    def key(ids: list[int]) -> int:
        return int(keys.fold_set(np.array(ids, dtype=np.int64)))  # an unsigned 64-bit key

    assert key([3, 1, 2]) == key([2, 3, 1, 1])
    assert key([1, 2]) != key([1, 3])
