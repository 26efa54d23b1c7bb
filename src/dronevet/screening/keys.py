"""Hashed lookup keys of names and tokens, computed in numba: in bulk when an index is
built, and by the same functions for a query (`search.py`, `kernel._side`).

Normalised tokens are plain ASCII (`normalize.py`), so:

- a token's string hash is the polynomial `sum(byte_i * B**(n-1-i)) mod 2**64`; the hash
  of several tokens written together (`da` + `jiang`) follows from the parts and `B**n`,
  which is how the "same letters, split differently" key of a whole name is formed;
- a token's typo keys are the string hashes of the token and of each one-letter deletion
  of it (symmetric-delete neighbourhood);
- a set of ids (distinct tokens of a name, or their phonetic skeletons) is keyed by
  folding its sorted ids as `h = h * P + id + 1 mod 2**64`.

Keys are stored as the int64 with the same bits (numpy's sorted arrays); equal keys are
candidates only, callers verify what they need to.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

TYPO_MIN_LEN = 4
"""Tokens of at least this many letters get typo keys; shorter ones must match exactly."""
B = 1099511628211  # FNV-1 64-bit prime
P = 0x9E3779B97F4A7C15  # odd 64-bit multiplier (golden ratio)

U8 = NDArray[np.uint8]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
U64 = NDArray[np.uint64]


@numba.njit(cache=True)
def token_hashes(buf: U8, ptr: I64) -> tuple[U64, U64]:  # pragma: no cover - compiled
    """String hash and B**len of each token `buf[ptr[t]:ptr[t+1]]`."""
    n = ptr.shape[0] - 1
    hashes = np.zeros(n, dtype=np.uint64)
    powers = np.ones(n, dtype=np.uint64)
    base = np.uint64(B)
    for t in range(n):
        h = np.uint64(0)
        pw = np.uint64(1)
        for j in range(ptr[t], ptr[t + 1]):
            h = h * base + np.uint64(buf[j])
            pw = pw * base
        hashes[t] = h
        powers[t] = pw
    return hashes, powers


@numba.njit(cache=True)
def deletion_keys(buf: U8, ptr: I64, min_len: int) -> tuple[U64, I32]:  # pragma: no cover
    """Typo keys (see `typo_keys`) of every token of `min_len`+ letters, with token ids."""
    total = 0
    for t in range(ptr.shape[0] - 1):
        length = ptr[t + 1] - ptr[t]
        if length >= min_len:
            total += length + 1
    keys = np.empty(total, dtype=np.uint64)
    owner = np.empty(total, dtype=np.int32)
    base = np.uint64(B)
    k = 0
    for t in range(ptr.shape[0] - 1):
        lo = ptr[t]
        hi = ptr[t + 1]
        if hi - lo < min_len:
            continue
        for skip in range(lo - 1, hi):  # lo - 1: the token itself, nothing deleted
            h = np.uint64(0)
            for j in range(lo, hi):
                if j != skip:
                    h = h * base + np.uint64(buf[j])
            keys[k] = h
            owner[k] = t
            k += 1
    return keys, owner


@numba.njit(cache=True)
def fold_set(ids: I64) -> np.uint64:  # pragma: no cover - compiled
    """Key of a set of ids: its distinct ids in order, folded (order and repeats do not
    matter)."""
    h = np.uint64(0)
    mult = np.uint64(P)
    last = -1
    for v in np.sort(ids):
        if v != last:
            h = h * mult + np.uint64(v + 1)
            last = v
    return h


@numba.njit(cache=True)
def name_keys(
    ptr: I64, tok: I32, phon: I32, tok_hash: U64, tok_pow: U64
) -> tuple[U64, U64, U64]:  # pragma: no cover - compiled
    """Per name (tokens `tok[ptr[i]:ptr[i+1]]`): set key of its tokens, joined key, and
    set key of its tokens' phonetic ids `phon[token]`."""
    n = ptr.shape[0] - 1
    exact = np.empty(n, dtype=np.uint64)
    joined = np.empty(n, dtype=np.uint64)
    phonetic = np.empty(n, dtype=np.uint64)
    for i in range(n):
        ids = tok[ptr[i] : ptr[i + 1]].astype(np.int64)
        exact[i] = fold_set(ids)
        h = np.uint64(0)
        for t in ids:
            h = h * tok_pow[t] + tok_hash[t]
        joined[i] = h
        phonetic[i] = fold_set(phon[ids].astype(np.int64))
    return exact, joined, phonetic
