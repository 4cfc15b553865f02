"""Printable documents: a template rendered in the document's own language, then a PDF.

Invoices, reminder letters, proposals and handover documents are read by the client, so
they are written in the client's language whatever the user's is. WeasyPrint (which loads
Pango) is imported only when a PDF is really made.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def render_document(template: str, context: Context, language: str) -> str:
    """The template as HTML in `language`. A callable context is built inside the
    language too, for texts computed while building it."""
    with translation.override(language):
        return render_to_string(template, dict(context() if callable(context) else context))


def html_to_pdf(html: str, *, pdf_variant: str | None = None,
                url_fetcher: Callable[..., Any] | None = None) -> bytes:
    """The PDF of an HTML document (`pdf_variant`, e.g. "pdf/a-3b", for archiving)."""
    from weasyprint import HTML

    options = {"url_fetcher": url_fetcher} if url_fetcher else {}
    return HTML(string=html, **options).write_pdf(
        **({"pdf_variant": pdf_variant} if pdf_variant else {}))


def render_pdf(template: str, context: Context, language: str, **options: Any) -> bytes:
    """`render_document` then `html_to_pdf`: the document as a PDF in its language."""
    return html_to_pdf(render_document(template, context, language), **options)
