"""Teaching the detectors: a sentence they missed is marked as a warning sign on the
message page, the sign appears there with the user's example as its explanation, and the
example is listed, downloadable and deletable on the examples page."""

import pytest
from playwright.sync_api import expect

from rapport.signals import services
from rapport.signals.models import Signal, SignalExample
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_client, make_workspace
from tests.signals.helpers import at, message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MISSED = "Unser Kassenwart runzelt bei der Zahl die Stirn"


def test_mark_a_missed_sentence_as_a_warning_sign_and_see_the_sign(page, django_user_model):
    user = django_user_model.objects.create_user("lena@berg-text.example", PASSWORD,
                                                 language="en")
    workspace = make_workspace(user, name="Lena Hoffmann Text")
    client = make_client(workspace, "Feinkost Valentin GmbH")
    missed = message(workspace, client, f"Hallo Lena,\n\ndanke für den Entwurf. {MISSED}. "
                     "Wir melden uns.\n\nViele Grüße\nKarin", at(2026, 11, 4, 10))
    services.refresh_workspace(workspace, now=at(2026, 11, 6))
    assert not Signal.objects.filter(kind="haggling").exists()

    log_in(page, "lena@berg-text.example")
    page.goto(f"{page.base_url}/inbox/messages/{missed.pk}/")
    section = page.get_by_test_id("message-warning-signs")
    expect(section).to_contain_text("No warning signs found in this message.")
    page.get_by_text("Did we miss one? Mark a sentence as a warning sign").click()
    sentence = page.get_by_test_id("teach-sentence").filter(has_text="Kassenwart")
    sentence.get_by_label("Kind of warning sign").select_option(label="Haggling")
    screenshot(page, "teaching-mark-sentence")
    sentence.get_by_role("button", name="This is a warning sign").click()

    expect(page.get_by_text("Noted as “Haggling”.")).to_be_visible()
    sign = section.get_by_test_id("message-signal")
    expect(sign).to_contain_text("Haggling")
    expect(sign.get_by_test_id("explanation")).to_contain_text(
        f"You marked a similar sentence as this warning sign: “{MISSED}”.")
    expect(sign.locator("mark")).to_have_text(MISSED)
    screenshot(page, "teaching-sign-shown")
    assert Signal.objects.filter(kind="haggling", source_id=missed.pk).exists()

    page.get_by_role("link", name="Your examples").click()
    expect(page.get_by_test_id("examples")).to_contain_text(MISSED)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert MISSED in download.value.path().read_text(encoding="utf-8")
    screenshot(page, "teaching-examples")

    user.language = "de"
    user.save(update_fields=["language"])
    page.goto(f"{page.base_url}/inbox/messages/{missed.pk}/")
    expect(page.get_by_text("Warnsignale in dieser Nachricht")).to_be_visible()
    expect(page.get_by_test_id("explanation")).to_contain_text(
        "Sie haben einen ähnlichen Satz als dieses Warnsignal markiert")
    screenshot(page, "teaching-sign-shown-de")

    page.goto(f"{page.base_url}/signals/examples/")
    page.get_by_role("link", name="Alle Beispiele löschen").click()
    expect(page.get_by_role("heading")).to_contain_text("Das eine Beispiel löschen?")
    page.get_by_role("button", name="Alle Beispiele löschen").click()
    expect(page.get_by_text("Alle Beispiele sind gelöscht.")).to_be_visible()
    assert not SignalExample.objects.exists()
    assert not Signal.objects.filter(kind="haggling").exists()
