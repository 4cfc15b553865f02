"""Logging an extra from a message, a meeting or the client page; acting on it."""

import datetime as dt

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from rapport.billing.models import Invoice
from rapport.comms.models import Meeting, Source
from rapport.extras.models import ExtraRequest
from tests.billing.factories import make_billable
from tests.extras.factories import extra
from tests.signals.helpers import at, message

pytestmark = pytest.mark.django_db


def test_the_message_page_offers_logging_by_the_key_x(client_obj, owner_http):
    mail = message(client_obj.workspace, client_obj, "Could you also add a newsletter?",
                   subject="One more thing")
    page = owner_http.get(reverse("comms:message_detail", args=[mail.pk])).content.decode()
    link = reverse("extras:log_for_message", args=[mail.pk])
    assert f'href="{link}"' in page and 'accesskey="x"' in page
    assert "extras/shortcut.js" in page


def test_logging_from_a_message_is_prefilled_and_linked_to_it(client_obj, owner_http):
    mail = message(client_obj.workspace, client_obj, "Could you also add a newsletter?",
                   when=at(2026, 11, 20, 23, 30), subject="One more thing")
    url = reverse("extras:log_for_message", args=[mail.pk])
    form = owner_http.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="One more thing"' in form and 'value="2026-11-20"' in form
    response = owner_http.post(url, {"kind": "scope_creep", "label": "Newsletter",
                                     "description": "One more thing", "minutes": "45",
                                     "currency": "EUR", "requested_on": "2026-11-20"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/clients/{client_obj.pk}/#extras")
    logged = ExtraRequest.objects.get()
    assert (logged.message, logged.client, logged.minutes) == (mail, client_obj, 45)


def _german(user) -> None:
    user.language = "de"
    user.save()


def test_a_bad_entry_is_refused_with_a_clear_error_and_nothing_saved(client_obj, owner_http,
                                                                     owner):
    _german(owner)
    url = reverse("extras:log_for_client", args=[client_obj.pk])
    page = owner_http.post(url, {"kind": "paid", "label": " ", "description": "Banner",
                                 "minutes": "30", "currency": "EUR",
                                 "requested_on": "2026-11-20"}).content.decode()
    assert "Ein bezahltes Extra braucht seinen Preis." in page
    assert ExtraRequest.objects.count() == 0


def test_logging_from_a_meeting_takes_its_title_and_day(client_obj, owner_http):
    meeting = Meeting.objects.create(
        workspace=client_obj.workspace, client=client_obj, uid="m1", summary="Weekly sync",
        start=at(2026, 11, 18, 10), end=at(2026, 11, 18, 11), source=Source.ICS)
    timeline = owner_http.get(reverse("comms:client_comms", args=[client_obj.pk])
                              ).content.decode()
    assert f'href="{reverse("extras:log_for_meeting", args=[meeting.pk])}"' in timeline
    form = owner_http.get(reverse("extras:log_for_meeting", args=[meeting.pk]),
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="Weekly sync"' in form and 'value="2026-11-18"' in form
    assert "From the meeting “Weekly sync”." in form


def test_the_client_page_lists_extras_and_bills_a_paid_one(client_obj, owner_http, workspace):
    make_billable(workspace)
    paid = extra(client_obj, "paid", amount="120.00", description="Extra banner")
    page = owner_http.get(client_obj.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"
                          ).content.decode()
    assert 'id="extras"' in page and "Extra banner" in page and 'accesskey="x"' in page
    response = owner_http.post(reverse("extras:to_invoice", args=[paid.pk]))
    invoice = Invoice.objects.get(client=client_obj)
    assert response["Location"] == invoice.get_absolute_url()
    assert invoice.lines.get().description.startswith("Zusatzleistung: Extra banner")  # de


def test_the_recurrence_proposal_appears_on_the_client_page(client_obj, owner_http, owner):
    _german(owner)
    for days_ago in (20, 10, 1):
        extra(client_obj, days_ago=days_ago)
    page = owner_http.get(client_obj.get_absolute_url()).content.decode()
    assert "„Social media post“ kam 3-mal in 6 Wochen, unbezahlt." in page
    assert "key=recurring_extra_rate_increase" in page  # no contract: raise the rate


def test_the_rate_increase_script_names_the_recurring_extra(client_obj, owner_http):
    for days_ago in (20, 10, 1):
        extra(client_obj, days_ago=days_ago)
    page = owner_http.get(reverse("health:script", args=[client_obj.pk])
                          + "?key=recurring_extra_rate_increase&language=en").content.decode()
    assert "Social media post alone came up 3 times" in page
    page = owner_http.get(reverse("health:script", args=[client_obj.pk])
                          + "?key=recurring_extra_rate_increase&language=de").content.decode()
    assert "Allein um Social media post ging es 3-mal" in page


def test_another_workspace_cannot_see_or_touch_the_extras(client_obj, outsider):
    logged = extra(client_obj, "paid", amount="50.00")
    mail = message(client_obj.workspace, client_obj, "Hi")
    http = HttpClient()
    http.force_login(outsider)
    for url in (reverse("extras:client", args=[client_obj.pk]),
                reverse("extras:log_for_client", args=[client_obj.pk]),
                reverse("extras:log_for_message", args=[mail.pk])):
        assert http.get(url).status_code == 404
    for name in ("to_invoice", "to_change_order", "delete"):
        assert http.post(reverse(f"extras:{name}", args=[logged.pk])).status_code == 404
    assert ExtraRequest.objects.filter(pk=logged.pk, invoice_line__isnull=True).exists()


def test_days_are_the_workspace_s_local_days(client_obj, owner_http):
    # 23:30 in Berlin is 22:30 UTC: still the 20th for the freelancer.
    mail = message(client_obj.workspace, client_obj, "Hi", when=at(2026, 11, 20, 23, 30))
    assert mail.date.astimezone(dt.UTC).day == 20
    form = owner_http.get(reverse("extras:log_for_message", args=[mail.pk])).content.decode()
    assert 'value="2026-11-20"' in form


def test_the_dashboard_points_to_clients_whose_extras_recur(client_obj, owner_http, owner):
    assert 'data-testid="recurring-extras"' not in owner_http.get("/").content.decode()
    for days_ago in (20, 10, 1):
        extra(client_obj, days_ago=days_ago)
    _german(owner)
    page = owner_http.get("/").content.decode()
    assert 'data-testid="recurring-extras"' in page
    assert "„Social media post“ 3-mal in 6 Wochen" in page
    assert f'href="/clients/{client_obj.pk}/#extras"' in page
