"""The text a reader of a PDF sees, for the report tests to check words in it."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """Every page's text, whitespace runs made single spaces. pypdf reads the two-byte
    glyph codes of WeasyPrint's embedded DejaVu subset with a NUL after each character
    in some runs; those NULs are not in the document's text and are dropped."""
    assert data.startswith(b"%PDF-"), data[:20]
    reader = PdfReader(io.BytesIO(data))
    pages = (page.extract_text().replace("\x00", "") for page in reader.pages)
    return " ".join(" ".join(text.split()) for text in pages)
