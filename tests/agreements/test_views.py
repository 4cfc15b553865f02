import datetime as dt

import pytest

from rapport.agreements import services
from rapport.agreements.models import Proposal, ProposalTemplate
from tests.agreements.factories import EVIDENCE, sent_proposal
from tests.billing.factories import billable_client, make_billable
from tests.billing.smtp import smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def kranich(workspace):
    make_billable(workspace)
    return billable_client(workspace, "Kranich Verlag GmbH", language="en")


def test_the_user_writes_edits_and_sends_a_proposal(smtp_server, owner_http, kranich):  # noqa: F811
    response = owner_http.post("/proposals/new/", {"client": kranich.pk, "title": "Blog 2027",
                                                  "template": ""})
    proposal = Proposal.objects.get()
    assert response["Location"] == f"/proposals/{proposal.pk}/edit/"
    form = owner_http.get(response["Location"]).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v not in (None, False)}
    data["valid_until"] = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    data["what__deliverables"] = "Four posts of 800 words\nOne newsletter"
    data["cost__late_fees"] = "on"
    response = owner_http.post(f"/proposals/{proposal.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    proposal.refresh_from_db()
    assert proposal.content["what"]["deliverables"] == ["Four posts of 800 words",
                                                        "One newsletter"]
    owner_http.post(f"/proposals/{proposal.pk}/send/", {
        "to": "klara@kranich.example", "subject": "Blog 2027", "body": "Hello", "confirm": "on"})
    assert len(smtp_server.messages) == 1
    page = owner_http.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'data-testid="portal-link"' in page and "Four posts of 800 words" in page
    assert owner_http.get("/proposals/").status_code == 200
    pdf = owner_http.get(f"/proposals/{proposal.pk}/pdf/")
    assert pdf.content.startswith(b"%PDF")


def test_a_bad_deadline_line_is_a_clear_error(owner_http, kranich):
    proposal = services.new_proposal(kranich.workspace, kranich, title="x")
    form = owner_http.get(f"/proposals/{proposal.pk}/edit/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v not in (None, False)}
    data["valid_until"] = proposal.valid_until.isoformat()
    data["when__milestones"] = "me: Draft = next week sometime"
    response = owner_http.post(f"/proposals/{proposal.pk}/edit/", data)
    assert response.status_code == 200
    assert "Cannot read" in response.content.decode()


def test_own_templates_are_saved_and_offered(owner_http, kranich):
    proposal = services.new_proposal(kranich.workspace, kranich, title="Mine")
    owner_http.post(f"/proposals/{proposal.pk}/template/", {"name": "My retainer"})
    template = ProposalTemplate.objects.get(name="My retainer")
    assert "My retainer" in owner_http.get("/proposals/new/").content.decode()
    owner_http.post("/proposals/new/", {"client": kranich.pk, "title": "From mine",
                                        "template": str(template.pk)})
    assert Proposal.objects.get(title="From mine").language == template.language


def test_contract_page_records_a_late_input_and_shows_moved_deadlines(
    smtp_server, owner_http, kranich  # noqa: F811
):
    proposal, _link = sent_proposal(kranich)
    version = proposal.current_version
    contract = services.accept(proposal, version.number, version.sha256, EVIDENCE)
    first = services.contract_schedule(contract)[0]
    owner_http.post(f"/proposals/contracts/{contract.pk}/input/",
                    {"label": first.milestone.label,
                     "received_on": (first.planned + dt.timedelta(days=7)).isoformat()})
    page = owner_http.get(f"/proposals/contracts/{contract.pk}/").content.decode()
    assert "<mark>+" in page
    owner_http.post(f"/proposals/contracts/{contract.pk}/changes/",
                    {"description": "Extra post", "price": "150"})
    change = contract.changes.get()
    owner_http.post(f"/proposals/changes/{change.pk}/send/", {
        "to": "klara@kranich.example", "subject": "Extra post", "body": "Hello",
        "confirm": "on"})
    assert len(smtp_server.messages) == 1
    change.refresh_from_db()
    assert change.status == "sent" and change.sha256


def test_circular_deadlines_are_a_form_error(owner_http, kranich):
    proposal = services.new_proposal(kranich.workspace, kranich, title="x")
    form = owner_http.get(f"/proposals/{proposal.pk}/edit/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v not in (None, False)}
    data["valid_until"] = proposal.valid_until.isoformat()
    data["when__milestones"] = ("client: A = 1 working days after B\n"
                                "me: B = 2 working days after A")
    response = owner_http.post(f"/proposals/{proposal.pk}/edit/", data)
    assert response.status_code == 200
    assert "These deadlines depend on each other in a circle." in response.content.decode()


@pytest.mark.parametrize(("ui", "language", "day", "other"),
                         [("en", "de", "Montag", "Monday"), ("de", "en", "Monday", "Montag")])
def test_a_proposal_names_the_office_hours_weekdays_in_its_own_language(
        owner_http, kranich, ui, language, day, other):
    from django.utils import translation

    with translation.override(ui):  # whatever language the freelancer's screen is in
        proposal = services.new_proposal(kranich.workspace, kranich, title="x",
                                         language=language)
    hours = proposal.content["when"]["office_hours"]
    assert hours.startswith(f"{day}: 09:00") and other not in hours
