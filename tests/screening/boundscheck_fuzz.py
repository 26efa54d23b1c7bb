"""Screen seeded random names with numba's bounds checking on (run by
test_screening_bounds.py in a fresh process with its own compile cache).

Queries are real entity names with letters dropped, added, swapped and spaced, several
names run together, random text in mixed scripts, and one word repeated many times. For
each, the screening answer (pruned by score bounds) must equal the full ranking's.
Prints the number of queries checked.
"""

from __future__ import annotations

import random
import string
import sys
from datetime import date

from dronevet.knowledge.loader import load_builtin
from dronevet.screening.normalize import name_tokens
from dronevet.screening.score import rank
from dronevet.screening.screen import Screener
from dronevet.screening.search import names_of

ALPHABET = string.ascii_letters + string.digits + " -.,&'()" + "éüßøДжЖ大疆科技"


def mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(0, 4)):
        op, at = rng.random(), rng.randrange(len(chars) + 1)
        if op < 0.3 and chars:
            chars.pop(min(at, len(chars) - 1))
        elif op < 0.6:
            chars.insert(at, rng.choice(ALPHABET))
        elif op < 0.8 and len(chars) > 1:
            j = min(at, len(chars) - 2)
            chars[j], chars[j + 1] = chars[j + 1], chars[j]
        else:
            chars.insert(at, " ")
    return "".join(chars)


def query(rng: random.Random, names: list[str]) -> str:
    kind = rng.random()
    if kind < 0.5:
        return mutate(rng, rng.choice(names))
    if kind < 0.7:
        return " ".join(mutate(rng, rng.choice(names)) for _ in range(rng.randint(1, 5)))
    if kind < 0.85:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 120)))
    return " ".join(rng.choice(names).split()[:1] * rng.randint(1, 30))


def main(count: int) -> None:
    kb = load_builtin()
    search = names_of(kb)
    screener = Screener(kb, cache_size=0)
    names = [n for e in kb.entities.values() for n in e.names]
    rng = random.Random(7)
    for _ in range(count):
        text = query(rng, names)
        result = screener.screen(text, date(2025, 1, 1))
        full = rank(search, name_tokens(text), limit=5, raw=text)
        if result.match is not None:
            assert result.match == full[0], (text, result.match, full[:2])
        else:
            assert list(result.candidates) == full, (text, result.candidates, full)
    print(count)


if __name__ == "__main__":
    main(int(sys.argv[1]))
