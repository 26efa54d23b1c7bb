"""Compiled scoring of candidate names against a query (algorithm `idf-soft-cover-v1`).

`score.py` states the algorithm; this module runs it in numba, so that scoring the few
dozen candidates of a query costs microseconds rather than a Python loop per word pair.

A side (the query, or one candidate name) is a sequence of tokens, one row each:

- `meta[:, ID]`: the token's id in a vocabulary, or -1 for a word the vocabulary lacks.
  Equal ids are equal tokens; a token of -1 equals nothing on the other side, because the
  vocabulary holds every token of every name (`score_pair` numbers both sides' words);
- `meta[:, START]`, `meta[:, LEN]`: where the token's bytes lie in the side's buffer;
- `hashes[:, HASH]`, `hashes[:, POW]`: its polynomial hash and B**length (`keys.py`), so that
  "two adjacent words written together equal one word" is arithmetic; a hash hit is
  confirmed on the bytes;
- `hashes[:, CHARS]`: which characters it contains, one bit per byte value modulo 64. An edit
  changes at most two of these bits, so words whose sets differ by more than twice the
  typo limit skip the edit-distance table;
- a weight per token.

The query keeps its repeated words, in order; a candidate is an index name's distinct
tokens. Tokens are ASCII (`normalize.py`): comparing bytes compares the strings Python
would, and sorting by bytes sorts as `sorted()` does. The spelling tie-breaker is the
Indel similarity rapidfuzz's `fuzz.ratio` computes, from a bit-parallel longest common
subsequence (a plain dynamic programme past 64 letters).

Scores come back raw; the caller rounds them to 4 places, as the algorithm states them.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np
from numpy.typing import NDArray

from dronevet.screening.keys import B

# The algorithm's constants (see score.py's docstring).
TYPO_SIMILARITY = 0.9
PREFIX_SIMILARITY = 0.75
SHORT_TOKEN = 4  # tokens shorter than this must be equal
LONG_TOKEN = 9  # from this length two edits count as a typo
QUERY_EXPONENT = 0.7
SPELLING_SHARE = 0.1
GENERIC_WEIGHT = 0.2
GENERIC_WORDS = frozenset(
    """
    technology technologies tech science sciences innovation innovations intelligent
    international global group holding holdings industries industry industrial
    america american usa us uk
    china chinese hongkong hk shenzhen guangzhou beijing shanghai hangzhou dongguan zhuhai
    shi sz gz new
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# Rows of a side's columns.
ID, START, LEN = 0, 1, 2
HASH, POW, CHARS = 0, 1, 2

U8 = NDArray[np.uint8]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
U64 = NDArray[np.uint64]
F64 = NDArray[np.float64]

_SPACE = 32


@numba.njit(cache=True, inline="always")
def concat_equal(
    xbuf: U8, x0: int, lx: int, ybuf: U8, y0: int, ly: int, zbuf: U8, z0: int, lz: int
) -> bool:  # pragma: no cover - compiled
    """Whether x equals y followed by z (bytes)."""
    if lx != ly + lz:
        return False
    for k in range(ly):
        if xbuf[x0 + k] != ybuf[y0 + k]:
            return False
    for k in range(lz):  # noqa: SIM110 - a plain loop compiles; a generator would not
        if xbuf[x0 + ly + k] != zbuf[z0 + k]:
            return False
    return True


@numba.njit(cache=True)
def _osa_table(
    abuf: U8, a0: int, la: int, bbuf: U8, b0: int, lb: int, limit: int, rows: I64
) -> bool:  # pragma: no cover - compiled
    """`osa_within` by the textbook table, for words past 64 letters.

    Three rows rotate through `rows`; the loop stops once a whole row exceeds the limit
    (no later row can come back under it).
    """
    w = lb + 1
    for j in range(w):
        rows[j] = j
    for i in range(1, la + 1):
        cur = (i % 3) * w
        prev = ((i - 1) % 3) * w
        prev2 = ((i - 2) % 3) * w
        rows[cur] = i
        low = i
        ca = abuf[a0 + i - 1]
        for j in range(1, w):
            cb = bbuf[b0 + j - 1]
            best = min(rows[prev + j] + 1, rows[cur + j - 1] + 1)
            best = min(best, rows[prev + j - 1] + (0 if ca == cb else 1))
            if i > 1 and j > 1 and ca == bbuf[b0 + j - 2] and abuf[a0 + i - 2] == cb:
                best = min(best, rows[prev2 + j - 2] + 1)
            rows[cur + j] = best
            low = min(low, best)
        if low > limit:
            return False
    return rows[(la % 3) * w + lb] <= limit  # type: ignore[no-any-return]  # numba scalar


@numba.njit(cache=True, inline="always")
def osa_within(
    abuf: U8, a0: int, la: int, bbuf: U8, b0: int, lb: int, limit: int, rows: I64,
    masks: U64,
) -> bool:  # pragma: no cover - compiled
    """Whether the optimal-string-alignment distance of a and b is at most `limit`.

    Bit-parallel (Hyyrö 2003): a's positions of each character are bit masks in `masks`
    (zero again on return), and one machine word carries a column of the table.
    """
    if la > 64:
        return _osa_table(abuf, a0, la, bbuf, b0, lb, limit, rows)
    one = np.uint64(1)
    for i in range(la):
        masks[abuf[a0 + i]] |= one << np.uint64(i)
    vp = np.uint64(0xFFFFFFFFFFFFFFFF)
    vn = np.uint64(0)
    d0 = np.uint64(0)
    pm_old = np.uint64(0)
    distance = la
    last = one << np.uint64(la - 1)
    for j in range(lb):
        pm = masks[bbuf[b0 + j]]
        tr = (((~d0) & pm) << one) & pm_old
        d0 = (((pm & vp) + vp) ^ vp) | pm | vn | tr
        hp = vn | ~(d0 | vp)
        hn = d0 & vp
        if hp & last:
            distance += 1
        if hn & last:
            distance -= 1
        hp = (hp << one) | one
        hn = hn << one
        vp = hn | ~(d0 | hp)
        vn = hp & d0
        pm_old = pm
    for i in range(la):
        masks[abuf[a0 + i]] = np.uint64(0)
    return distance <= limit


@numba.njit(cache=True, inline="always")
def _bits_at_most(x: np.uint64, limit: int) -> bool:  # pragma: no cover - compiled
    count = 0
    while x:
        x &= x - np.uint64(1)
        count += 1
        if count > limit:
            return False
    return True


@numba.njit(cache=True)
def char_sets(buf: U8, ptr: I64) -> U64:  # pragma: no cover - compiled
    """The character set (`CHARS`) of each token `buf[ptr[t]:ptr[t + 1]]`."""
    out = np.zeros(ptr.shape[0] - 1, dtype=np.uint64)
    for t in range(out.shape[0]):
        bits = np.uint64(0)
        for c in range(ptr[t], ptr[t + 1]):
            bits |= np.uint64(1) << np.uint64(buf[c] & 63)
        out[t] = bits
    return out


@numba.njit(cache=True, inline="always")
def _similarity(
    abuf: U8, a0: int, la: int, achars: np.uint64,
    bbuf: U8, b0: int, lb: int, bchars: np.uint64, rows: I64, masks: U64,
) -> float:  # pragma: no cover - compiled
    """How alike two different tokens are: 0.9 a typo, 0.75 one a prefix of the other."""
    short = min(la, lb)
    if short < SHORT_TOKEN:
        return 0.0
    limit = 2 if short >= LONG_TOKEN else 1
    if (
        abs(la - lb) <= limit
        and _bits_at_most(achars ^ bchars, 2 * limit)
        and osa_within(abuf, a0, la, bbuf, b0, lb, limit, rows, masks)
    ):
        return TYPO_SIMILARITY
    shorter_chars = achars if la == short else bchars
    if shorter_chars & (achars ^ bchars):  # a prefix uses only letters the longer word has
        return 0.0
    for k in range(short):
        if abuf[a0 + k] != bbuf[b0 + k]:
            return 0.0
    return PREFIX_SIMILARITY


@numba.njit(cache=True, inline="always")
def _subset(ameta: I64, bmeta: I64) -> bool:  # pragma: no cover - compiled
    """Whether every token of side a is a token of side b."""
    for i in range(ameta.shape[0]):
        token = ameta[i, ID]
        if token < 0:
            return False
        found = False
        for k in range(bmeta.shape[0]):
            if bmeta[k, ID] == token:
                found = True
                break
        if not found:
            return False
    return True


@numba.njit(cache=True)
def coverage(  # noqa: C901 - a compiled kernel is one loop
    abuf: U8, ameta: I64, ahash: U64, aw: F64,
    bbuf: U8, bmeta: I64, bhash: U64,
    rows: I64, masks: U64, sims: F64,
) -> float:  # pragma: no cover - compiled
    """Weighted share of side a explained by side b (`rows`, `masks`, `sims`: scratch)."""
    n = ameta.shape[0]
    m = bmeta.shape[0]
    total = 0.0
    for i in range(n):
        total += aw[i]
    if _subset(ameta, bmeta):
        return 1.0 if total else 0.0
    for i in range(n):
        sims[i] = 0.0
    for i in range(n):
        token = ameta[i, ID]
        a0 = ameta[i, START]
        la = ameta[i, LEN]
        sim = 0.0
        if token >= 0:
            for k in range(m):
                if bmeta[k, ID] == token:
                    sim = 1.0
                    break
        if sim < 1.0:  # two adjacent words of b written together
            for k in range(m - 1):
                if (
                    bmeta[k, LEN] + bmeta[k + 1, LEN] == la
                    and bhash[k, HASH] * bhash[k + 1, POW] + bhash[k + 1, HASH] == ahash[i, HASH]
                    and concat_equal(
                        abuf, a0, la,
                        bbuf, bmeta[k, START], bmeta[k, LEN],
                        bbuf, bmeta[k + 1, START], bmeta[k + 1, LEN],
                    )
                ):
                    sim = 1.0
                    break
        if sim < 1.0 and la >= SHORT_TOKEN:
            for k in range(m):
                sim = max(
                    sim,
                    _similarity(
                        abuf, a0, la, ahash[i, CHARS],
                        bbuf, bmeta[k, START], bmeta[k, LEN], bhash[k, CHARS], rows, masks,
                    ),
                )
        if sim == 1.0:
            sims[i] = 1.0
            continue
        if i + 1 < n:  # this word and the next written together as one word of b
            joined = ahash[i, HASH] * ahash[i + 1, POW] + ahash[i + 1, HASH]
            length = la + ameta[i + 1, LEN]
            for k in range(m):
                if (
                    bmeta[k, LEN] == length
                    and bhash[k, HASH] == joined
                    and concat_equal(
                        bbuf, bmeta[k, START], length,
                        abuf, a0, la,
                        abuf, ameta[i + 1, START], ameta[i + 1, LEN],
                    )
                ):
                    sims[i] = 1.0
                    sims[i + 1] = 1.0
                    break
            if sims[i] == 1.0:
                continue
        if sims[i] == 0.0:
            sims[i] = sim
    explained = 0.0
    for i in range(n):
        explained += aw[i] * sims[i]
    return explained / total if total else 0.0


@numba.njit(cache=True)
def _letters_hash(meta: I64, hashes: U64) -> tuple[np.uint64, int]:  # pragma: no cover
    h = np.uint64(0)
    length = 0
    for i in range(meta.shape[0]):
        h = h * hashes[i, POW] + hashes[i, HASH]
        length += meta[i, LEN]
    return h, length


@numba.njit(cache=True)
def _same_letters(abuf: U8, ameta: I64, bbuf: U8, bmeta: I64) -> bool:  # pragma: no cover
    """Whether both sides spell the same letters once their spaces are removed (lengths
    already known equal)."""
    i = j = 0
    pa = ameta[0, START]
    pb = bmeta[0, START]
    ea = pa + ameta[0, LEN]
    eb = pb + bmeta[0, LEN]
    while True:
        while pa == ea:
            i += 1
            if i == ameta.shape[0]:
                return True
            pa = ameta[i, START]
            ea = pa + ameta[i, LEN]
        while pb == eb:
            j += 1
            pb = bmeta[j, START]
            eb = pb + bmeta[j, LEN]
        if abuf[pa] != bbuf[pb]:
            return False
        pa += 1
        pb += 1


@numba.njit(cache=True)
def _sorted_text(buf: U8, meta: I64, out: U8, order: I64) -> int:  # pragma: no cover
    """Write the side's tokens sorted and joined by single spaces into `out`; return its
    length (`order`: scratch space)."""
    n = meta.shape[0]
    for i in range(n):
        order[i] = i
    for i in range(1, n):
        k = order[i]
        k0 = meta[k, START]
        kl = meta[k, LEN]
        j = i - 1
        while j >= 0:
            o0 = meta[order[j], START]
            ol = meta[order[j], LEN]
            before = kl < ol
            for c in range(min(kl, ol)):
                if buf[k0 + c] != buf[o0 + c]:
                    before = buf[k0 + c] < buf[o0 + c]
                    break
            if not before:
                break
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = k
    pos = 0
    for i in range(n):
        if i:
            out[pos] = _SPACE
            pos += 1
        k = order[i]
        for c in range(meta[k, START], meta[k, START] + meta[k, LEN]):
            out[pos] = buf[c]
            pos += 1
    return pos


@numba.njit(cache=True)
def _lcs(a: U8, la: int, b: U8, lb: int, masks: U64) -> int:  # pragma: no cover - compiled
    """Length of the longest common subsequence of a[:la] and b[:lb]."""
    if lb == 0 or la == 0:
        return 0
    if lb <= 64:
        # Bit-parallel (Allison-Dix, Hyyrö): one machine word holds a row of the table.
        for j in range(lb):
            masks[b[j]] |= np.uint64(1) << np.uint64(j)
        full = np.uint64(0xFFFFFFFFFFFFFFFF)
        if lb < 64:
            full = (np.uint64(1) << np.uint64(lb)) - np.uint64(1)
        s = full
        for i in range(la):
            u = s & masks[a[i]]
            s = ((s + u) | (s - u)) & full
        for j in range(lb):
            masks[b[j]] = np.uint64(0)
        common = 0
        rest = ~s & full
        while rest:
            rest &= rest - np.uint64(1)
            common += 1
        return common
    prev = np.zeros(lb + 1, dtype=np.int64)
    cur = np.zeros(lb + 1, dtype=np.int64)
    for i in range(1, la + 1):
        for j in range(1, lb + 1):
            if a[i - 1] == b[j - 1]:
                cur[j] = prev[j - 1] + 1
            else:
                cur[j] = max(prev[j], cur[j - 1])
        prev, cur = cur, prev
    return int(prev[lb])


@numba.njit(cache=True)
def spelling(a: U8, la: int, b: U8, lb: int, masks: U64) -> float:  # pragma: no cover
    """rapidfuzz's `fuzz.ratio(a, b) / 100`: the normalised Indel similarity."""
    total = la + lb
    if total == 0:
        return 1.0
    distance = total - 2 * _lcs(a, la, b, lb, masks)
    return 100.0 * (1.0 - distance / total) / 100.0


class Work(NamedTuple):
    """Scratch space of one scoring call, sized for its longest side."""

    rows: I64  # three rows of an edit-distance table
    masks: U64  # character masks of the bit-parallel LCS, all zero between uses
    order: I64
    sims: F64
    qtext: U8
    text: U8


@numba.njit(cache=True)
def work_space(letters: int, tokens: int) -> Work:  # pragma: no cover - compiled
    return Work(
        np.empty(3 * (letters + 1), dtype=np.int64),
        np.zeros(256, dtype=np.uint64),
        np.empty(tokens, dtype=np.int64),
        np.empty(tokens),
        np.empty(letters + tokens, dtype=np.uint8),
        np.empty(letters + tokens, dtype=np.uint8),
    )


class Query(NamedTuple):
    """The query side, with what every candidate's score reuses."""

    buf: U8
    meta: I64
    hashes: U64
    weights: F64
    letters: np.uint64  # hash of its letters written without spaces
    length: int  # number of those letters


@numba.njit(cache=True)
def _side(buf: U8, lengths: I64, ids: I64) -> tuple[I64, U64]:  # pragma: no cover - compiled
    """Columns of a side written contiguously in `buf`, its tokens' lengths and ids."""
    n = lengths.shape[0]
    meta = np.empty((n, 3), dtype=np.int64)
    hashes = np.empty((n, 3), dtype=np.uint64)
    base = np.uint64(B)
    pos = 0
    for i in range(n):
        h = np.uint64(0)
        power = np.uint64(1)
        chars = np.uint64(0)
        for c in range(pos, pos + lengths[i]):
            h = h * base + np.uint64(buf[c])
            power = power * base
            chars |= np.uint64(1) << np.uint64(buf[c] & 63)
        hashes[i, CHARS] = chars
        meta[i, ID] = ids[i]
        meta[i, START] = pos
        meta[i, LEN] = lengths[i]
        hashes[i, HASH] = h
        hashes[i, POW] = power
        pos += lengths[i]
    return meta, hashes


@numba.njit(cache=True)
def query_side(buf: U8, lengths: I64, ids: I64, weights: F64) -> Query:  # pragma: no cover
    """The query as scoring reads it."""
    meta, hashes = _side(buf, lengths, ids)
    letters, length = _letters_hash(meta, hashes)
    return Query(buf, meta, hashes, weights, letters, length)


@numba.njit(cache=True)
def query_text(q: Query, work: Work) -> int:  # pragma: no cover - compiled
    """Write the query's sorted text into `work.qtext`; return its length."""
    return _sorted_text(q.buf, q.meta, work.qtext, work.order)


@numba.njit(cache=True)
def is_whole(q: Query, cbuf: U8, cmeta: I64, chash: U64) -> bool:  # pragma: no cover
    """Whether a candidate is the query whole: the same tokens, or the same letters."""
    if _subset(q.meta, cmeta) and _subset(cmeta, q.meta):
        return True
    letters, length = _letters_hash(cmeta, chash)
    return length == q.length and letters == q.letters and _same_letters(q.buf, q.meta, cbuf, cmeta)


@numba.njit(cache=True)
def query_coverage(
    q: Query, cbuf: U8, cmeta: I64, chash: U64, work: Work
) -> float:  # pragma: no cover - compiled
    """How much of the query a candidate explains; it bounds the candidate's score
    (`upper_bound`)."""
    return coverage(
        q.buf, q.meta, q.hashes, q.weights, cbuf, cmeta, chash, work.rows, work.masks, work.sims
    )


@numba.njit(cache=True)
def upper_bound(q_cov: float) -> float:  # pragma: no cover - compiled
    """The highest score a candidate of query coverage `q_cov` can reach (its own
    coverage and spelling perfect), with room for rounding."""
    if q_cov == 0.0:
        return 0.0
    return (1.0 - SPELLING_SHARE) * q_cov**QUERY_EXPONENT + SPELLING_SHARE + 1e-4  # type: ignore[no-any-return]  # numba scalar


@numba.njit(cache=True)
def finish(
    q: Query, qtext_len: int, cbuf: U8, cmeta: I64, chash: U64, cw: F64, q_cov: float, work: Work
) -> float:  # pragma: no cover - compiled
    """Raw score of a candidate that is not the query whole, given its query coverage.
    The query's sorted text is `work.qtext[:qtext_len]`."""
    if q_cov == 0.0:
        return 0.0
    c_cov = coverage(
        cbuf, cmeta, chash, cw, q.buf, q.meta, q.hashes, work.rows, work.masks, work.sims
    )
    cover = q_cov**QUERY_EXPONENT * c_cov ** (1.0 - QUERY_EXPONENT)
    clen = _sorted_text(cbuf, cmeta, work.text, work.order)
    spelled = spelling(work.qtext, qtext_len, work.text, clen, work.masks)
    return (1.0 - SPELLING_SHARE) * cover + SPELLING_SHARE * spelled  # type: ignore[no-any-return]  # numba scalar


@numba.njit(cache=True)
def score_pair(
    qbuf: U8, qlens: I64, qids: I64, qw: F64, cbuf: U8, clens: I64, cids: I64, cw: F64
) -> float:  # pragma: no cover - compiled
    """Raw score of two sides, each its tokens' bytes written together, their lengths, ids
    (equal tokens, equal ids) and weights; exactly 1.0 when they are the same name whole."""
    work = work_space(max(qbuf.shape[0], cbuf.shape[0]), max(qlens.shape[0], clens.shape[0]))
    q = query_side(qbuf, qlens, qids, qw)
    cmeta, chash = _side(cbuf, clens, cids)
    if is_whole(q, cbuf, cmeta, chash):
        return 1.0
    q_cov = query_coverage(q, cbuf, cmeta, chash, work)
    return finish(q, query_text(q, work), cbuf, cmeta, chash, cw, q_cov, work)


class IndexNames(NamedTuple):
    """The names of an index as scoring reads them (see `NameIndex`)."""

    name_tok_ptr: I64
    name_tok: I32
    token_buf: U8
    token_ptr: I64
    token_hashes: U64  # rows HASH, POW, CHARS
    token_w: F64


@numba.njit(cache=True)
def name_side(
    names: IndexNames, name: int, cmeta: I64, chash: U64, cw: F64
) -> int:  # pragma: no cover - compiled
    """Write an index name's columns into the first columns of `cmeta`, `chash`, `cw`;
    return its number of tokens."""
    lo = names.name_tok_ptr[name]
    n = names.name_tok_ptr[name + 1] - lo
    for j in range(n):
        t = names.name_tok[lo + j]
        cmeta[j, ID] = t
        cmeta[j, START] = names.token_ptr[t]
        cmeta[j, LEN] = names.token_ptr[t + 1] - names.token_ptr[t]
        chash[j, HASH] = names.token_hashes[HASH, t]
        chash[j, POW] = names.token_hashes[POW, t]
        chash[j, CHARS] = names.token_hashes[CHARS, t]
        cw[j] = names.token_w[t]
    return n  # type: ignore[no-any-return]  # numba scalar


@numba.njit(cache=True)
def name_size(names: IndexNames, name: int) -> tuple[int, int]:  # pragma: no cover - compiled
    """(letters, tokens) of an index name."""
    lo = names.name_tok_ptr[name]
    hi = names.name_tok_ptr[name + 1]
    letters = 0
    for j in range(lo, hi):
        t = names.name_tok[j]
        letters += names.token_ptr[t + 1] - names.token_ptr[t]
    return letters, hi - lo
