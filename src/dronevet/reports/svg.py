"""The few pieces of SVG the charts are made of, with every text escaped.

The charts are strings that go inline into HTML pages served under a `default-src 'self'`
Content Security Policy and into WeasyPrint PDFs, so they carry no `style=` attribute and
no script: looks are SVG presentation attributes (`fill=`, `font-size=`), and each shape
has a `class` a page's stylesheet may restyle.
"""

from __future__ import annotations

import hashlib
import re
from html import escape as _escape

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

FONT = "DejaVu Sans, Verdana, sans-serif"


def text_of(value: object) -> str:
    """`value` as text safe inside an SVG element or attribute: markup escaped, and the
    characters XML cannot carry at all (control characters) dropped."""
    return _escape(_NOT_XML.sub("", str(value)), quote=True)


def number(value: float) -> str:
    """A coordinate, short: `12`, `12.5`."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def element(name: str, body: str = "", **attributes: object) -> str:
    """`<name a="..">body</name>`; attribute names are written with `-` for `_`
    (`font_size` -> `font-size`), a trailing `_` dropped (`class_` -> `class`); None
    values are left out. `body` is markup: escape text with `text_of` first."""
    pairs = "".join(
        f' {key.rstrip("_").replace("_", "-")}="'
        f'{number(value) if isinstance(value, float) else text_of(value)}"'
        for key, value in attributes.items()
        if value is not None
    )
    return f"<{name}{pairs}>{body}</{name}>" if body else f"<{name}{pairs}/>"


def label(x: float, y: float, words: str, **attributes: object) -> str:
    """A text label at (x, y)."""
    defaults: dict[str, object] = {"font_size": 12, "fill": "#1a1a1a"}
    return element("text", text_of(words), x=float(x), y=float(y), **{**defaults, **attributes})


def tooltip(words: str) -> str:
    """A `<title>` child: what a pointer over a shape shows, and what a screen reader reads."""
    return element("title", text_of(words))


def document(title: str, description: str, width: float, height: float, body: str,
             *, class_: str) -> str:
    """A whole chart: `<svg role="img">` named by its `<title>` and `<desc>`, whose ids
    are drawn from the chart itself, so that several charts can share a page."""
    digest = hashlib.sha1((title + description + body).encode(), usedforsecurity=False)
    ident = f"chart-{digest.hexdigest()[:10]}"
    return element(
        "svg",
        element("title", text_of(title), id=f"{ident}-title")
        + element("desc", text_of(description), id=f"{ident}-desc")
        + body,
        xmlns="http://www.w3.org/2000/svg",
        role="img",
        aria_labelledby=f"{ident}-title {ident}-desc",
        viewBox=f"0 0 {number(width)} {number(height)}",
        width=float(width),
        height=float(height),
        font_family=FONT,
        class_=f"chart {class_}",
    )
