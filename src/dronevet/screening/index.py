"""Candidate retrieval for screening: an inverted index of normalised name tokens.

Built once per knowledge base (`index_for(kb)`), it answers "which few names could this
query be?" in well under a millisecond even with a million imported entities:

- Postings are numpy CSR arrays (token id -> name ids); a query sums the inverse document
  frequency (IDF) of its tokens per name in a small numba loop, so rare tokens (`dji`,
  `autel`) decide and common ones (`technology`) barely count. Tokens carried by more
  than `common_cap` names are left out of the sum whenever the query has a rarer one.
- Typos: every vocabulary token of 4+ letters is stored with its one-letter deletions
  (symmetric-delete neighbourhood, as 64-bit hashes in a sorted array); a query token
  reaches the vocabulary tokens within one edit (two for 9+ letters), verified with
  rapidfuzz's optimal-string-alignment distance. Each query token's terms (itself and
  its typo neighbours, with weights) are remembered per index: a token-level cache.
- Split words: adjacent query tokens are also tried joined (`da jiang` -> `dajiang`).
- Whole-name keys: the distinct tokens, the letters without spaces, and the phonetic
  skeletons find equal and sound-alike names whatever their tokens' frequency. All keys
  are hashed in bulk when the index is built (`keys.py`).

Scoring of the candidates is `score.py`'s job.
"""

from __future__ import annotations

import itertools
import math
import threading
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numba
import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import OSA

from dronevet.knowledge.ftm import paused_gc
from dronevet.knowledge.loader import KnowledgeBase
from dronevet.screening import kernel, keys
from dronevet.screening.normalize import name_tokens, phonetic_token

TYPO_MIN_LEN = 4
TYPO_WEIGHT = 0.8
RETRIEVE_K = 24
# At most this many names share one whole-name key in a query's answer (pathological data).
EXACT_LIMIT = 256
TERM_CACHE_SIZE = 1 << 16

I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
F32 = NDArray[np.float32]


@numba.njit(cache=True)
def _top_names(
    post_ptr: I64,
    post: I32,
    q_tok: I32,
    q_w: F32,
    acc: F32,
    touched: I32,
    k: int,
) -> I32:  # pragma: no cover - compiled
    """Sum the query weights per name over the postings; return the k best names, best first."""
    n = 0
    for i in range(q_tok.shape[0]):
        t = q_tok[i]
        w = q_w[i]
        for j in range(post_ptr[t], post_ptr[t + 1]):
            name = post[j]
            if acc[name] == 0.0:
                touched[n] = name
                n += 1
            acc[name] += w
    kk = min(k, n)
    best = np.empty(kk, dtype=np.int32)
    best_s = np.full(kk, -1.0, dtype=np.float32)
    for i in range(n):
        name = touched[i]
        s = acc[name]
        acc[name] = 0.0
        if kk == 0 or s <= best_s[kk - 1]:
            continue
        pos = kk - 1
        while pos > 0 and best_s[pos - 1] < s:
            best_s[pos] = best_s[pos - 1]
            best[pos] = best[pos - 1]
            pos -= 1
        best_s[pos] = s
        best[pos] = name
    return best


def _sorted_pairs(hashes: I64, values: I32) -> tuple[I64, I32]:
    order = np.argsort(hashes, kind="stable")
    return hashes[order], values[order]


@numba.njit(cache=True)
def _lookup_keys(hashes: I64, values: I32, keys: I64, limit: int) -> I32:  # pragma: no cover
    """The values stored under any of `keys` (at most `limit` per key), in key order."""
    size = hashes.shape[0]
    out = np.empty(keys.shape[0] * limit, dtype=np.int32)
    n = 0
    for k in range(keys.shape[0]):
        key = keys[k]
        lo = np.searchsorted(hashes, key)
        end = min(size, lo + limit)
        while lo < end and hashes[lo] == key:
            out[n] = values[lo]
            n += 1
            lo += 1
    return out[:n]


@numba.njit(cache=True)
def _gather(
    phon_hash: I64,
    phon_name: I32,
    phon_keys: I64,
    post_ptr: I64,
    post: I32,
    q_tok: I32,
    q_w: F32,
    acc: F32,
    touched: I32,
    k: int,
    name_entity: I32,
) -> I32:  # pragma: no cover - compiled
    """A query's candidates, each once: sound-alike names, then the k best by weight sum.
    Row 0 holds the name ids, row 1 their entities."""
    sound = _lookup_keys(phon_hash, phon_name, phon_keys, k)
    best = _top_names(post_ptr, post, q_tok, q_w, acc, touched, k)
    out = np.empty((2, sound.shape[0] + best.shape[0]), dtype=np.int32)
    n = 0
    for part in (sound, best):
        for name in part:
            seen = False
            for j in range(n):
                if out[0, j] == name:
                    seen = True
                    break
            if not seen:
                out[0, n] = name
                out[1, n] = name_entity[name]
                n += 1
    return out[:, :n]


def _lookup(hashes: I64, values: I32, keys: Sequence[int], limit: int) -> list[int]:
    """The values stored under any of `keys` (at most `limit` per key), in key order."""
    if not keys:
        return []
    found: list[int] = _lookup_keys(hashes, values, np.array(keys, dtype=np.int64), limit).tolist()
    return found


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """What a normalised query looks up: weighted token ids and its sound-alike key."""

    tokens: tuple[str, ...]
    token_ids: I32
    weights: F32
    phonetic_keys: tuple[int, ...]


class NameIndex:
    """Names of all entities, indexed for retrieval. Read-only once built, apart from a
    scratch buffer that queries borrow under a lock."""

    def __init__(
        self,
        entity_ids: list[str],
        name_entity: I32,
        name_pos: NDArray[np.int16],
        name_tok_ptr: I64,
        name_tok: I32,
        vocab: dict[str, int],
        *,
        common_cap: int | None = None,
    ) -> None:
        self.entity_ids = entity_ids
        self.name_entity = name_entity
        self.name_pos = name_pos
        self.name_tok_ptr = name_tok_ptr
        self.name_tok = name_tok
        self.vocab = vocab
        self.tokens = list(vocab)
        n_names = int(name_entity.shape[0])
        lengths = np.diff(name_tok_ptr)
        owner = np.repeat(np.arange(n_names, dtype=np.int32), lengths)
        order = np.argsort(name_tok, kind="stable")
        self.post = owner[order]
        df = np.bincount(name_tok, minlength=len(vocab)).astype(np.int64)
        self.post_ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=self.post_ptr[1:])
        self.df = df
        self.idf = (np.log((n_names + 1) / (df + 1)) + 1.0).astype(np.float32)
        self.unknown_idf = float(math.log(n_names + 1) + 1.0)
        self.common_cap = common_cap or max(2000, n_names // 200)
        # Per token id: (IDF, document frequency) as Python numbers, for scalar lookups.
        self._idf_df = list(zip(self.idf.astype(np.float64).tolist(), df.tolist(), strict=True))
        self._build_keys()
        self._acc = np.zeros(n_names, dtype=np.float32)
        self._touched = np.zeros(n_names, dtype=np.int32)
        # Compile (or load from numba's cache) the retrieval loop now, not in a first query.
        _gather(self.phon_hash, self.phon_name, np.zeros(0, np.int64), self.post_ptr, self.post,
                np.zeros(0, np.int32), np.zeros(0, np.float32), self._acc, self._touched, 1,
                self.name_entity)
        _lookup(self.whole_hash, self.whole_name, (0,), 1)
        self._lock = threading.Lock()
        self._name_tokens: dict[int, tuple[str, ...]] = {}
        self._terms: dict[str, tuple[tuple[int, float, int], ...]] = {}
        self._phonetic_of: dict[str, int] = {}

    def _build_keys(self) -> None:
        """Typo keys of the vocabulary, and whole-name and sound-alike keys of every name."""
        # The vocabulary's bytes: token t is token_buf[token_ptr[t]:token_ptr[t + 1]].
        buf = np.frombuffer("".join(self.tokens).encode("ascii"), dtype=np.uint8)
        ptr = np.zeros(len(self.tokens) + 1, dtype=np.int64)
        np.cumsum([len(t) for t in self.tokens], out=ptr[1:])
        self.token_buf, self.token_ptr = buf, ptr
        self.phonetic_ids: dict[str, int] = {}
        phon = np.fromiter(
            (
                self.phonetic_ids.setdefault(phonetic_token(t), len(self.phonetic_ids))
                for t in self.tokens
            ),
            dtype=np.int32,
            count=len(self.tokens),
        )
        typo, typo_tok = keys.deletion_keys(buf, ptr, TYPO_MIN_LEN)
        self.del_hash, self.del_tok = _sorted_pairs(typo.view(np.int64), typo_tok)
        tok_hash, tok_pow = keys.token_hashes(buf, ptr)
        self.token_hashes = np.stack([tok_hash, tok_pow, kernel.char_sets(buf, ptr)])
        exact, joined, phonetic = keys.name_keys(
            self.name_tok_ptr, self.name_tok, phon, tok_hash, tok_pow
        )
        ids = np.arange(self.size, dtype=np.int32)
        # Both whole-name keys in one table: a hit on either is verified by the caller.
        self.whole_hash, self.whole_name = _sorted_pairs(
            np.concatenate([exact, joined]).view(np.int64), np.concatenate([ids, ids])
        )
        self.phon_hash, self.phon_name = _sorted_pairs(phonetic.view(np.int64), ids)

    def whole_keys(self, tokens: Sequence[str]) -> tuple[int, ...]:
        """A query's whole-name keys: its distinct tokens (only if all are known) and its
        letters without spaces."""
        ids = [self.vocab.get(t, -1) for t in tokens]
        joined = keys.joined_key(tokens)
        return (joined,) if -1 in ids else (keys.set_key(ids), joined)

    def phonetic_keys(self, tokens: Sequence[str]) -> tuple[int, ...]:
        """A query's sound-alike key, if every skeleton of its tokens is known."""
        known = self._phonetic_of
        ids = []
        for token in tokens:
            pid = known.get(token)
            if pid is None:
                pid = self.phonetic_ids.get(phonetic_token(token), -1)
                if len(known) >= TERM_CACHE_SIZE:
                    known.clear()
                known[token] = pid
            ids.append(pid)
        return () if -1 in ids else (keys.set_key(ids),)

    @property
    def size(self) -> int:
        return int(self.name_entity.shape[0])

    def idf_of(self, token: str) -> float:
        tid = self.vocab.get(token)
        return self.unknown_idf if tid is None else float(self.idf[tid])

    def name_tokens_of(self, name_id: int) -> tuple[str, ...]:
        known = self._name_tokens.get(name_id)
        if known is None:
            lo, hi = int(self.name_tok_ptr[name_id]), int(self.name_tok_ptr[name_id + 1])
            known = tuple(self.tokens[t] for t in self.name_tok[lo:hi].tolist())
            if len(self._name_tokens) < 200_000:
                self._name_tokens[name_id] = known
        return known

    def typo_neighbours(self, token: str) -> list[int]:
        """Vocabulary tokens within one edit of `token` (two for 9+ letters), not itself."""
        if len(token) < TYPO_MIN_LEN:
            return []
        variants = keys.typo_keys(token)
        lo = self.del_hash.searchsorted(variants, side="left")
        hi = self.del_hash.searchsorted(variants, side="right")
        found: set[int] = set()
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            found.update(self.del_tok[a:b].tolist())
        limit = 2 if len(token) >= 9 else 1
        own = self.vocab.get(token)
        return [
            t
            for t in found
            if t != own and OSA.distance(token, self.tokens[t], score_cutoff=limit) <= limit
        ]

    def _token_terms(self, token: str) -> tuple[tuple[int, float, int], ...]:
        """(token id, weight, document frequency) a query token sums over: itself and its
        typo neighbours. Remembered per token (a token-level cache, not a result cache)."""
        terms = self._terms.get(token)
        if terms is None:
            found: list[tuple[int, float, int]] = []
            tid = self.vocab.get(token)
            if tid is not None:
                found.append((tid, *self._idf_df[tid]))
            for near in self.typo_neighbours(token):
                idf, df = self._idf_df[near]
                found.append((near, idf * TYPO_WEIGHT, df))
            terms = tuple(found)
            if len(self._terms) >= TERM_CACHE_SIZE:
                self._terms.clear()
            self._terms[token] = terms
        return terms

    def plan(self, tokens: Sequence[str]) -> QueryPlan:
        """Token ids and weights a query sums over, and its sound-alike key."""
        # token id -> (weight, document frequency): the highest weight a query term gives it.
        terms: dict[int, tuple[float, int]] = {}
        for token in tokens:
            for tid, weight, df in self._token_terms(token):
                known = terms.get(tid)
                if known is None or known[0] < weight:
                    terms[tid] = (weight, df)
        vocab = self.vocab
        for left, right in itertools.pairwise(tokens):
            pair = vocab.get(left + right)
            if pair is not None:
                weight, df = self._idf_df[pair]
                known = terms.get(pair)
                if known is None or known[0] < weight:
                    terms[pair] = (weight, df)
        cap = self.common_cap
        rare = [(tid, weight) for tid, (weight, df) in terms.items() if df <= cap]
        if not rare and terms:
            rarest = min(terms, key=lambda tid: terms[tid][1])
            rare = [(rarest, terms[rarest][0])]
        return QueryPlan(
            tokens=tuple(tokens),
            token_ids=np.array([tid for tid, _ in rare], dtype=np.int32),
            weights=np.array([weight for _, weight in rare], dtype=np.float32),
            phonetic_keys=self.phonetic_keys(tokens),
        )

    def whole_name_hits(self, tokens: Sequence[str]) -> list[int]:
        """Names that may equal the query whole: the same distinct tokens in any order, or the
        same letters split differently (`da jiang` / `dajiang`). Hash hits: callers verify."""
        hits = _lookup(self.whole_hash, self.whole_name, self.whole_keys(tokens), EXACT_LIMIT)
        return list(dict.fromkeys(hits)) if len(hits) > 1 else hits

    def candidates(self, tokens: Sequence[str], k: int = RETRIEVE_K) -> tuple[list[int], list[int]]:
        """Name ids worth scoring for a normalised query besides its whole-name hits
        (`whole_name_hits`), sound-alike names first, then the best by IDF sum; and the
        entity index of each."""
        if not tokens:
            return [], []
        plan = self.plan(tokens)
        with self._lock:
            found = _gather(
                self.phon_hash, self.phon_name, np.array(plan.phonetic_keys, dtype=np.int64),
                self.post_ptr, self.post, plan.token_ids, plan.weights,
                self._acc, self._touched, k, self.name_entity,
            )
        names, owners = found.tolist()
        return names, owners


def build_index(
    entities: Iterable[tuple[str, Sequence[str]]], *, common_cap: int | None = None
) -> NameIndex:
    """Index every name of every (entity id, names) pair; identical normalised names of one
    entity are stored once."""
    entity_ids: list[str] = []
    name_entity: array[int] = array("i")
    name_pos: array[int] = array("h")
    name_tok: array[int] = array("i")
    name_len: array[int] = array("q", [0])
    vocab: dict[str, int] = {}
    total = 0
    for entity_id, names in entities:
        e_idx = len(entity_ids)
        entity_ids.append(entity_id)
        seen: set[tuple[str, ...]] = set()
        for pos, name in enumerate(names[:32767]):
            tokens = tuple(dict.fromkeys(name_tokens(name)))
            if not tokens or tokens in seen:
                continue
            seen.add(tokens)
            name_entity.append(e_idx)
            name_pos.append(pos)
            for token in tokens:
                tid = vocab.get(token)
                if tid is None:
                    tid = vocab[token] = len(vocab)
                name_tok.append(tid)
            total += len(tokens)
            name_len.append(total)
    return NameIndex(
        entity_ids,
        np.frombuffer(name_entity, dtype=np.int32),
        np.frombuffer(name_pos, dtype=np.int16),
        np.frombuffer(name_len, dtype=np.int64),
        np.frombuffer(name_tok, dtype=np.int32),
        vocab,
        common_cap=common_cap,
    )


_CACHE_LOCK = threading.Lock()
_CACHE: dict[int, tuple[KnowledgeBase, tuple[int, int], NameIndex]] = {}
_CACHE_SIZE = 4


def kb_stamp(kb: KnowledgeBase) -> tuple[int, int]:
    """A cheap version mark: changes when entities or FtM files are added to the base."""
    return len(kb.entities), len(kb.origins)


def index_for(kb: KnowledgeBase) -> NameIndex:
    """The name index of a knowledge base, built on first use and kept for the next calls."""
    key = id(kb)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is kb and hit[1] == kb_stamp(kb):
            return hit[2]
    with paused_gc():
        index = build_index((e.id, e.names or (e.name,)) for e in kb.entities.values())
    with _CACHE_LOCK:
        _CACHE[key] = (kb, kb_stamp(kb), index)
        while len(_CACHE) > _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]
    return index
