"""One compiled call per query: whole-name lookup, candidate retrieval, scoring.

`Searcher.search(tokens, depth, enough)` turns a normalised query into the best name of
each entity it could be, with raw scores (`score.py` orders and explains them). Python
only looks up each word once (its vocabulary id, sound-alike id and whether it is a
generic word: a word-level memo) and hands the query's bytes to `_search`, which does the
rest without coming back to the interpreter:

1. Whole-name keys (the distinct tokens; the letters without spaces) find names equal to
   the query whole; hits are confirmed on the tokens. If they already settle the answer
   (`depth` entities, or one when a score of 1 is `enough`), that is the answer.
2. Otherwise the query's terms are gathered: each known word with its IDF, its typo
   neighbours in the vocabulary (symmetric-delete keys, confirmed by the optimal string
   alignment distance) at `TYPO_WEIGHT`, and adjacent words that together are one
   vocabulary word (`da jiang` / `dajiang`). Terms carried by more than `common_cap`
   names are left out whenever a rarer one exists.
3. Candidates are the sound-alike names, then the `RETRIEVE_K` names with the highest
   weight sum over the postings (`_top_names`).
4. Each candidate's query coverage bounds its score (`kernel.upper_bound`); candidates
   are finished best bound first until none can change the answer, and each entity keeps
   its best name, the earlier found on a tie.

The index's arrays travel as one `Tables` struct and the query as two `bytes`: numba
unpacks those at each call much faster than some thirty separate arrays.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Sequence
from typing import Any, NamedTuple

import numba
import numpy as np
from numba.core import types
from numba.experimental import structref
from numpy.typing import NDArray

from dronevet.bulk import paused_gc
from dronevet.knowledge.base import KnowledgeBase
from dronevet.screening import kernel, keys
from dronevet.screening.index import NameIndex, build_index
from dronevet.screening.keys import TYPO_MIN_LEN
from dronevet.screening.normalize import phonetic_token

TYPO_WEIGHT = 0.8
EXACT_LIMIT = 256
"""At most this many names share one whole-name key in a query's answer (pathological data)."""
RETRIEVE_K = 24
WORD_MEMO_SIZE = 1 << 16

# Columns of the query's words (one row per word).
LEN, ID, PHONETIC, GENERIC = 0, 1, 2, 3
_WORD = struct.Struct("<4q")

U8 = NDArray[np.uint8]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
F32 = NDArray[np.float32]
F64 = NDArray[np.float64]


class Lookup(NamedTuple):
    """An index's lookup tables, as the compiled search reads them (see `NameIndex`)."""

    whole_hash: I64
    whole_name: I32
    phon_hash: I64
    phon_name: I32
    del_hash: I64
    del_tok: I32
    vocab_hash: I64
    vocab_id: I32
    post_ptr: I64
    post: I32
    df: I64
    idf: F32
    name_entity: I32
    longest_token: int
    common_cap: int
    unknown_idf: float


_TABLE_FIELDS = (
    *Lookup._fields,
    *kernel.IndexNames._fields,
    "acc",  # scratch of `_top_names`, zero between queries
    "touched",
    "out_ids",  # where `_search` writes its answer
    "out_scores",
)


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


@numba.njit(cache=True)
def lower_bound(sorted_keys: I64, key: np.int64) -> int:  # pragma: no cover - compiled
    """The first position in `sorted_keys` whose key is not below `key`."""
    lo = 0
    hi = sorted_keys.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if sorted_keys[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


@numba.njit(cache=True)
def _lookup_keys(hashes: I64, values: I32, keys: I64, limit: int) -> I32:  # pragma: no cover
    """The values stored under any of `keys` (at most `limit` per key), in key order."""
    size = hashes.shape[0]
    out = np.empty(keys.shape[0] * limit, dtype=np.int32)
    n = 0
    for k in range(keys.shape[0]):
        key = keys[k]
        lo = lower_bound(hashes, key)
        end = min(size, lo + limit)
        while lo < end and hashes[lo] == key:
            out[n] = values[lo]
            n += 1
            lo += 1
    return out[:n]


@structref.register
class _TablesType(types.StructRef):
    def preprocess_fields(
        self, fields: tuple[tuple[str, types.Type], ...]
    ) -> tuple[tuple[str, types.Type], ...]:
        return tuple((name, types.unliteral(typ)) for name, typ in fields)  # type: ignore[no-untyped-call]  # numba's structref API is untyped


class Tables(structref.StructRefProxy):
    """An index's tables, scratch and output space, handed to `_search` as one argument:
    numba takes a struct of arrays at each call much faster than the arrays one by one."""


structref.define_proxy(Tables, _TablesType, list(_TABLE_FIELDS))  # type: ignore[no-untyped-call]  # numba's structref API is untyped


@numba.njit(cache=True)
def _make_tables(*fields: Any) -> Tables:  # pragma: no cover - compiled
    """A `Tables` of the fields in `_TABLE_FIELDS` order, made by cached compiled code
    (the proxy's own constructor would be compiled afresh in every process)."""
    return Tables(*fields)  # type: ignore[no-untyped-call]  # numba's structref API is untyped


@numba.njit(cache=True)
def _holds(values: I32, n: int, value: int) -> bool:  # pragma: no cover - compiled
    """Whether `value` is among the first `n` values."""
    for j in range(n):  # noqa: SIM110 - a plain loop compiles; a generator would not
        if values[j] == value:
            return True
    return False


@numba.njit(cache=True)
def _add_term(
    t_id: I64, t_w: F64, t_df: I64, m: int, tid: int, weight: float, df: int
) -> int:  # pragma: no cover - compiled
    """Add a term (or raise its weight); return the new number of terms."""
    for j in range(m):
        if t_id[j] == tid:
            t_w[j] = max(t_w[j], weight)
            return m
    t_id[m] = tid
    t_w[m] = weight
    t_df[m] = df
    return m + 1


@numba.njit(cache=True)
def _terms(  # noqa: C901 - a compiled kernel is one loop
    q: kernel.Query, look: Lookup, names: kernel.IndexNames, rows: I64, masks: NDArray[np.uint64]
) -> tuple[I32, F32]:  # pragma: no cover - compiled
    """The query's retrieval terms (token ids) and their weights (step 2)."""
    n = q.meta.shape[0]
    # Typo keys of each query word of 4+ letters, and where each lies in `del_hash`.
    total = 0
    for i in range(n):
        if q.meta[i, kernel.LEN] >= TYPO_MIN_LEN:
            total += q.meta[i, kernel.LEN] + 1
    v_word = np.empty(total, dtype=np.int64)
    v_lo = np.empty(total, dtype=np.int64)
    v_hi = np.empty(total, dtype=np.int64)
    nv = 0
    capacity = 2 * n
    for i in range(n):
        length = q.meta[i, kernel.LEN]
        if length >= TYPO_MIN_LEN:
            start = q.meta[i, kernel.START]
            variants, _ = keys.deletion_keys(
                q.buf[start : start + length], np.array([0, length]), TYPO_MIN_LEN
            )
            for key in variants.view(np.int64):
                lo = lower_bound(look.del_hash, key)
                hi = lo
                while hi < look.del_hash.shape[0] and look.del_hash[hi] == key:
                    hi += 1
                v_word[nv] = i
                v_lo[nv] = lo
                v_hi[nv] = hi
                capacity += hi - lo
                nv += 1
    t_id = np.empty(capacity, dtype=np.int64)
    t_w = np.empty(capacity)
    t_df = np.empty(capacity, dtype=np.int64)
    m = 0
    for i in range(n):
        tid = q.meta[i, kernel.ID]
        if tid >= 0:
            m = _add_term(t_id, t_w, t_df, m, tid, float(look.idf[tid]), look.df[tid])
    for v in range(nv):
        i = v_word[v]
        own = q.meta[i, kernel.ID]
        length = q.meta[i, kernel.LEN]
        limit = 2 if length >= 9 else 1
        for j in range(v_lo[v], v_hi[v]):
            t = look.del_tok[j]
            if t == own:
                continue
            t0 = names.token_ptr[t]
            tl = names.token_ptr[t + 1] - t0
            if abs(tl - length) <= limit and kernel.osa_within(
                q.buf, q.meta[i, kernel.START], length, names.token_buf, t0, tl, limit, rows,
                masks,
            ):
                m = _add_term(
                    t_id, t_w, t_df, m, t, float(look.idf[t]) * TYPO_WEIGHT, look.df[t]
                )
    for i in range(n - 1):  # two adjacent words that are one vocabulary word
        joined = (
            q.hashes[i, kernel.HASH] * q.hashes[i + 1, kernel.POW]
            + q.hashes[i + 1, kernel.HASH]
        )
        key = np.int64(joined)
        length = q.meta[i, kernel.LEN] + q.meta[i + 1, kernel.LEN]
        j = lower_bound(look.vocab_hash, key)
        while j < look.vocab_hash.shape[0] and look.vocab_hash[j] == key:
            t = look.vocab_id[j]
            t0 = names.token_ptr[t]
            if names.token_ptr[t + 1] - t0 == length and kernel.concat_equal(
                names.token_buf, t0, length,
                q.buf, q.meta[i, kernel.START], q.meta[i, kernel.LEN],
                q.buf, q.meta[i + 1, kernel.START], q.meta[i + 1, kernel.LEN],
            ):
                m = _add_term(t_id, t_w, t_df, m, t, float(look.idf[t]), look.df[t])
            j += 1
    q_tok = np.empty(max(m, 1), dtype=np.int32)
    q_w = np.empty(max(m, 1), dtype=np.float32)
    r = 0
    rarest = 0
    for j in range(m):
        if t_df[j] < t_df[rarest]:
            rarest = j
        if t_df[j] <= look.common_cap:
            q_tok[r] = t_id[j]
            q_w[r] = t_w[j]
            r += 1
    if r == 0 and m > 0:
        q_tok[0] = t_id[rarest]
        q_w[0] = t_w[rarest]
        r = 1
    return q_tok[:r], q_w[:r]


@numba.njit(cache=True)
def _record(
    ent: I64, nm: I64, sc: F64, first: I64, ne: int, e: int, name: int, score: float, order: int
) -> int:  # pragma: no cover - compiled
    """Keep each entity's best name (the earlier found on a tie); return the entity count."""
    for x in range(ne):
        if ent[x] == e:
            if score > sc[x] or (score == sc[x] and order < first[x]):
                nm[x] = name
                sc[x] = score
                first[x] = order
            return ne
    ent[ne] = e
    nm[ne] = name
    sc[ne] = score
    first[ne] = order
    return ne + 1


@numba.njit(cache=True)
def _cut(sc: F64, ne: int, depth: int, enough: float) -> float:  # pragma: no cover - compiled
    """The score a candidate must be able to reach to change the answer: the best score
    once it is `enough`, else the `depth`-th best (0 until there are that many)."""
    if ne == 0:
        return 0.0
    top = sc[:ne].max()
    if top >= enough:
        return top  # type: ignore[no-any-return]  # numba scalar
    if ne < depth:
        return 0.0
    # The depth-th best: the lowest of the `depth` best, kept sorted in a small array.
    best = np.full(depth, -1.0)
    for x in range(ne):
        value = sc[x]
        if value <= best[depth - 1]:
            continue
        at = depth - 1
        while at > 0 and best[at - 1] < value:
            best[at] = best[at - 1]
            at -= 1
        best[at] = value
    return best[depth - 1]  # type: ignore[no-any-return]  # numba scalar


@numba.njit(cache=True)
def _decode(qtext: bytes, wtext: bytes) -> tuple[U8, I64]:  # pragma: no cover - compiled
    """The query's bytes as an array, and its word columns (`Searcher.word`: little-endian
    int64, four per word) as rows LEN, ID, PHONETIC, GENERIC."""
    qbuf = np.empty(len(qtext), dtype=np.uint8)
    for i in range(len(qtext)):
        qbuf[i] = qtext[i]
    n = len(wtext) // 32
    words = np.empty((4, n), dtype=np.int64)
    for i in range(n):
        for c in range(4):
            value = np.uint64(0)
            at = 32 * i + 8 * c
            for b in range(8):
                value |= np.uint64(wtext[at + b]) << np.uint64(8 * b)
            words[c, i] = np.int64(value)
    return qbuf, words


@numba.njit(cache=True)
def _answer(
    ne: int, retrieved: bool, t: Any
) -> tuple[int, bool, int, int, float]:  # pragma: no cover - compiled
    """What `_search` returns: the count, whether retrieval ran, and the first entity's
    row as plain numbers (the common single answer needs no array slicing)."""
    if ne == 0:
        return 0, retrieved, -1, -1, 0.0
    return ne, retrieved, t.out_ids[0, 0], t.out_ids[1, 0], t.out_scores[0]


@numba.njit(cache=True)
def _search(  # noqa: C901 - a compiled kernel is one loop
    t: Any, qtext: bytes, wtext: bytes, depth: int, enough: float, k: int
) -> tuple[int, bool, int, int, float]:  # pragma: no cover - compiled
    """Write (entity, name) into the columns of `t.out_ids` (`t`: a `Tables`) and raw
    scores into `t.out_scores`, one per entity found; return how many, whether
    retrieval ran (False: whole-name hits answered alone) and the first row (`_answer`).
    `qtext` is the query's tokens written together, `wtext` its word columns
    (`Searcher.word`).

    The answer is exact for the `depth` best entities, or for the best alone once it
    scores `enough`: candidates are finished best bound first (`kernel.upper_bound`), and
    those that cannot reach the cut (`_cut`) are left out.
    """
    look = Lookup(
        t.whole_hash, t.whole_name, t.phon_hash, t.phon_name, t.del_hash, t.del_tok,
        t.vocab_hash, t.vocab_id, t.post_ptr, t.post, t.df, t.idf, t.name_entity,
        t.longest_token, t.common_cap, t.unknown_idf,
    )
    names = kernel.IndexNames(
        t.name_tok_ptr, t.name_tok, t.token_buf, t.token_ptr, t.token_hashes, t.token_w
    )
    acc, touched, out_ids, out_scores = t.acc, t.touched, t.out_ids, t.out_scores
    qbuf, words = _decode(qtext, wtext)
    n = words.shape[1]
    weights = np.empty(n)
    for i in range(n):
        tid = words[ID, i]
        if tid >= 0:
            weights[i] = names.token_w[tid]
        elif words[GENERIC, i]:
            weights[i] = look.unknown_idf * kernel.GENERIC_WEIGHT
        else:
            weights[i] = look.unknown_idf
    q = kernel.query_side(qbuf, words[LEN], words[ID], weights)
    # 1. whole-name hits
    whole_keys = np.empty(2, dtype=np.int64)
    n_keys = 0
    known = True
    for i in range(n):
        known = known and words[ID, i] >= 0
    if known:
        whole_keys[0] = np.int64(keys.fold_set(words[ID]))
        n_keys = 1
    whole_keys[n_keys] = np.int64(q.letters)
    hits = _lookup_keys(look.whole_hash, look.whole_name, whole_keys[: n_keys + 1], EXACT_LIMIT)
    found = np.empty(hits.shape[0] + 2 * k, dtype=np.int32)
    owner = np.empty(found.shape[0], dtype=np.int32)
    letters = qbuf.shape[0]
    tokens = n
    for name in hits:
        size, count = kernel.name_size(names, name)
        letters = max(letters, size)
        tokens = max(tokens, count)
    cmeta = np.empty((tokens, 3), dtype=np.int64)
    chash = np.empty((tokens, 3), dtype=np.uint64)
    cw = np.empty(tokens)
    ent = out_ids[0]
    nm = out_ids[1]
    first = np.empty(found.shape[0], dtype=np.int64)
    ne = 0
    nf = 0
    for name in hits:
        if _holds(found, nf, name):
            continue
        c = kernel.name_side(names, name, cmeta, chash, cw)
        if kernel.is_whole(q, names.token_buf, cmeta[:c], chash[:c]):
            found[nf] = name
            owner[nf] = look.name_entity[name]
            ne = _record(ent, nm, out_scores, first, ne, owner[nf], name, 1.0, nf)
            nf += 1
    if ne and (ne >= depth or enough <= 1.0):
        return _answer(ne, False, t)
    # 2.-3. candidates: sound-alike names, then the best by weight sum
    n_whole = nf
    work_size = (max(letters, look.longest_token), tokens)
    work = kernel.work_space(work_size[0], work_size[1])
    sound = np.empty(0, dtype=np.int32)
    phonetic = words[PHONETIC]
    if n and phonetic.min() >= 0:
        key = np.array([np.int64(keys.fold_set(phonetic))])
        sound = _lookup_keys(look.phon_hash, look.phon_name, key, k)
    q_tok, q_w = _terms(q, look, names, work.rows, work.masks)
    best = _top_names(look.post_ptr, look.post, q_tok, q_w, acc, touched, k)
    for part in (sound, best):
        for name in part:
            e = look.name_entity[name]
            if _holds(found, nf, name) or _holds(owner, n_whole, e):
                continue
            found[nf] = name
            owner[nf] = e
            size, count = kernel.name_size(names, name)
            letters = max(letters, size)
            tokens = max(tokens, count)
            nf += 1
    if nf == n_whole:
        return _answer(ne, True, t)
    # 4. each candidate's query coverage bounds its score; finish the best bounds first
    if letters > work_size[0] or tokens > work_size[1]:  # a candidate outgrew the space
        work = kernel.work_space(max(letters, work_size[0]), tokens)
        cmeta = np.empty((tokens, 3), dtype=np.int64)
        chash = np.empty((tokens, 3), dtype=np.uint64)
        cw = np.empty(tokens)
    m = nf - n_whole
    q_cov = np.empty(m)
    bound = np.empty(m)
    for j in range(m):
        name = found[n_whole + j]
        c = kernel.name_side(names, name, cmeta, chash, cw)
        if kernel.is_whole(q, names.token_buf, cmeta[:c], chash[:c]):
            q_cov[j] = -1.0
            bound[j] = 2.0
        else:
            q_cov[j] = kernel.query_coverage(q, names.token_buf, cmeta[:c], chash[:c], work)
            bound[j] = kernel.upper_bound(q_cov[j])
    text_len = kernel.query_text(q, work)
    order = np.arange(m)  # by bound, highest first, candidate order on ties
    for x in range(1, m):
        moving = order[x]
        at = x
        while at > 0 and bound[order[at - 1]] < bound[moving]:
            order[at] = order[at - 1]
            at -= 1
        order[at] = moving
    for pick in order:
        if bound[pick] <= 0.0 or bound[pick] < _cut(out_scores, ne, depth, enough):
            break
        cand = n_whole + int(pick)
        name = found[cand]
        if q_cov[pick] < 0.0:
            score = 1.0
        else:
            c = kernel.name_side(names, name, cmeta, chash, cw)
            score = kernel.finish(
                q, text_len, names.token_buf, cmeta[:c], chash[:c], cw[:c], q_cov[pick], work
            )
        ne = _record(ent, nm, out_scores, first, ne, owner[cand], name, score, cand)
    return _answer(ne, True, t)


class Found(NamedTuple):
    """Each entity's best name for a query, with raw scores, and whether retrieval ran."""

    entities: list[int]
    names: list[int]
    scores: list[float]
    retrieved: bool


class Searcher:
    """The compiled search over one index, with its word-level memo."""

    def __init__(self, index: NameIndex):
        self.index = index
        generic = np.array([t in kernel.GENERIC_WORDS for t in index.tokens], dtype=bool)
        idf = index.idf.astype(np.float64)
        names = kernel.IndexNames(
            index.name_tok_ptr,
            index.name_tok,
            index.token_buf,
            index.token_ptr,
            index.token_hashes,
            np.where(generic, idf * kernel.GENERIC_WEIGHT, idf),
        )
        lookup = Lookup(
            index.whole_hash, index.whole_name, index.phon_hash, index.phon_name,
            index.del_hash, index.del_tok, index.vocab_hash, index.vocab_id,
            index.post_ptr, index.post, index.df, index.idf, index.name_entity,
            index.longest_token, index.common_cap, index.unknown_idf,
        )
        self._words: dict[str, bytes] = {}
        most = 2 * EXACT_LIMIT + 2 * RETRIEVE_K
        self._ids = np.empty((2, most), dtype=np.int64)
        self._scores = np.empty(most, dtype=np.float64)
        self._tables = _make_tables(
            *lookup,
            *names,
            np.zeros(index.size, dtype=np.float32),
            np.zeros(index.size, dtype=np.int32),
            self._ids,
            self._scores,
        )
        self._lock = threading.Lock()  # the scratch and output space are shared

    def word(self, token: str) -> bytes:
        """A query word's columns as int64 bytes: length, vocabulary id and sound-alike id
        (-1 where the index lacks them), and whether it is a generic word."""
        known = self._words.get(token)
        if known is None:
            index = self.index
            known = _WORD.pack(
                len(token),
                index.vocab.get(token, -1),
                index.phonetic_ids.get(phonetic_token(token), -1),
                int(token in kernel.GENERIC_WORDS),
            )
            if len(self._words) >= WORD_MEMO_SIZE:
                self._words.clear()
            self._words[token] = known
        return known

    def search(self, tokens: Sequence[str], depth: int = 1, enough: float = 2.0) -> Found:
        """Each entity's best name for a normalised query, exact for the `depth` best
        entities, or for the best alone once it scores `enough` (see `_search`)."""
        if not tokens:
            return Found([], [], [], True)
        memo = self._words
        words = b"".join([memo.get(t) or self.word(t) for t in tokens])
        text = "".join(tokens).encode("ascii")
        with self._lock:
            count, retrieved, entity, name, score = _search(
                self._tables, text, words, depth, enough, RETRIEVE_K
            )
            if count == 1:
                return Found([entity], [name], [score], retrieved)
            entities, names = self._ids[:, :count].tolist()
            scores = self._scores[:count].tolist()
        return Found(entities, names, scores, retrieved)


def names_of(kb: KnowledgeBase) -> Searcher:
    """The compiled search over a knowledge base's entity names, built on first use and kept
    in the base's memo."""

    def build() -> Searcher:
        with paused_gc():
            index = build_index((e.id, e.names or (e.name,)) for e in kb.entities.values())
        return Searcher(index)

    return kb.memo.get("screening-names", build)
