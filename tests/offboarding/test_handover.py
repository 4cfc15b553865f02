"""The handover document: the procedures with their screenshots and where the work
stands, as a PDF in the client's language; the letter carries it to the client."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from rapport.offboarding import handover
from rapport.offboarding.markdown import to_html
from tests.billing.smtp import smtp_server  # noqa: F401
from tests.billing.test_documents import needs_poppler, pdf_text
from tests.offboarding.factories import ending_client, with_procedure

pytestmark = pytest.mark.django_db


@needs_poppler
def test_the_german_pdf_shows_status_steps_and_screenshot(workspace, tmp_path):
    ending = ending_client(workspace, language="de")
    with_procedure(ending)
    pdf = handover.render_pdf(ending.client)
    text = pdf_text(pdf, tmp_path)
    assert "Übergabe für Kranich Verlag GmbH" in text
    assert "Stand der Arbeit" in text and "Website texts" in text
    assert "Final manuscript" in text
    assert "Kapitel 5 ist entworfen" in text  # where I stopped
    assert "Offene Rechnungen" in text and ending.open_invoice.number in text
    assert "428,40 €" in text
    assert "1. Newsletter versenden" in text and "Im Mailtool anmelden" in text
    assert "Die Vorlagenliste" in text
    page_images = sum(len(page.images) for page in PdfReader(tmp_path / "invoice.pdf").pages)
    assert page_images == 1  # the screenshot is embedded, not linked


@needs_poppler
def test_an_english_client_gets_an_english_pdf(workspace, tmp_path):
    ending = ending_client(workspace, "Crane Books Ltd", language="en")
    with_procedure(ending)
    text = pdf_text(handover.render_pdf(ending.client), tmp_path)
    assert "Handover for Crane Books Ltd" in text
    assert "Where the work stands" in text and "Open invoices" in text
    assert "€428.40" in text
    assert "Übergabe" not in text


def test_markdown_is_rendered_and_sanitised():
    html = to_html("1. Click <script>alert(1)</script> **Save**\n\n[x](javascript:alert(1))"
                   "\n\n![remote](https://tracker.example/pixel.png)")
    assert "<ol>" in html and "<strong>Save</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html  # shown, never run
    assert "href=\"javascript" not in html
    assert "<img" not in html  # screenshots are uploaded, nothing is fetched


def test_the_letter_goes_to_the_client_with_the_pdf_attached(workspace, owner, smtp_server):  # noqa: F811
    ending = ending_client(workspace, "Crane Books Ltd", language="en")
    with_procedure(ending)
    subject, body = handover.letter(ending.client, "Olga Owner")
    assert subject == "Handover: where everything stands"
    assert "Hello Klara Kranich" in body
    number = ending.open_invoice.number
    assert "- Finished: Final manuscript\n" in body
    assert ("- In progress (and where I stopped): Website texts: Kapitel 5 ist entworfen; "
            "Quellen liegen im Projektordner.\n") in body
    assert f"- Still open: invoice {number} (€428.40)\n" in body
    assert "- Files and access: …" in body  # left for the user to write
    note = handover.send_letter(ending.client, subject=subject, body=body,
                                to=["klara@kranich.example"], user=owner)
    [message] = smtp_server.messages
    assert message["To"] == "klara@kranich.example"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "handover-crane-books-ltd.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    assert "Handover letter sent to klara@kranich.example" in note.text


def test_the_letter_refuses_addresses_that_are_not_the_clients(workspace, smtp_server):  # noqa: F811
    from django.core.exceptions import ValidationError

    ending = ending_client(workspace)
    with pytest.raises(ValidationError, match="not a contact address"):
        handover.send_letter(ending.client, subject="Übergabe", body="Hallo",
                             to=["someone@elsewhere.example"])
    assert smtp_server.messages == []


def test_the_german_letter_names_the_status_in_german(workspace):
    ending = ending_client(workspace, language="de")
    with_procedure(ending)
    subject, body = handover.letter(ending.client, "Olga Owner")
    assert subject == "Übergabe: der aktuelle Stand"
    assert f"- Noch offen: Rechnung {ending.open_invoice.number} (428,40\xa0€)" in body
