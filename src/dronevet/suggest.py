"""Close matches for 'did you mean': one place for every front and the core to suggest names."""

from __future__ import annotations

from collections.abc import Iterable


def close_matches(text: str, choices: Iterable[str], limit: int = 3) -> tuple[str, ...]:
    """Up to `limit` choices that look like `text`, best first (rapidfuzz WRatio >= 60)."""
    from rapidfuzz import fuzz, process, utils

    found = process.extract(
        text,
        list(choices),
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=60,
    )
    return tuple(str(choice) for choice, _score, _index in found)
