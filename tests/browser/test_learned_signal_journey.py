"""A warning sign in wording no lexicon knows: the client's page shows the sentence as
evidence and names the words that weighed most, in English and then in German."""

import pytest
from playwright.sync_api import expect

from rapport.signals import services
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace
from tests.signals.helpers import at, message
from tests.signals.test_learned_detectors import MISSED_BY_LEXICONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learned_warning_sign_shows_its_sentence_and_weightiest_words(
        page, django_user_model):
    from rapport.clients.models import Client

    user = django_user_model.objects.create_user("lena@berg-text.example", PASSWORD,
                                                 language="en")
    workspace = make_workspace(user, name="Lena Hoffmann Text")
    client = Client.objects.create(workspace=workspace, name="Meridian Lane Events")
    sentence = next(text for kind, language, text in MISSED_BY_LEXICONS  # no lexicon pattern
                    if (kind, language) == ("disrespect", "en"))
    message(workspace, client, f"Hi Lena,\n\n{sentence}\n\nBest regards\nJen",
            at(2026, 11, 24, 10))
    services.detect_for_client(client, now=at(2026, 11, 27))

    log_in(page, "lena@berg-text.example")
    page.goto(f"{page.base_url}/signals/clients/{client.pk}/")
    signal = page.locator("article.signal").filter(has_text="rude or belittles")
    expect(signal).to_be_visible()
    expect(signal).to_contain_text("For what you charge I expected something better")
    expect(signal.get_by_test_id("explanation")).to_contain_text(
        "Found by the learned detector; the words that weighed most:")
    screenshot(page, "signals-learned-english")

    page.get_by_role("button", name="DE", exact=True).click()
    signal = page.locator("article.signal").filter(has_text="unhöflich")
    expect(signal.get_by_test_id("explanation")).to_contain_text(
        "Vom gelernten Detektor erkannt; am stärksten ins Gewicht fielen diese Wörter:")
    screenshot(page, "signals-learned-german")
