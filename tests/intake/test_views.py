"""The freelancer's side: profile, questionnaire, interview, gut feeling, decision."""

from __future__ import annotations

import pytest

from rapport.clients.models import Client
from rapport.intake import services
from rapport.intake.models import IdealClientProfile, Interview, Question, WaitingListEntry
from tests.billing.smtp import smtp_server  # noqa: F401
from tests.intake.conftest import GOOD_ANSWERS

pytestmark = pytest.mark.django_db

CALL = {
    "business": "A bike cooperative", "task": "Texts for our annual report",
    "working_style": "close", "calls_per_week": "3", "channels": ["email", "phone"],
    "response_time": "next_day", "weekends": "regularly", "budget_min": "3000",
    "budget_max": "3500", "day_start": "09:00", "time_zone": "America/New_York",
    "deadline": "", "decider": "me",
}


def test_the_profile_is_edited_one_item_per_line(owner_http, profiled):
    response = owner_http.post("/prospects/profile/", {
        "wanted_clients": "Cooperatives", "wanted_work": "Annual reports",
        "avoid_list": "gambling\n- tobacco\n\n", "core_values": "honesty",
        "strengths": "clear German", "wont_do": "infographics", "cant_yet": "video scripts",
        "working_styles": ["hands_off"], "response_time": "same_day",
        "minimum_budget": "1200", "min_lead_days": "10", "min_overlap_hours": "2",
    })
    assert response.status_code == 302
    ideal = IdealClientProfile.objects.get(workspace=profiled)
    assert ideal.avoid_list == ["gambling", "tobacco"]
    assert ideal.working_styles == ["hands_off"]
    page = owner_http.get("/prospects/profile/").content.decode()
    assert "No work on Sundays" in page  # non-negotiables come from the workspace
    assert "gambling\ntobacco" in page


def test_the_questionnaire_can_be_reworded_and_extended(owner_http, profiled):
    page = owner_http.get("/prospects/questions/?lang=de").content.decode()
    assert "Wobei brauchen Sie Unterstützung?" in page
    questions = list(Question.objects.filter(workspace=profiled, language="de"))
    data = {"form-TOTAL_FORMS": len(questions), "form-INITIAL_FORMS": len(questions),
            "text": "Wie haben Sie von mir erfahren?"}
    for i, q in enumerate(questions):
        data.update({f"form-{i}-id": q.pk, f"form-{i}-text": q.text,
                     f"form-{i}-help_text": q.help_text, f"form-{i}-position": q.position})
        if q.key != "business":
            data[f"form-{i}-is_active"] = "on"
    assert owner_http.post("/prospects/questions/?lang=de", data).status_code == 302
    assert not Question.objects.get(workspace=profiled, language="de", key="business").is_active
    assert Question.objects.filter(workspace=profiled, language="de",
                                   text="Wie haben Sie von mir erfahren?", key="").exists()


def test_a_new_prospect_gets_an_interview(owner_http, profiled):
    response = owner_http.post("/prospects/new/", {
        "name": "Kranich Verlag", "kind": "company", "contact_name": "Ida",
        "email": "ida@kranich.example", "language": "de"})
    interview = Interview.objects.get(client__name="Kranich Verlag")
    assert response["Location"] == interview.get_absolute_url()
    assert interview.client.status == Client.Status.PROSPECT
    assert interview.language == "de"
    page = owner_http.get("/prospects/").content.decode()
    assert "Kranich Verlag" in page


def test_answers_typed_during_a_call_produce_the_fit_report(owner_http, interview):
    page = owner_http.get(f"/prospects/{interview.pk}/answer/").content.decode()
    assert 'accesskey="s"' in page
    response = owner_http.post(f"/prospects/{interview.pk}/answer/", CALL)
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.state == Interview.State.ANSWERED
    assert not interview.answered_by_prospect
    page = owner_http.get(interview.get_absolute_url()).content.decode()
    assert "Wants 3 calls a week; you allow 1." in page
    assert "Wants Phone; you prefer Email, Video call." in page
    assert "“No work on Sundays”" in page
    assert "verdict-dealbreaker" in page
    assert "America/New_York, which is" in page
    assert "Start with a small pilot project" not in page
    assert 'advice-decline' in page


def test_answers_can_be_left_open_during_a_call(owner_http, interview):
    response = owner_http.post(f"/prospects/{interview.pk}/answer/", {"task": "A flyer"})
    assert response.status_code == 302
    page = owner_http.get(interview.get_absolute_url()).content.decode()
    assert "Not answered yet." in page


def test_a_bad_budget_range_in_the_call_form_is_refused(owner_http, interview):
    response = owner_http.post(f"/prospects/{interview.pk}/answer/",
                               {**CALL, "budget_min": "900", "budget_max": "10"})
    assert response.status_code == 422
    assert "budget_max" in response.context["form"].errors
    interview.refresh_from_db()
    assert interview.answers == {}


def test_locked_answers_cannot_be_edited_in_the_call_form(owner_http, interview):
    services.save_answers(interview, GOOD_ANSWERS, by_prospect=False)
    owner_http.post(f"/prospects/{interview.pk}/lock/")
    interview.refresh_from_db()
    assert interview.is_locked
    owner_http.post(f"/prospects/{interview.pk}/answer/", CALL)
    interview.refresh_from_db()
    assert interview.answers["weekends"] == "never"
    owner_http.post(f"/prospects/{interview.pk}/lock/", {"unlock": "1"})
    interview.refresh_from_db()
    assert interview.state == Interview.State.ANSWERED


def test_sending_shows_a_link_to_copy_and_an_email_to_send(owner_http, interview):
    owner_http.post(f"/prospects/{interview.pk}/send/")
    interview.refresh_from_db()
    page = owner_http.get(interview.get_absolute_url()).content.decode()
    assert f"/q/{interview.token}/" in page
    assert "mailto:merve@radwerk.example?subject=A%20few%20questions" in page
    # A link alone reached nobody yet: "sent" waits for the email.
    assert interview.state == Interview.State.DRAFT
    assert "Sent to the prospect" not in page
    owner_http.post(f"/prospects/{interview.pk}/revoke/")
    page = owner_http.get(interview.get_absolute_url()).content.decode()
    assert f"/q/{interview.token}/" not in page


def test_gut_feeling_and_scarcity_check_change_the_recommendation(owner_http, interview):
    services.save_answers(interview, GOOD_ANSWERS, by_prospect=True)
    page = owner_http.get(interview.get_absolute_url()).content.decode()
    assert "advice-proceed" in page
    response = owner_http.post(f"/prospects/{interview.pk}/gut/", {
        "gut_rating": "2", "gut_note": "They talked over me twice.", "need_money": "yes"})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert (interview.gut_rating, interview.need_money) == (2, "yes")
    page = owner_http.get(interview.get_absolute_url()).content.decode()
    assert "advice-decline" in page
    assert "You would mainly say yes for the money." in page


def test_gut_feeling_needs_a_rating(owner_http, interview):
    response = owner_http.post(f"/prospects/{interview.pk}/gut/", {"gut_note": "Hm."})
    assert response.status_code == 422
    assert "gut_rating" in response.context["gut_form"].errors


def test_accepting_makes_an_active_client_with_their_channel_and_time_zone(owner_http,
                                                                          interview):
    services.save_answers(interview, {**GOOD_ANSWERS, "channels": ["phone", "video"],
                                      "time_zone": "America/New_York"}, by_prospect=True)
    response = owner_http.post(f"/prospects/{interview.pk}/accept/")
    client = Client.objects.get(pk=interview.client_id)
    assert response["Location"] == client.get_absolute_url()
    assert client.status == Client.Status.ACTIVE
    assert client.preferred_channel == "video"  # the first they want that suits you
    assert client.time_zone == "America/New_York"
    assert "intake interview" in client.status_changes.first().reason
    interview.refresh_from_db()
    assert interview.is_locked and not interview.link_is_usable()


def test_declining_keeps_the_record_and_offers_the_letter(owner_http, interview):
    services.send(interview)
    response = owner_http.post(f"/prospects/{interview.pk}/decline/", {
        "reason": "I do not work on weekends.", "wait_list": "on"})
    assert response["Location"] == f"/prospects/{interview.pk}/letter/"
    client = Client.objects.get(pk=interview.client_id)
    assert client.status == Client.Status.DECLINED
    assert client.status_changes.first().reason == "I do not work on weekends."
    interview.refresh_from_db()
    assert not interview.link_is_usable()
    page = owner_http.get(response["Location"]).content.decode()
    assert "Dear Merve," in page
    assert "Guten Tag Merve," in page
    assert "I do not work on weekends." in page
    assert "mailto:merve@radwerk.example" in page
    entry = WaitingListEntry.objects.get(workspace=interview.workspace)
    assert entry.client_id == client.pk
    assert entry.source == WaitingListEntry.Source.NOT_TAKEN


def test_declining_needs_a_reason(owner_http, interview):
    response = owner_http.post(f"/prospects/{interview.pk}/decline/", {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert Client.objects.get(pk=interview.client_id).status == Client.Status.PROSPECT


def test_a_returning_prospect_is_recognised_by_email(owner_http, interview, profiled):
    services.decline(interview, "Wanted calls every day.")
    response = owner_http.post("/prospects/new/", {
        "name": "Radwerk Neu", "kind": "company", "contact_name": "Merve Y.",
        "email": "MERVE@radwerk.example", "language": "en"}, follow=True)
    page = response.content.decode()
    assert "whom you know already" in page
    assert "Declined before on" in page and "Wanted calls every day." in page
    client = Client.objects.get(pk=interview.client_id)
    assert client.status == Client.Status.PROSPECT
    assert client.interviews.count() == 2
    assert not Client.objects.filter(name="Radwerk Neu").exists()


def test_a_returning_prospect_is_recognised_by_name(owner_http, interview, profiled):
    services.decline(interview, "Wanted calls every day.")
    response = owner_http.post("/prospects/new/", {
        "name": "radwerk eg", "kind": "company", "email": "new@radwerk-neu.example",
        "language": "en"}, follow=True)
    page = response.content.decode()
    assert "You declined “Radwerk eG” before" in page
    assert "Wanted calls every day." in page


def test_an_address_of_a_current_client_is_refused(owner_http, interview):
    response = owner_http.post("/prospects/new/", {
        "name": "Someone", "kind": "company", "email": "merve@radwerk.example",
        "language": "en"})
    assert response.status_code == 422
    assert "email" in response.context["form"].errors


def test_a_declined_client_coming_back_shows_the_earlier_decline(owner_http, interview):
    client = services.decline(interview, "Budget far too small.")
    client.change_status(Client.Status.PROSPECT, reason="Asked again.")
    response = owner_http.post(f"/prospects/clients/{client.pk}/interview/")
    again = Interview.objects.filter(client=client).exclude(pk=interview.pk).get()
    assert response["Location"] == again.get_absolute_url()
    page = owner_http.get(again.get_absolute_url()).content.decode()
    assert "Budget far too small." in page


def test_only_prospects_can_be_interviewed(owner_http, workspace):
    client = Client.objects.create(workspace=workspace, name="Active Ltd")
    client.change_status(Client.Status.ACTIVE)
    owner_http.post(f"/prospects/clients/{client.pk}/interview/")
    assert not Interview.objects.filter(client=client).exists()


def test_the_waiting_list_shows_who_is_due(owner_http, workspace):
    owner_http.post("/prospects/waiting/new/", {
        "name": "Helene Marquardt", "email": "", "source": "past_client",
        "note": "Would hire again", "last_contact": "2026-01-10",
        "contact_again_on": "2020-01-01"})
    owner_http.post("/prospects/waiting/new/", {
        "name": "Later Person", "source": "referral", "contact_again_on": "2999-01-01"})
    assert services.waiting_list_count(workspace) == 2
    assert [e.name for e in services.due_entries(workspace)] == ["Helene Marquardt"]
    assert "1 person on your waiting list is due" in owner_http.get(
        "/prospects/").content.decode()
    entry = WaitingListEntry.objects.get(name="Helene Marquardt")
    owner_http.post(f"/prospects/waiting/{entry.pk}/contacted/",
                    {"contact_again_on": "2999-06-01"})
    entry.refresh_from_db()
    assert entry.last_contact is not None and str(entry.contact_again_on) == "2999-06-01"
    assert not services.due_entries(workspace).exists()
    owner_http.post(f"/prospects/waiting/{entry.pk}/delete/")
    assert services.waiting_list_count(workspace) == 1


def test_a_waiting_list_entry_needs_a_name(owner_http):
    response = owner_http.post("/prospects/waiting/new/", {"name": "", "source": "referral"})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_the_answers_stay_with_the_accepted_client(interview):
    services.save_answers(interview, GOOD_ANSWERS, by_prospect=True)
    client = services.accept(interview)
    assert services.latest_answers(client)["day_start"] == "08:00"


def test_lessons_can_be_added_to_the_avoid_list(profiled):
    assert services.add_to_avoid_list(profiled, "Clients who haggle over every invoice")
    assert not services.add_to_avoid_list(profiled, "GAMBLING")
    assert services.profile_of(profiled).avoid_list == [
        "gambling", "Clients who haggle over every invoice"]


def test_the_client_page_panel_links_to_the_fit_report(interview):
    from django.template import Context, Template

    template = Template("{% load intake %}{% intake_panel client %}")
    html = template.render(Context({"client": interview.client, "csrf_token": "x"}))
    assert interview.get_absolute_url() in html
    assert "Start the intake interview" not in html
    fresh = Client.objects.create(workspace=interview.workspace, name="New One")
    html = template.render(Context({"client": fresh, "csrf_token": "x"}))
    assert f"/prospects/clients/{fresh.pk}/interview/" in html


def test_the_questionnaire_is_mailed_from_rapport_after_a_preview_and_noted(
    smtp_server, owner_http, owner, interview  # noqa: F811
):
    from rapport.clients.models import Note

    owner_http.post(f"/prospects/{interview.pk}/send/")
    interview.refresh_from_db()
    assert interview.state == Interview.State.DRAFT
    form = owner_http.get(f"/prospects/{interview.pk}/invite/").context["form"]
    assert form.initial["to"] == "merve@radwerk.example"
    assert f"/q/{interview.token}/" in form.initial["body"]
    response = owner_http.post(f"/prospects/{interview.pk}/invite/", {
        "to": form.initial["to"], "subject": form.initial["subject"],
        "body": form.initial["body"] + "\nSee you Tuesday."})
    assert response.status_code == 302
    [delivery] = smtp_server.deliveries
    assert delivery.rcpt_tos == ["merve@radwerk.example"]
    assert delivery.message["Reply-To"] == owner.email
    assert f"/q/{interview.token}/" in delivery.message.get_content()
    assert "See you Tuesday." in delivery.message.get_content()
    assert Note.objects.filter(client=interview.client,
                               text__startswith="Questionnaire sent by email").exists()
    interview.refresh_from_db()
    assert interview.state == Interview.State.SENT


def test_a_revoked_questionnaire_link_is_not_mailed(smtp_server, owner_http, interview):  # noqa: F811
    services.send(interview)
    services.revoke(interview)
    response = owner_http.post(f"/prospects/{interview.pk}/invite/", {
        "to": "merve@radwerk.example", "subject": "Questions", "body": "Hello"})
    assert response.status_code == 302 and smtp_server.messages == []
    interview.refresh_from_db()
    assert interview.state == Interview.State.DRAFT
