"""The first-run checklist on the dashboard ticks each step off from the real data."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.agreements.models import Proposal
from rapport.billing.services import billing_settings
from rapport.clients.models import Client
from rapport.comms.models import CalendarSubscription
from rapport.core.models import Workspace
from tests.conftest import make_client

pytestmark = pytest.mark.django_db


def checklist(http: HttpClient) -> dict[str, bool] | None:
    """Each step's key → done, as the dashboard shows it; None when there is no checklist."""
    page = dashboard(http)
    boxes = page.xpath("//*[@data-testid='onboarding']")
    if not boxes:
        return None
    return {li.get("data-testid").removeprefix("onboarding-"): li.get("data-done") == "true"
            for li in boxes[0].xpath(".//li[@data-testid]")}


def dashboard(http: HttpClient) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(http.get(reverse("core:dashboard")).content)


def fill_business(workspace: Workspace) -> None:
    workspace.street, workspace.postal_code, workspace.city = "Hauptstr. 1", "10115", "Berlin"
    workspace.tax_number = "11/222/33333"
    workspace.save()


def test_a_new_workspace_shows_five_open_steps_each_linking_to_its_form(owner_http):
    steps = dashboard(owner_http).xpath("//*[@data-testid='onboarding']//li[@data-testid]")
    assert [li.get("data-testid") for li in steps] == [
        "onboarding-business", "onboarding-bank", "onboarding-client", "onboarding-document",
        "onboarding-mail"]
    links = [li.xpath(".//a")[0].get("href") for li in steps]
    assert links == [reverse("core:workspace_settings") + "?next=/",
                     reverse("billing:settings") + "?next=/",
                     reverse("clients:create"), reverse("billing:invoice_create"),
                     reverse("comms:account_create")]
    assert reverse("agreements:proposal_create") in [
        a.get("href") for a in steps[3].xpath(".//a")]


def test_business_data_ticks_off_only_with_address_and_tax_number(owner_http, workspace):
    workspace.street, workspace.postal_code, workspace.city = "Hauptstr. 1", "10115", "Berlin"
    workspace.save()
    assert checklist(owner_http)["business"] is False  # no tax number yet
    fill_business(workspace)
    assert checklist(owner_http)["business"] is True


def test_the_bank_step_ticks_off_once_an_iban_is_saved(owner_http, workspace):
    settings = billing_settings(workspace)
    assert checklist(owner_http)["bank"] is False
    settings.iban = "DE89370400440532013000"
    settings.save()
    assert checklist(owner_http)["bank"] is True


def test_the_client_step_ticks_off_after_adding_a_client_through_the_form(owner_http):
    response = owner_http.post(reverse("clients:create"), {
        "kind": "company", "name": "Acme GmbH", "language": "de",
        "time_zone": "Europe/Berlin", "preferred_channel": "email", "country": "DE",
        "working_together": "on"})
    assert response.status_code == 302
    assert checklist(owner_http)["client"] is True


def test_the_document_step_ticks_off_with_a_first_invoice_draft(owner_http, workspace):
    client = make_client(workspace)
    link = dashboard(owner_http).xpath("//*[@data-testid='onboarding-document']//a")[0].get("href")
    assert link == f"{reverse('billing:invoice_create')}?client={client.pk}"
    owner_http.post(reverse("billing:invoice_create"), {"client": client.pk})
    assert checklist(owner_http)["document"] is True


def test_the_document_step_ticks_off_with_a_first_proposal(owner_http, workspace):
    Proposal.objects.create(workspace=workspace, client=make_client(workspace), title="Site",
                            language="de", valid_until=dt.date(2030, 1, 1))
    assert checklist(owner_http)["document"] is True


def test_the_mail_step_ticks_off_with_a_calendar_or_mail_account(owner_http, workspace):
    assert checklist(owner_http)["mail"] is False
    CalendarSubscription.objects.create(workspace=workspace, name="Work",
                                        url="https://example.com/cal.ics")
    assert checklist(owner_http)["mail"] is True


def test_the_checklist_disappears_once_every_step_is_done(owner_http, workspace):
    fill_business(workspace)
    settings = billing_settings(workspace)
    settings.iban = "DE89370400440532013000"
    settings.save()
    client = make_client(workspace)
    owner_http.post(reverse("billing:invoice_create"), {"client": client.pk})
    assert checklist(owner_http) == {"business": True, "bank": True, "client": True,
                                     "document": True, "mail": False}
    CalendarSubscription.objects.create(workspace=workspace, name="Work",
                                        url="https://example.com/cal.ics")
    assert checklist(owner_http) is None


def test_hiding_the_checklist_keeps_it_hidden_for_this_workspace(owner_http):
    response = owner_http.post(reverse("onboarding:hide"))
    assert response.status_code == 302
    assert checklist(owner_http) is None
    assert Client.objects.count() == 0  # nothing else changed


def test_the_checklist_reads_in_german(owner_http, owner):
    owner.language = "de"
    owner.save()
    page = owner_http.get(reverse("core:dashboard")).content.decode()
    assert "Erste Schritte" in page
    assert "Geschäftsdaten eintragen" in page


def test_a_finished_checklist_costs_the_dashboard_no_more_queries(owner_http, workspace):
    fill_business(workspace)
    settings = billing_settings(workspace)
    settings.iban = "DE89370400440532013000"
    settings.save()
    client = make_client(workspace)
    owner_http.post(reverse("billing:invoice_create"), {"client": client.pk})
    CalendarSubscription.objects.create(workspace=workspace, name="Work",
                                        url="https://example.com/cal.ics")
    assert checklist(owner_http) is None  # complete: remembered from now on
    with CaptureQueriesContext(connection) as queries:
        owner_http.get(reverse("core:dashboard"))
    assert not [q for q in queries.captured_queries if "comms_calendarsubscription" in q["sql"]]
    CalendarSubscription.objects.all().delete()  # no half-done list again this session
    assert checklist(owner_http) is None
