import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from rapport.agreements import services
from rapport.agreements.models import Acceptance, Contract, Proposal, sha256_of
from rapport.billing.models import Invoice
from rapport.core import clock
from rapport.dunning.services import terms_for
from tests.agreements.factories import EVIDENCE, edit, make_proposal, sent_proposal
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db


@pytest.fixture
def kranich(workspace):
    make_billable(workspace)
    return billable_client(workspace, "Kranich Verlag GmbH", language="en")


def _portal_form(http: HttpClient, link) -> tuple[str, dict[str, str]]:
    page = http.get(link.get_absolute_url()).content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page).group(1)
    return page, {"version": version, "sha256": sha}


def test_the_template_is_prefilled_from_the_workspace(workspace, kranich):
    workspace.preferred_channels, workspace.max_calls_per_week = ["email"], 1
    workspace.save()
    proposal = make_proposal(kranich)
    when = proposal.content["when"]
    assert when["time_zone"] == "Europe/Berlin"
    assert "09:00–12:00" in when["office_hours"]
    assert when["channels"] == ["email"] and when["max_calls_per_week"] == 1
    german = services.new_proposal(workspace, kranich, title="x", language="de")
    assert german.content["what"]["out_of_scope"][0] == "Hochladen auf die Website"


def test_editing_a_sent_proposal_creates_a_new_version(kranich):
    proposal, _link = sent_proposal(kranich)
    assert proposal.current_version.number == 1
    edit(proposal, "A monthly newsletter")
    proposal.refresh_from_db()
    assert proposal.current_version.number == 2
    assert "A monthly newsletter" in proposal.current_version.html
    assert "A monthly newsletter" not in proposal.versions.get(number=1).html


def test_a_version_cannot_be_changed():
    from rapport.agreements.models import ProposalVersion

    version = ProposalVersion(pk=1)
    with pytest.raises(ValueError):
        version.save()


def test_accepting_version_2_after_version_3_exists_is_refused(kranich):
    proposal, _link = sent_proposal(kranich)
    edit(proposal, "Second")
    v2 = proposal.current_version
    edit(proposal, "Third")
    assert proposal.current_version.number == 3
    with pytest.raises(services.AcceptanceRefused, match="newer version"):
        services.accept(proposal, v2.number, v2.sha256, EVIDENCE)
    assert not Acceptance.objects.exists()


def test_the_stored_hash_matches_the_html_the_client_was_shown(kranich):
    proposal, link = sent_proposal(kranich)
    http = HttpClient(HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="198.51.100.4")
    page, form = _portal_form(http, link)
    shown = re.search(r'<article data-testid="document">(.*?)</article>\s*<article>', page,
                      re.S).group(1)
    response = http.post(f"{link.get_absolute_url()}accept/",
                         {**form, "name": "Klara Kranich", "agree": "on"})
    assert response.status_code == 302
    acceptance = Acceptance.objects.get()
    assert acceptance.sha256 == sha256_of(shown) == proposal.current_version.sha256
    assert acceptance.ip_address == "198.51.100.4"
    assert acceptance.user_agent == "Firefox/140"
    assert acceptance.name == "Klara Kranich"


def test_the_portal_refuses_an_old_version_posted_after_an_edit(kranich):
    proposal, link = sent_proposal(kranich)
    http = HttpClient()
    _page, form = _portal_form(http, link)
    edit(proposal, "Changed while the client was reading")
    response = http.post(f"{link.get_absolute_url()}accept/",
                         {**form, "name": "Klara", "agree": "on"})
    assert response.status_code == 409
    assert "newer version" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SENT


def test_a_version_that_is_not_a_number_is_refused_not_a_server_error(kranich):
    proposal, link = sent_proposal(kranich)
    http = HttpClient()
    _page, form = _portal_form(http, link)
    response = http.post(f"{link.get_absolute_url()}accept/",
                         {**form, "version": "abc", "name": "Klara", "agree": "on"})
    assert response.status_code == 409
    assert "This version does not exist" in response.content.decode()
    assert not Acceptance.objects.exists()


def test_acceptance_needs_a_name_and_the_tick(kranich):
    proposal, link = sent_proposal(kranich)
    _page, form = _portal_form(HttpClient(), link)
    response = HttpClient().post(f"{link.get_absolute_url()}accept/", {**form, "name": "K"})
    assert response.status_code == 409
    assert not Acceptance.objects.exists()


def test_an_expired_offer_cannot_be_accepted_and_says_whom_to_contact(kranich):
    proposal, link = sent_proposal(kranich)
    http = HttpClient()
    _page, form = _portal_form(http, link)
    with clock.travel(proposal.valid_until + dt.timedelta(days=1)):
        page = http.get(link.get_absolute_url()).content.decode()
        assert "expired" in page and "olga@studio-nord.example" in page
        assert 'data-testid="accept-form"' not in page
        response = http.post(f"{link.get_absolute_url()}accept/",
                             {**form, "name": "Klara", "agree": "on"})
    assert response.status_code == 409
    assert not Contract.objects.exists()


def test_a_change_request_reaches_the_user(kranich, owner_http):
    proposal, link = sent_proposal(kranich)
    HttpClient().post(f"{link.get_absolute_url()}changes/",
                      {"name": "Klara", "text": "Please add a newsletter."})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CHANGES_REQUESTED
    page = owner_http.get(proposal.get_absolute_url()).content.decode()
    assert "Please add a newsletter." in page


def test_acceptance_sets_project_deposit_late_fees_channel_and_status(workspace, kranich):
    workspace.preferred_channels = ["email", "video"]
    workspace.save()
    proposal, _link = sent_proposal(kranich, amount="4000.00", deposit_percent="50",
                                    late_fees=True)
    assert kranich.status == "prospect"
    version = proposal.current_version
    contract = services.accept(proposal, version.number, version.sha256, EVIDENCE)
    kranich.refresh_from_db()
    assert kranich.status == "active" and kranich.preferred_channel == "email"
    project = contract.project
    assert project.amount == Decimal("4000.00") and project.start_date and project.end_date
    deposit = Invoice.objects.get(kind=Invoice.Kind.DEPOSIT, project=project)
    assert deposit.is_draft and deposit.lines.get().unit_price == Decimal("2000.00")
    terms = terms_for(kranich)
    assert terms.late_fees_since == clock.today() and terms.late_fees_source == "agreed"
    assert contract.channels == ["email", "video"] and "09:00" in contract.office_hours
    with pytest.raises(services.AcceptanceRefused):
        services.accept(proposal, version.number, version.sha256, EVIDENCE)


def test_without_deposit_or_late_fees_nothing_of_that_is_set(kranich):
    proposal, _link = sent_proposal(kranich, deposit_percent="", late_fees=False)
    version = proposal.current_version
    services.accept(proposal, version.number, version.sha256, EVIDENCE)
    assert not Invoice.objects.filter(kind=Invoice.Kind.DEPOSIT).exists()
    assert terms_for(kranich).late_fees_since is None


def test_contract_pdf_carries_the_acceptance_record(kranich, owner_http):
    import subprocess

    proposal, _link = sent_proposal(kranich)
    version = proposal.current_version
    contract = services.accept(proposal, version.number, version.sha256, EVIDENCE)
    owner_http.post(f"/proposals/contracts/{contract.pk}/countersign/",
                    {"name": "Olga Owner", "confirm": "on"})
    pdf = owner_http.get(f"/proposals/contracts/{contract.pk}/pdf/").content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    last_page = text.split("\f")[-2] if text.endswith("\f") else text.split("\f")[-1]
    assert "Acceptance record" in last_page and "Klara Kranich" in last_page
    assert "203.0.113.7" in last_page and version.sha256[:32] in last_page.replace("\n", "")
    assert "Olga Owner" in last_page


def test_the_acceptance_record_states_utc_as_utc_and_the_local_time_with_its_zone(
        workspace, kranich, owner_http):
    import subprocess

    workspace.time_zone = "Europe/Berlin"
    workspace.save(update_fields=["time_zone"])
    proposal, _link = sent_proposal(kranich)
    version = proposal.current_version
    with clock.travel(dt.datetime(2026, 12, 2, 1, 3, 2, tzinfo=dt.UTC)):
        contract = services.accept(proposal, version.number, version.sha256, EVIDENCE)
    pdf = owner_http.get(f"/proposals/contracts/{contract.pk}/pdf/").content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    record = " ".join(text.split())
    assert "2026-12-02 01:03:02 UTC" in record
    assert "2026-12-02 02:03:02 (Europe/Berlin, UTC+01:00)" in record
    assert "02:03:02 UTC" not in record


def test_a_change_order_is_accepted_in_the_portal_and_adds_an_invoice_line(kranich):
    proposal, _link = sent_proposal(kranich, deposit_percent="")
    version = proposal.current_version
    contract = services.accept(proposal, version.number, version.sha256, EVIDENCE)
    change = services.new_change_order(contract, "Two extra posts", "300",
                                       contract.end_date + dt.timedelta(days=14))
    link = services.send_change_order(change)
    http = HttpClient()
    page = http.get(link.get_absolute_url()).content.decode()
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page).group(1)
    assert http.post(f"{link.get_absolute_url()}accept/",
                     {"sha256": sha, "name": "Klara", "agree": "on"}).status_code == 302
    change.refresh_from_db()
    assert change.status == "accepted" and change.acceptance.sha256 == sha
    line = change.invoice.lines.get()
    assert line.unit_price == Decimal("300.00") and "Two extra posts" in line.description
    assert line.unit == "LS"
    contract.refresh_from_db()
    assert contract.end_date == change.new_end_date


def test_reminders_name_expiring_offers_late_inputs_and_moved_deadlines(workspace, kranich):
    proposal, _link = sent_proposal(kranich)
    proposal.valid_until = clock.today() + dt.timedelta(days=2)
    proposal.save()
    other = make_proposal(kranich, title="Launch texts")
    services.send(other)
    version = other.current_version
    contract = services.accept(other, version.number, version.sha256, EVIDENCE)
    first = services.contract_schedule(contract)[0]
    later = first.planned + dt.timedelta(days=10)
    found = services.reminders(workspace, later)
    kinds = {r.kind for r in found}
    assert "input" in kinds
    moved = next(r for r in found if r.kind == "input").moved
    assert any("First draft" in m for m in moved)
    assert "expiring" in {r.kind for r in services.reminders(workspace)}
    assert "ending" in {
        r.kind for r in services.reminders(workspace, contract.end_date - dt.timedelta(days=5))}


def test_extending_an_expired_offer_makes_a_new_version_that_can_be_accepted(workspace, kranich):
    proposal, _link = sent_proposal(kranich)
    with clock.travel(proposal.valid_until + dt.timedelta(days=3)):
        services.expire_offers(workspace)
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.EXPIRED
        services.update_content(proposal, proposal.content,
                                valid_until=clock.today() + dt.timedelta(days=7))
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.SENT
        version = proposal.current_version
        assert version.number == 2
        services.accept(proposal, version.number, version.sha256, EVIDENCE)
    assert Contract.objects.filter(proposal=proposal).exists()
