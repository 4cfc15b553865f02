"""Printable documents are written in the document's language, whatever the user reads."""

import io

from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from rapport.core.documents import html_to_pdf, render_document


def test_a_document_is_rendered_in_its_own_language_not_the_users(tmp_path, settings):
    template = tmp_path / "doc.html"
    template.write_text('{% load i18n %}<p>{% translate "Invoice" %}</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with translation.override("en"):
        html = render_document("doc.html", {}, "de")
        built_in = render_document("doc.html", lambda: {"x": gettext("Invoice")}, "de")
        assert translation.get_language() == "en"
    assert "<p>Rechnung</p>" in html and "<p>Rechnung</p>" in built_in


def test_the_context_is_built_inside_the_document_language():
    seen = []
    render_document("core/_field.html", lambda: seen.append(gettext("Invoice")) or {}, "de")
    assert seen == ["Rechnung"]


def test_html_becomes_a_pdf_and_an_archival_pdf():
    plain = PdfReader(io.BytesIO(html_to_pdf("<p>Hallo</p>")))
    archival = PdfReader(io.BytesIO(html_to_pdf("<p>Hallo</p>", pdf_variant="pdf/a-3b")))
    assert "Hallo" in plain.pages[0].extract_text()
    assert "/OutputIntents" not in plain.trailer["/Root"]
    assert "/OutputIntents" in archival.trailer["/Root"]  # PDF/A carries its colour profile
