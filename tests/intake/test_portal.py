"""The questionnaire portal: a token opens exactly one interview, for a limited time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.intake import services
from rapport.intake.models import Interview
from tests.conftest import make_workspace

pytestmark = pytest.mark.django_db

ANSWERS = {
    "business": "A housing cooperative", "task": "Texts for the annual report",
    "working_style": "regular_updates", "calls_per_week": "3",
    "channels": ["email", "phone"], "response_time": "same_day", "weekends": "regularly",
    "budget_min": "2000", "budget_max": "3000", "day_start": "09:00",
    "time_zone": "America/New_York", "deadline": "", "decider": "me",
}


@pytest.fixture
def sent(interview: Interview) -> Interview:
    return services.send(interview)


def url(interview: Interview) -> str:
    return f"/q/{interview.token}/"


def test_the_link_opens_the_questionnaire_without_an_account(client: HttpClient, sent):
    response = client.get(url(sent))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What do you need done?" in page
    assert "Radwerk eG" in page
    assert response["X-Robots-Tag"] == "noindex"


def test_the_questionnaire_is_in_the_prospects_language(client, profiled, owner):
    interview = services.create_prospect(profiled, name="Fahrradladen", language="de")
    services.send(interview)
    page = client.get(url(interview)).content.decode()
    assert "Wobei brauchen Sie Unterstützung?" in page
    assert "Antworten senden" in page


def test_unknown_links_answer_404_and_expired_or_revoked_ones_say_why(client, sent):
    assert client.get("/q/not-a-token-at-all-xxxxxxxxxxxxxxxx/").status_code == 404
    Interview.objects.filter(pk=sent.pk).update(expires_at=timezone.now() - dt.timedelta(
        seconds=1))
    response = client.get(url(sent))
    assert response.status_code == 410 and "link has expired" in response.content.decode()
    assert client.post(url(sent), ANSWERS).status_code == 410
    sent.refresh_from_db()
    assert not sent.answers
    services.send(sent)
    assert client.get(url(sent)).status_code == 200
    services.revoke(sent)
    response = client.get(url(sent))
    assert response.status_code == 410 and "withdrawn this link" in response.content.decode()


def test_a_new_link_replaces_the_old_one(client, sent):
    old = sent.token
    services.send(sent)
    assert client.get(f"/q/{old}/").status_code == 404
    assert client.get(url(sent)).status_code == 200


def test_a_token_opens_only_its_own_interview(client, sent, owner):
    other_ws = make_workspace(owner, name="Other Studio")
    other = services.send(services.create_prospect(other_ws, name="Secret Prospect",
                                                   language="en"))
    page = client.get(url(sent)).content.decode()
    assert "Secret Prospect" not in page and "Other Studio" not in page
    client.post(url(sent), ANSWERS)
    other.refresh_from_db()
    assert other.answers == {}


def test_an_interview_that_was_never_sent_has_no_link(client, interview):
    assert interview.token is None
    assert client.get("/q/None/").status_code == 404


def test_the_prospect_submits_and_the_answers_arrive(client, sent):
    response = client.post(url(sent), ANSWERS)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Your answers have arrived" in page
    sent.refresh_from_db()
    assert sent.state == Interview.State.ANSWERED
    assert sent.answered_by_prospect
    assert sent.answers["calls_per_week"] == 3
    assert sent.answers["channels"] == ["email", "phone"]
    assert sent.answers["day_start"] == "09:00"
    assert sent.answers["time_zone"] == "America/New_York"
    assert sent.answers["budget_max"] == "3000"


def test_the_prospect_can_edit_until_the_answers_are_locked(client, sent):
    client.post(url(sent), ANSWERS)
    sent.refresh_from_db()
    first_submitted = sent.submitted_at
    page = client.get(url(sent)).content.decode()
    assert "Update my answers" in page and "Texts for the annual report" in page

    client.post(url(sent), {**ANSWERS, "calls_per_week": "1"})
    sent.refresh_from_db()
    assert sent.answers["calls_per_week"] == 1
    assert sent.submitted_at == first_submitted
    assert Interview.objects.filter(client=sent.client).count() == 1

    services.lock(sent)
    response = client.get(url(sent))
    assert "are now locked" in response.content.decode()
    assert "<form" not in response.content.decode()
    response = client.post(url(sent), {**ANSWERS, "calls_per_week": "7"})
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.answers["calls_per_week"] == 1


def test_bad_input_gets_field_errors_and_changes_nothing(client, sent):
    bad = {**ANSWERS, "calls_per_week": "many", "budget_min": "5000", "budget_max": "100",
           "day_start": "25:99", "task": "", "deadline": "2001-01-01"}
    response = client.post(url(sent), bad)
    assert response.status_code == 422
    form = response.context["form"]
    assert set(form.errors) >= {"calls_per_week", "budget_max", "day_start", "task",
                                "deadline"}
    page = response.content.decode()
    assert "“Up to” must not be lower than “from”." in page
    assert "The deadline lies in the past." in page
    assert 'id="id_calls_per_week_error"' in page
    sent.refresh_from_db()
    assert sent.answers == {}
    assert sent.state == Interview.State.DRAFT


def test_the_portal_shows_questions_the_user_reworded_or_added(client, sent):
    from rapport.intake.models import Question

    task = Question.objects.get(workspace=sent.workspace, language="en", key="task")
    task.text = "What should exist at the end of our work?"
    task.save()
    Question.objects.filter(workspace=sent.workspace, language="en",
                            key="business").update(is_active=False)
    custom = Question.objects.create(workspace=sent.workspace, language="en",
                                     text="How did you hear of me?", position=999)
    page = client.get(url(sent)).content.decode()
    assert "What should exist at the end of our work?" in page
    assert "Tell me about your business" not in page
    assert "How did you hear of me?" in page
    client.post(url(sent), {**ANSWERS, custom.field_name: "A friend"})
    sent.refresh_from_db()
    assert sent.answers[custom.field_name] == "A friend"
    assert "business" not in sent.answers


def test_a_declined_prospects_link_says_the_enquiry_is_closed_in_their_language(
    client, profiled, owner
):
    profiled.email = "lena@hoffmann-text.example"
    profiled.save()
    interview = services.create_prospect(profiled, name="Fahrradladen", language="de")
    services.send(interview)
    services.decline(interview, "Keine Kapazität", by=owner)
    response = client.get(url(interview))
    assert response.status_code == 410
    page = response.content.decode()
    assert f"{profiled.name} hat diese Anfrage abgeschlossen" in page
    assert "mailto:lena@hoffmann-text.example" in page
    assert "Wobei brauchen Sie Unterstützung?" not in page


def test_the_freelancer_is_told_once_when_the_prospect_answers(client, sent, owner):
    from rapport.notifications.models import Notification

    assert client.post(url(sent), ANSWERS).status_code == 302
    assert client.post(url(sent), {**ANSWERS, "calls_per_week": "2"}).status_code == 302
    [notification] = Notification.objects.filter(kind=Notification.Kind.ANSWERED)
    assert notification.client == sent.client and notification.url == sent.get_absolute_url()
    from django.core import mail
    assert [m.subject for m in mail.outbox] == ["Radwerk eG answered the questionnaire."]
