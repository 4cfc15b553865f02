"""A lesson becomes a change only after its before/after preview is confirmed, and the
entry records what it produced, with a link."""

from __future__ import annotations

import pytest

from rapport.agreements import services as agreements
from rapport.agreements.models import ProposalTemplate
from rapport.intake import services as intake
from rapport.intake.models import IdealClientProfile, Question
from rapport.journal.models import JournalEntry, Lesson, LessonChange
from tests.conftest import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(workspace) -> Lesson:
    entry = JournalEntry.objects.create(workspace=workspace, answers={"patterns": "…"})
    return Lesson.objects.create(workspace=workspace, entry=entry,
                                 text="Agencies that resell my work as their own")


def _avoid(workspace) -> list[str]:
    return IdealClientProfile.objects.get(workspace=workspace).avoid_list


def test_the_avoid_list_changes_only_after_the_preview_is_confirmed(owner_http, workspace,
                                                                    lesson):
    intake.add_to_avoid_list(workspace, "gambling")
    url = f"/journal/lessons/{lesson.pk}/avoid/"
    form = owner_http.get(url).content.decode()
    assert "Agencies that resell my work as their own" in form  # the lesson is the start
    preview = owner_http.post(url, {"text": "Reselling agencies", "preview": "1"})
    html = preview.content.decode()
    assert preview.status_code == 200
    before = html.split('data-testid="preview-before"')[1].split("</ul>")[0]
    after = html.split('data-testid="preview-after"')[1].split("</ul>")[0]
    assert "gambling" in before and "Reselling agencies" not in before
    assert "<ins>Reselling agencies</ins>" in after
    assert _avoid(workspace) == ["gambling"]  # nothing changed yet
    done = owner_http.post(url, {"text": "Reselling agencies", "confirm": "1"})
    assert done.status_code == 302
    assert _avoid(workspace) == ["gambling", "Reselling agencies"]
    change = LessonChange.objects.get(lesson=lesson)
    assert (change.kind, change.text, change.url) == ("avoid", "Reselling agencies",
                                                      "/prospects/profile/")
    entry_page = owner_http.get(lesson.entry.get_absolute_url()).content.decode()
    assert 'href="/prospects/profile/"' in entry_page and "Reselling agencies" in entry_page


def test_an_item_already_on_the_list_is_not_added_twice(owner_http, workspace, lesson):
    intake.add_to_avoid_list(workspace, "Reselling agencies")
    url = f"/journal/lessons/{lesson.pk}/avoid/"
    html = owner_http.post(url, {"text": "reselling agencies", "preview": "1"}
                           ).content.decode()
    assert "is there already" in html and 'data-testid="confirm-change"' not in html
    response = owner_http.post(url, {"text": "reselling agencies", "confirm": "1"})
    assert response.status_code == 422
    assert _avoid(workspace) == ["Reselling agencies"]
    assert not LessonChange.objects.exists()


def test_the_new_avoid_list_item_flags_the_next_prospect(owner_http, workspace, lesson):
    owner_http.post(f"/journal/lessons/{lesson.pk}/avoid/",
                    {"text": "Reselling agencies", "confirm": "1"})
    interview = intake.create_prospect(workspace, name="Weiterverkauf Media",
                                       language="en")
    intake.save_answers(interview, {"business": "We are reselling agencies' content"},
                        by_prospect=False)
    report = intake.assess(interview).report.by_key()
    assert report["business"].verdict == "dealbreaker"
    assert "Reselling agencies" in report["business"].reason


def test_a_lesson_becomes_a_line_of_the_ideal_client_profile(owner_http, workspace, lesson):
    ideal = intake.profile_of(workspace)
    ideal.wanted_clients = "Cooperatives"
    ideal.save()
    url = f"/journal/lessons/{lesson.pk}/profile/"
    html = owner_http.post(url, {"text": "Clients who credit my work",
                                 "target": "wanted_clients", "preview": "1"}).content.decode()
    assert "<ins>Clients who credit my work</ins>" in html
    assert IdealClientProfile.objects.get(workspace=workspace).wanted_clients == "Cooperatives"
    owner_http.post(url, {"text": "Clients who credit my work", "target": "wanted_clients",
                          "confirm": "1"})
    assert IdealClientProfile.objects.get(workspace=workspace).wanted_clients == \
        "Cooperatives\nClients who credit my work"
    change = LessonChange.objects.get(lesson=lesson)
    assert (change.kind, change.target) == ("profile", "wanted_clients")


def test_a_lesson_becomes_a_question_of_the_questionnaire_in_the_chosen_language(
        owner_http, workspace, lesson):
    url = f"/journal/lessons/{lesson.pk}/question/"
    html = owner_http.post(url, {"text": "Will my name appear on the work?",
                                 "target": "en", "preview": "1"}).content.decode()
    before = html.split('data-testid="preview-before"')[1].split("</ul>")[0]
    assert "Tell me about your business or organisation." in before  # the shipped ones
    assert "Will my name appear" not in before
    assert not Question.objects.filter(text="Will my name appear on the work?").exists()
    owner_http.post(url, {"text": "Will my name appear on the work?", "target": "en",
                          "confirm": "1"})
    question = Question.objects.get(workspace=workspace, text="Will my name appear on the work?")
    assert question.language == "en" and question.is_active and question.key == ""
    last = Question.objects.filter(workspace=workspace, language="en").order_by(
        "-position").first()
    assert last == question  # asked last
    assert LessonChange.objects.get(lesson=lesson).url == "/prospects/questions/?lang=en"


def test_a_lesson_becomes_a_clause_of_a_proposal_template_and_of_the_next_proposal(
        owner_http, workspace, lesson):
    template = ProposalTemplate.objects.create(
        workspace=workspace, name="Blog retainer", language="en",
        content=agreements.shipped_template("en"))
    url = f"/journal/lessons/{lesson.pk}/clause/"
    clause = "The work is published under my name or credited to me."
    html = owner_http.post(url, {"text": clause, "target": f"template:{template.pk}",
                                 "preview": "1"}).content.decode()
    assert "Blog retainer" in html and f"<ins>{clause}</ins>" in html
    template.refresh_from_db()
    assert "additional" not in template.content["terms"]
    owner_http.post(url, {"text": clause, "target": f"template:{template.pk}",
                          "confirm": "1"})
    template.refresh_from_db()
    assert template.content["terms"]["additional"] == [clause]
    change = LessonChange.objects.get(lesson=lesson)
    assert change.url == f"/proposals/new/?template={template.pk}"
    client = make_client(workspace, "Neukunde GmbH", language="en")
    proposal = agreements.new_proposal(workspace, client, title="Blog", template=template)
    assert clause in agreements.render_html(proposal)


def test_a_clause_for_a_workspace_without_templates_starts_a_new_one_from_the_shipped(
        owner_http, workspace, lesson):
    url = f"/journal/lessons/{lesson.pk}/clause/"
    owner_http.post(url, {"text": "Kein Ghostwriting ohne Aufpreis.", "target": "shipped:de",
                          "confirm": "1"})
    template = ProposalTemplate.objects.get(workspace=workspace)
    assert template.language == "de" and template.name == "My template (German)"
    assert template.content["terms"]["additional"] == ["Kein Ghostwriting ohne Aufpreis."]
    assert template.content["terms"]["ownership"]  # the rest of the shipped template


def test_another_workspaces_template_cannot_be_the_target(owner_http, workspace, lesson,
                                                          outsider):
    from rapport.core.models import Workspace
    theirs = ProposalTemplate.objects.create(
        workspace=Workspace.objects.get(name="Elsewhere Ltd"), name="Theirs", language="en",
        content={"terms": {}})
    response = owner_http.post(f"/journal/lessons/{lesson.pk}/clause/", {
        "text": "x", "target": f"template:{theirs.pk}", "confirm": "1"})
    assert response.status_code == 422
    theirs.refresh_from_db()
    assert theirs.content == {"terms": {}}


def test_the_change_pages_read_in_german(owner_http, owner, lesson):
    owner.language = "de"
    owner.save(update_fields=["language"])
    html = owner_http.post(f"/journal/lessons/{lesson.pk}/avoid/",
                           {"text": "Wiederverkäufer", "preview": "1"}).content.decode()
    assert "Vorher" in html and "Nachher" in html and "Änderung übernehmen" in html
