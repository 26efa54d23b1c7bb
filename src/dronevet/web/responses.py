"""JSON responses written with orjson, and the shape of every error the API sends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from fastapi.responses import Response


class Json(Response):
    """A JSON body (orjson: dates as ISO text, non-string keys allowed)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def problem(status: int, detail: str, *, suggestions: Sequence[str] = (),
            **extra: Any) -> Json:
    """An error: `{"detail": what is wrong, "suggestions": close names, ...}`."""
    return Json({"detail": detail, "suggestions": list(suggestions), **extra},
                status_code=status)
