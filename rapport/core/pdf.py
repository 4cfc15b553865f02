"""HTML to PDF with WeasyPrint, loaded on the first PDF: it brings Pango, which the web
pages, the e-invoice XML and the command line do without."""

from __future__ import annotations

from typing import Any


def html_to_pdf(html: str, **options: Any) -> bytes:
    """The PDF of `html`; `options` go to WeasyPrint's `write_pdf` (e.g. `pdf_variant`)."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf(**options)
