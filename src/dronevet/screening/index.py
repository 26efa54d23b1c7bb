"""The name index of a knowledge base: normalised name tokens in flat numpy arrays.

Built once per knowledge base (kept in its memo, see `search.names_of`) so that
`search.py` can answer "which few names could this query be?" in microseconds even with a
million imported entities:

- the vocabulary's bytes, hashes and character sets (`token_buf`, `token_hashes`), and a
  hash table from token to id (`vocab_hash`) for words written together;
- postings as CSR arrays (token id -> name ids), with each token's document frequency and
  inverse document frequency (IDF), so rare tokens (`dji`, `autel`) decide and common ones
  (`technology`) barely count (`_top_names`);
- typo keys: every vocabulary token of 4+ letters with its one-letter deletions
  (symmetric-delete neighbourhood), as 64-bit hashes in a sorted array;
- whole-name keys (the distinct tokens; the letters without spaces) and sound-alike keys
  (the set of the tokens' phonetic skeletons) of every name.

All keys are hashed in bulk when the index is built (`keys.py`); a query computes its own
with the same compiled functions.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from dronevet.screening import kernel, keys
from dronevet.screening.keys import TYPO_MIN_LEN
from dronevet.screening.normalize import name_tokens, phonetic_token

I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
F32 = NDArray[np.float32]


def _sorted_pairs(hashes: I64, values: I32) -> tuple[I64, I32]:
    order = np.argsort(hashes, kind="stable")
    return hashes[order], values[order]


class NameIndex:
    """Names of a set of items (entities, or drone products), indexed for retrieval;
    read-only once built. `entity_ids[i]` and `entity_names[i]` are item i's id and names."""

    def __init__(
        self,
        entity_ids: list[str],
        entity_names: list[tuple[str, ...]],
        name_entity: I32,
        name_pos: NDArray[np.int16],
        name_tok_ptr: I64,
        name_tok: I32,
        vocab: dict[str, int],
        *,
        common_cap: int | None = None,
    ) -> None:
        self.entity_ids = entity_ids
        self.entity_names = entity_names
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
        self._build_keys()

    def _build_keys(self) -> None:
        """Typo keys of the vocabulary, and whole-name and sound-alike keys of every name."""
        # The vocabulary's bytes: token t is token_buf[token_ptr[t]:token_ptr[t + 1]].
        buf = np.frombuffer(bytearray("".join(self.tokens), "ascii"), dtype=np.uint8)
        ptr = np.zeros(len(self.tokens) + 1, dtype=np.int64)
        np.cumsum([len(t) for t in self.tokens], out=ptr[1:])
        self.token_buf, self.token_ptr = buf, ptr
        self.longest_token = int(np.diff(ptr).max(initial=0))
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
        self.vocab_hash, self.vocab_id = _sorted_pairs(
            tok_hash.view(np.int64), np.arange(len(self.tokens), dtype=np.int32)
        )
        exact, joined, phonetic = keys.name_keys(
            self.name_tok_ptr, self.name_tok, phon, tok_hash, tok_pow
        )
        ids = np.arange(self.size, dtype=np.int32)
        # Both whole-name keys in one table: a hit on either is verified by the caller.
        self.whole_hash, self.whole_name = _sorted_pairs(
            np.concatenate([exact, joined]).view(np.int64), np.concatenate([ids, ids])
        )
        self.phon_hash, self.phon_name = _sorted_pairs(phonetic.view(np.int64), ids)

    @property
    def size(self) -> int:
        return int(self.name_entity.shape[0])

    def name_tokens_of(self, name_id: int) -> tuple[str, ...]:
        """The normalised tokens an indexed name was stored with."""
        lo, hi = int(self.name_tok_ptr[name_id]), int(self.name_tok_ptr[name_id + 1])
        return tuple(self.tokens[t] for t in self.name_tok[lo:hi].tolist())


def build_index(
    entities: Iterable[tuple[str, Sequence[str]]], *, common_cap: int | None = None
) -> NameIndex:
    """Index every name of every (entity id, names) pair; identical normalised names of one
    entity are stored once."""
    entity_ids: list[str] = []
    entity_names: list[tuple[str, ...]] = []
    name_entity: array[int] = array("i")
    name_pos: array[int] = array("h")
    name_tok: array[int] = array("i")
    name_len: array[int] = array("q", [0])
    vocab: dict[str, int] = {}
    total = 0
    for entity_id, names in entities:
        e_idx = len(entity_ids)
        entity_ids.append(entity_id)
        entity_names.append(tuple(names))
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
        entity_names,
        np.frombuffer(name_entity, dtype=np.int32),
        np.frombuffer(name_pos, dtype=np.int16),
        np.frombuffer(name_len, dtype=np.int64),
        np.frombuffer(name_tok, dtype=np.int32),
        vocab,
        common_cap=common_cap,
    )
