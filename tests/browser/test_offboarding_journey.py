"""Offboarding a client in the browser: start from the client page, work through the
checklist (tick, skip with a reason, let Rapport do it, send the handover letter through
a real SMTP server), finish as a former client — in English, then read in German."""

import io
import zipfile

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from rapport.accounts.models import User
from rapport.billing.models import Invoice, PortalLink
from rapport.offboarding.models import Procedure
from tests.billing.smtp import smtp_server  # noqa: F401
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace
from tests.offboarding.factories import ending_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def row(page, kind: str):
    return page.locator(f'tr[data-kind="{kind}"]')


def test_a_client_is_offboarded_item_by_item_and_becomes_a_former_client(
        page, smtp_server, tmp_path):  # noqa: F811
    owner = User.objects.create_user("lena@example.com", PASSWORD, name="Lena Text",
                                     language="en")
    workspace = make_workspace(owner, name="Lena Text Studio")
    ending = ending_client(workspace)  # a German client
    client = ending.client
    log_in(page, "lena@example.com")

    page.goto(f"{page.base_url}{client.get_absolute_url()}")
    page.get_by_test_id("start-offboarding").click()
    expect(page.get_by_role("heading", name="Start offboarding Kranich Verlag GmbH?")) \
        .to_be_visible()
    screenshot(page, "offboarding-start-confirm")
    page.get_by_role("button", name="Yes, start offboarding").click()
    expect(page.get_by_text("Offboarding started; the checklist is ready.")).to_be_visible()
    expect(page.get_by_test_id("client-status")).to_have_text("Offboarding")
    expect(page.get_by_text("10 items are still open.")).to_be_visible()
    expect(row(page, "open_invoice")).to_contain_text(
        f"Invoice {ending.open_invoice.number} is open: €428.40")
    screenshot(page, "offboarding-checklist-new")

    # Rapport revokes the links and drafts the final invoice.
    row(page, "revoke_links").get_by_role("button", name="Do it").click()
    expect(page.get_by_text("2 links revoked.")).to_be_visible()
    assert not PortalLink.objects.get(pk=ending.portal_link.pk).is_usable()
    row(page, "final_invoice").get_by_role("button", name="Do it").click()
    expect(page.get_by_text("The final invoice for “Website texts” is drafted")).to_be_visible()
    expect(row(page, "final_invoice")).to_contain_text("Done by Rapport")
    assert Invoice.objects.filter(client=client, kind="final", state="draft").exists()

    # A held deliverable is not released while its invoice is open.
    row(page, "release_deliverable").get_by_role("button", name="Do it").click()
    expect(page.get_by_text("Held until the project's invoices are paid in full.")) \
        .to_be_visible()
    deliverable = row(page, "release_deliverable")
    deliverable.locator("summary", has_text="Skip").click()
    deliverable.get_by_label("Why skip it?").fill("Released when the last invoice is paid")
    deliverable.get_by_role("button", name="Skip").click()
    expect(row(page, "release_deliverable")).to_contain_text(
        "Skipped because: Released when the last invoice is paid")

    # Open work is ticked with a note on where I stopped.
    work = row(page, "finish_work")
    work.locator("summary", has_text="Tick").click()
    work.get_by_label("Where I stopped, what remains").fill(
        "Chapters 1–4 delivered; chapter 5 drafted in the shared folder.")
    work.get_by_role("button", name="Tick").click()
    expect(row(page, "finish_work")).to_contain_text("chapter 5 drafted")

    # A procedure with a screenshot for the handover document.
    page.goto(f"{page.base_url}/offboarding/{client.pk}/handover/")
    page.get_by_label("Title").fill("Newsletter versenden")
    page.get_by_label("Steps").fill("1. Im **Mailtool** anmelden\n2. Vorlage wählen\n"
                                    "3. Senden")
    page.get_by_role("button", name="Add procedure").click()
    expect(page.get_by_text("Procedure added; add screenshots to it below.")).to_be_visible()
    shot = tmp_path / "vorlagen.png"
    shot.write_bytes(page.screenshot())  # a real screenshot of a real page
    page.get_by_label("Screenshot", exact=True).set_input_files(str(shot))
    page.get_by_label("Caption").fill("Die Vorlagenliste")
    page.get_by_role("button", name="Add screenshot").click()
    expect(page.get_by_text("Screenshot added.")).to_be_visible()
    expect(page.get_by_test_id("steps-preview").locator("strong")).to_have_text("Mailtool")
    expect(page.get_by_test_id("screenshot").get_by_role("img", name="Die Vorlagenliste")) \
        .to_be_visible()
    screenshot(page, "offboarding-procedure")
    assert Procedure.objects.get(client=client).screenshots.count() == 1

    # The handover letter, in the client's language, with the PDF attached.
    page.goto(f"{page.base_url}/offboarding/{client.pk}/")
    row(page, "handover_letter").get_by_role("button", name="Write the letter").click()
    expect(page.get_by_label("Subject")).to_have_value("Übergabe: der aktuelle Stand")
    screenshot(page, "offboarding-letter")
    page.get_by_role("button", name="Send by email").click()
    expect(page.get_by_text("Handover letter sent with the handover document attached.")) \
        .to_be_visible()
    [message] = smtp_server.messages
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "ubergabe-kranich-verlag-gmbh.pdf"
    handover_pdf = PdfReader(io.BytesIO(attachment.get_content()))
    assert any(p.images for p in handover_pdf.pages)  # the uploaded screenshot, embedded
    assert "Übergabe für Kranich Verlag GmbH" in handover_pdf.pages[0].extract_text()

    # Tick the rest, one skipped with a reason.
    for kind in ("open_invoice", "hand_back_access", "testimonial", "speak_well"):
        row(page, kind).get_by_role("button", name="Tick").click()
        expect(row(page, kind)).to_have_attribute("data-state", "done")
    files = row(page, "return_files")
    files.locator("summary", has_text="Skip").click()
    files.get_by_label("Why skip it?").fill("Nothing was shared with me")
    files.get_by_role("button", name="Skip").click()
    expect(page.get_by_text("0 items are still open.")).to_be_visible()
    screenshot(page, "offboarding-checklist-done")

    # Read in German, the list says the same in the reader's language; finish there.
    owner.language = "de"
    owner.save(update_fields=["language"])
    page.reload()
    expect(page.get_by_text("0 Punkte sind noch offen.")).to_be_visible()
    expect(row(page, "open_invoice")).to_contain_text(
        f"Rechnung {ending.open_invoice.number} ist offen: 428,40 €")
    expect(row(page, "revoke_links")).to_contain_text("Von Rapport erledigt")
    screenshot(page, "offboarding-checklist-de")
    page.get_by_role("button", name="Abschließen: zum ehemaligen Kunden machen").click()
    expect(page.get_by_text("Offboarding abgeschlossen: Kranich Verlag GmbH ist jetzt ein "
                            "ehemaliger Kunde.")).to_be_visible()
    expect(page.get_by_test_id("client-status")).to_have_text("Ehemalig")
    client.refresh_from_db()
    assert client.status == "former"
    screenshot(page, "offboarding-former-de")

    page.goto(f"{page.base_url}/offboarding/{client.pk}/personal-data/")
    expect(page.get_by_role("heading", name="Export (Auskunftsersuchen)")).to_be_visible()
    screenshot(page, "offboarding-personal-data-de")


def test_a_clients_data_is_exported_then_erased_after_typing_its_name(page, tmp_path):
    owner = User.objects.create_user("lena@example.com", PASSWORD, name="Lena Text",
                                     language="de")
    workspace = make_workspace(owner, name="Lena Text Studio")
    ending = ending_client(workspace)
    client = ending.client
    log_in(page, "lena@example.com")  # the user reads German

    page.goto(f"{page.base_url}{client.get_absolute_url()}")
    page.get_by_role("link", name="Personenbezogene Daten").click()
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    path = tmp_path / "export.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        assert "data.json" in archive.namelist()
        assert f"invoices/{ending.open_invoice.number}.pdf" in archive.namelist()

    page.get_by_label("Zur Bestätigung den Namen des Kunden eingeben").fill("Kranich")
    page.get_by_role("button", name="Personenbezogene Daten löschen").click()
    expect(page.get_by_text("Das ist nicht der Name des Kunden; es wurde nichts gelöscht.")) \
        .to_be_visible()
    screenshot(page, "offboarding-erase-refused-de")
    page.get_by_label("Zur Bestätigung den Namen des Kunden eingeben").fill(
        "Kranich Verlag GmbH")
    page.get_by_role("button", name="Personenbezogene Daten löschen").click()
    expect(page.get_by_test_id("erased")).to_contain_text(
        "Ausgestellte Rechnungen bleiben, wie gesetzlich vorgeschrieben, 8 Jahre")
    expect(page.get_by_role("heading", name=f"Gelöschter Kunde {client.pk}")).to_be_visible()
    screenshot(page, "offboarding-erased-de")
    invoice = Invoice.objects.get(pk=ending.open_invoice.pk)
    assert invoice.buyer["name"] == "Kranich Verlag GmbH"  # kept for the retention period
