"""HTML reports to PDF with WeasyPrint, offline: it may not fetch anything.

The reports carry their charts inline (SVG) and their stylesheet in the page, and name
fonts that Debian's fonts-dejavu-core installs (DejaVu Sans, found through fontconfig),
so the PDF needs nothing from outside. The URL fetcher allows `data:` URIs only: a link
to `http:`, `https:` or `file:` inside a report is never followed.
"""

from __future__ import annotations


def pdf_of(html: str) -> bytes:
    """The PDF of a self-contained HTML page."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    offline = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    return bytes(HTML(string=html, url_fetcher=offline).write_pdf())
