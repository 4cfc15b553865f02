"""Writing an entry: the guided prompts in the reader's language, answers per prompt,
lessons, and the offers that lead to the journal."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.clients.models import Client, Note
from rapport.core import clock
from rapport.journal.models import JournalEntry, Lesson, Occasion
from rapport.journal.offers import offer_for, offers
from tests.conftest import make_client
from tests.journal.conftest import end_with

pytestmark = pytest.mark.django_db

PROMPTS_EN = ["Did I ignore a bad gut feeling?", "Did we fail to agree on something?",
              "Did I state my expectations, values and conditions?",
              "Did I say yes out of scarcity?", "Which patterns did I train?"]
PROMPTS_DE = ["Habe ich ein schlechtes Bauchgefühl ignoriert?",
              "Haben wir uns bei etwas nicht geeinigt?",
              "Habe ich meine Erwartungen, Werte und Bedingungen genannt?",
              "Habe ich aus Mangel zugesagt?", "Welche Muster habe ich antrainiert?"]


def _write(http, client: Client | None = None, **extra: str):
    data = {"occasion": Occasion.TERMINATION, "client": client.pk if client else "",
            "written_on": "2026-11-20",
            "prompt_gut_feeling": "Yes — the first call ran an hour over.",
            "prompt_scarcity": "Partly: two clients had just left.",
            "lessons": "Charge for calls over 30 minutes\n\nNo retainer without a deposit",
            **extra}
    return http.post("/journal/new/", data)


def test_an_entry_keeps_each_answer_under_its_prompt_and_each_lesson_apart(
        owner_http, workspace):
    client = make_client(workspace, "Sturmfront GmbH")
    response = _write(owner_http, client)
    entry = JournalEntry.objects.get(workspace=workspace)
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert entry.answers == {"gut_feeling": "Yes — the first call ran an hour over.",
                             "scarcity": "Partly: two clients had just left."}
    assert entry.client == client and entry.occasion == Occasion.TERMINATION
    assert [lesson.text for lesson in entry.lessons.all()] == [
        "Charge for calls over 30 minutes", "No retainer without a deposit"]


@pytest.mark.parametrize(("language", "prompts", "occasion"), [
    ("en", PROMPTS_EN, "After an ending"), ("de", PROMPTS_DE, "Nach einem Ende")])
def test_the_prompts_read_in_the_readers_language_whoever_wrote_the_entry(
        owner_http, owner, workspace, language, prompts, occasion):
    _write(owner_http)
    entry = JournalEntry.objects.get(workspace=workspace)
    owner.language = language
    owner.save(update_fields=["language"])
    page = owner_http.get(entry.get_absolute_url()).content.decode()
    for prompt in prompts:
        assert prompt in page
    assert occasion in page
    assert "Yes — the first call ran an hour over." in page
    form = owner_http.get("/journal/new/").content.decode()
    assert all(prompt in form for prompt in prompts)


def test_the_form_starts_from_the_occasion_and_client_it_was_offered_for(
        owner_http, workspace):
    client = make_client(workspace, "Sturmfront GmbH")
    page = owner_http.get(f"/journal/new/?client={client.pk}&occasion=declined")
    html = page.content.decode()
    assert f'<option value="{client.pk}" selected>' in html
    assert '<option value="declined" selected>' in html


def test_another_workspaces_client_cannot_be_chosen(owner_http, workspace, outsider):
    from rapport.core.models import Workspace
    foreign = make_client(Workspace.objects.get(name="Elsewhere Ltd"), "Not yours")
    response = _write(owner_http, foreign)
    assert response.status_code == 422
    assert not JournalEntry.objects.exists()


def test_an_ending_is_offered_on_the_client_page_and_the_dashboard_until_written(
        owner_http, workspace):
    client = make_client(workspace, "Sturmfront GmbH")
    end_with(client, clock.today() - dt.timedelta(days=3))
    offer = offer_for(client)
    assert offer is not None and offer.occasion == Occasion.TERMINATION
    assert offer.url in owner_http.get(client.get_absolute_url()).content.decode() \
        .replace("&amp;", "&")
    dashboard = owner_http.get("/").content.decode()
    assert 'data-testid="journal-offers"' in dashboard and "Sturmfront GmbH" in dashboard
    JournalEntry.objects.create(workspace=workspace, client=client,
                                occasion=Occasion.TERMINATION)
    assert offer_for(client) is None
    assert 'data-testid="journal-offer"' not in owner_http.get(
        client.get_absolute_url()).content.decode()


def test_an_incident_and_a_declined_prospect_are_offered_too(workspace):
    angry = make_client(workspace, "Lautsprecher AG", status=Client.Status.ACTIVE)
    Note.objects.create(workspace=workspace, client=angry, kind=Note.Kind.INCIDENT,
                        text="Shouted on the phone", incident_category="disrespect",
                        severity=3, happened_on=clock.today())
    prospect = make_client(workspace, "Glücksrad GmbH")
    prospect.change_status(Client.Status.DECLINED, reason="Gambling")
    found = {o.client.name: o.occasion for o in offers(workspace)}
    assert found == {"Lautsprecher AG": Occasion.INCIDENT,
                     "Glücksrad GmbH": Occasion.DECLINED}


def test_an_old_ending_is_no_longer_offered(workspace):
    client = make_client(workspace, "Sturmfront GmbH")
    end_with(client, clock.today() - dt.timedelta(days=90))
    assert offer_for(client) is None


def test_a_lesson_can_be_added_to_an_entry_later(owner_http, workspace):
    entry = JournalEntry.objects.create(workspace=workspace)
    response = owner_http.post(f"/journal/{entry.pk}/lessons/",
                               {"text": "  Say   no to weekend calls "})
    lesson = Lesson.objects.get(entry=entry)
    assert lesson.text == "Say no to weekend calls"
    assert response["Location"].endswith(f"#lesson-{lesson.pk}")


def test_not_now_puts_the_offer_away_until_the_next_occasion(owner_http, workspace):
    client = make_client(workspace, "Lautsprecher AG", status=Client.Status.ACTIVE)
    Note.objects.create(workspace=workspace, client=client, kind=Note.Kind.INCIDENT,
                        text="Shouted", incident_category="disrespect", severity=3,
                        happened_on=clock.today() - dt.timedelta(days=2))
    page = owner_http.get(client.get_absolute_url()).content.decode()
    assert 'data-testid="journal-offer"' in page
    response = owner_http.post(f"/journal/clients/{client.pk}/not-now/",
                               {"next": client.get_absolute_url()})
    assert response["Location"] == client.get_absolute_url()
    assert offer_for(client) is None
    assert 'data-testid="journal-offer"' not in owner_http.get(
        client.get_absolute_url()).content.decode()
    Note.objects.create(workspace=workspace, client=client, kind=Note.Kind.INCIDENT,
                        text="Again", incident_category="disrespect", severity=3,
                        happened_on=clock.today())
    assert offer_for(client).since == clock.today()


def test_not_now_never_redirects_to_another_site(owner_http, workspace):
    client = make_client(workspace, "Lautsprecher AG")
    response = owner_http.post(f"/journal/clients/{client.pk}/not-now/",
                               {"next": "https://evil.example/"})
    assert response["Location"] == client.get_absolute_url()


def test_a_red_health_page_offers_the_journal(owner_http, workspace):
    from tests.health.helpers import signal
    client = make_client(workspace, "Zahltnie GmbH", status=Client.Status.ACTIVE)
    for days in (5, 20, 40):
        signal(client, "slow_payment", days)
    page = owner_http.get(f"/health/clients/{client.pk}/").content.decode()
    assert 'data-testid="journal-offer"' in page
    assert "Something went wrong with this client." in page
    calm = make_client(workspace, "Ruhig GmbH", status=Client.Status.ACTIVE)
    assert 'data-testid="journal-offer"' not in owner_http.get(
        f"/health/clients/{calm.pk}/").content.decode()


def test_deleting_an_entry_keeps_what_its_lessons_changed(owner_http, workspace):
    from rapport.intake import services as intake
    from rapport.journal import changes
    entry = JournalEntry.objects.create(workspace=workspace)
    lesson = Lesson.objects.create(workspace=workspace, entry=entry, text="Reselling agencies")
    changes.apply(lesson, "avoid", lesson.text)
    assert "Delete the entry of" in owner_http.get(
        f"/journal/{entry.pk}/delete/").content.decode()
    owner_http.post(f"/journal/{entry.pk}/delete/")
    assert not JournalEntry.objects.exists() and not Lesson.objects.exists()
    assert intake.profile_of(workspace).avoid_list == ["Reselling agencies"]


def test_the_decline_letter_offers_the_journal(owner_http, workspace):
    from rapport.intake import services as intake
    interview = intake.create_prospect(workspace, name="Glücksrad GmbH", language="en")
    owner_http.post(f"/prospects/{interview.pk}/decline/", {"reason": "Gambling"})
    page = owner_http.get(f"/prospects/{interview.pk}/letter/").content.decode()
    assert "You declined this prospect." in page
    assert "occasion=declined" in page
