"""Dates, numbers and words in the reader's language and format, and in the document's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import date_format, time_format

from rapport.agreements import deadlines
from rapport.agreements import services as agreements
from rapport.agreements.forms import ProposalForm
from rapport.billing import services as billing
from rapport.billing.bank import clean_iban
from rapport.billing.models import InvoiceEvent, PendingFee
from rapport.comms.models import MeetingLog
from rapport.comms.services import log_meeting
from rapport.core.dates import document_date, short_date
from rapport.core.locales import regional
from rapport.dunning.defaults import default_policy
from rapport.dunning.models import DunningLevel
from rapport.health.charts import _money, _number
from rapport.intake import services as intake
from tests.billing.factories import billable_client, make_billable
from tests.conftest import make_client


class Dates(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    hour = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))


@pytest.mark.parametrize("language", ["de", "en", "en-gb"])
def test_date_time_and_datetime_inputs_carry_iso_values_in_every_language(language):
    initial = {"day": dt.date(2026, 12, 16), "moment": dt.datetime(2026, 12, 16, 9, 5),
               "hour": dt.time(9, 5)}
    with translation.override(language):
        form = Dates(initial=initial)
        assert 'value="2026-12-16"' in str(form["day"])
        assert 'value="2026-12-16T09:05"' in str(form["moment"])
        assert 'value="09:05"' in str(form["hour"])
        assert Dates({"day": "2026-12-16", "moment": "2026-12-16T09:05",
                      "hour": "09:05"}).is_valid()


def test_a_german_date_typed_by_hand_is_still_understood():
    with translation.override("de"):
        form = Dates({"day": "16.12.2026", "moment": "16.12.2026 09:05", "hour": "09:05"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == dt.date(2026, 12, 16)


@pytest.mark.django_db
def test_the_german_proposal_editor_shows_valid_until_as_iso(workspace):
    client = make_client(workspace, language="de")
    proposal = agreements.new_proposal(workspace, client, title="Katalog", language="de")
    with translation.override("de"):
        field = str(ProposalForm(proposal=proposal)["valid_until"])
    assert f'value="{proposal.valid_until.isoformat()}"' in field


@pytest.mark.parametrize(("header", "expected"), [
    ("en-GB,en;q=0.9", "en-gb"), ("en-US,en;q=0.9", "en"), ("en", "en"),
    ("fr-FR,en-AU;q=0.5", "en-au"), ("", "en"),
])
def test_english_readers_get_their_regions_date_format(header, expected):
    assert regional("en", header) == expected
    with translation.override(expected):
        assert short_date(dt.date(2026, 11, 17)) == (
            "11/17/2026" if expected == "en" else "17/11/2026")


def test_german_stays_german_whatever_english_the_browser_also_knows():
    assert regional("de", "de-DE,de;q=0.9,en-GB;q=0.8") == "de"


@pytest.mark.django_db
def test_an_en_gb_browser_sees_british_dates_on_the_invoice(owner, owner_http, workspace):
    make_billable(workspace)
    invoice = billing.new_draft(workspace, billable_client(workspace))
    billing.add_line(invoice, "Work", 1, 100)
    invoice = billing.issue(invoice, dt.date(2026, 11, 3))
    billing.record_payment(invoice, "119.00", paid_on=dt.date(2026, 11, 17))
    page = owner_http.get(invoice.get_absolute_url(),
                          HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert "17/11/2026" in page and "11/17/2026" not in page
    page = owner_http.get(invoice.get_absolute_url(),
                          HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "11/17/2026" in page


def test_document_dates_are_written_in_the_documents_language():
    assert document_date(dt.date(2026, 11, 17), "de") == "17.11.2026"
    assert document_date(dt.date(2026, 11, 17), "en") == "17 Nov 2026"


class Amounts(forms.Form):
    amount = forms.DecimalField(decimal_places=2)
    rate = forms.DecimalField(decimal_places=2)


def test_number_inputs_drop_decimals_that_say_nothing():
    with translation.override("de"):
        form = Amounts(initial={"amount": Decimal("6000.00"), "rate": Decimal("12.50")})
        assert 'value="6000"' in str(form["amount"])
        assert 'value="12.50"' in str(form["rate"])  # type=number needs the dot


def test_a_wrong_iban_is_explained_in_german():
    with translation.override("de"), pytest.raises(ValidationError) as error:
        clean_iban("DE89 3704 0044 0532 0130 01")
    assert error.value.messages == [
        "Diese IBAN ist ungültig: die Prüfziffern stimmen nicht; bitte auf Tippfehler prüfen"]


@pytest.mark.django_db
def test_invoice_history_is_written_for_the_reader(workspace):
    make_billable(workspace)
    invoice = billing.new_draft(workspace, billable_client(workspace))
    billing.add_line(invoice, "Work", 1, 1000)
    invoice = billing.issue(invoice, dt.date(2026, 5, 1))
    billing.record_payment(invoice, "1400", paid_on=dt.date(2026, 5, 13))
    payment = invoice.events.get(kind=InvoiceEvent.Kind.PAYMENT)
    sent = InvoiceEvent(invoice=invoice, kind=InvoiceEvent.Kind.SENT, detail="to a@b.example")
    with translation.override("de"):
        assert payment.describe() == "1.400,00\xa0€ (13.05.2026)"
        assert sent.describe() == "an a@b.example"
    with translation.override("en"):
        assert payment.describe() == "€1,400.00 (05/13/2026)"
        assert sent.describe() == "to a@b.example"


@pytest.mark.django_db
def test_a_missed_meeting_fee_is_worded_in_the_clients_language(workspace):
    for language, expected in (("de", "17.11.2026"), ("en", "17 Nov 2026")):
        client = make_client(workspace, f"Client {language}", language=language)
        log = MeetingLog(workspace=workspace, client=client, held_on=dt.date(2026, 11, 17),
                         no_show=True, billable=True)
        with translation.override("de"):  # the freelancer works in German
            log_meeting(log, Decimal("80"))
        description = PendingFee.objects.get(meeting_log=log).description
        assert expected in description and "2026-11-17" not in description
    assert PendingFee.objects.get(client__language="en").description.startswith("Missed")


@pytest.mark.django_db
def test_reminder_levels_are_named_in_the_readers_language(workspace):
    level = DunningLevel.objects.filter(policy=default_policy(workspace)).order_by(
        "delay_days").first()
    with translation.override("de"):
        assert str(level) == level.title_de
    with translation.override("en"):
        assert str(level) == level.title_en


@pytest.mark.django_db
def test_the_german_reminder_settings_name_the_base_rate_column(owner, owner_http):
    owner.language = "de"
    owner.save()
    page = owner_http.get("/reminders/policy/").content.decode()
    assert "<th class=\"num\">Basiszinssatz</th>" in page
    assert "<strong>Freundlicher Hinweis</strong>" in page
    assert "<strong>Friendly note</strong>" not in page


@pytest.mark.django_db
def test_one_call_a_week_is_singular_in_a_german_proposal(workspace):
    client = make_client(workspace, language="de")
    proposal = agreements.new_proposal(workspace, client, title="Katalog", language="de")

    def line(n: int) -> str:
        content = proposal.content
        content["when"]["max_calls_per_week"] = n
        return " ".join(agreements.render_html(proposal, content).split())

    assert "Höchstens 1 Gespräch pro Woche" in line(1)
    assert "Höchstens 2 Gespräche pro Woche" in line(2)


def test_chart_axes_use_the_readers_number_format():
    with translation.override("de"):
        assert (_money(Decimal("12495.4")), _number(43.14)) == ("12.495", "43,1")
    with translation.override("en"):
        assert (_money(Decimal("12495.4")), _number(43.14)) == ("12,495", "43.1")


def test_milestones_read_and_write_german_dates_in_german():
    milestone = deadlines.parse_line("Kunde: Briefing = 02.03.2026")
    assert milestone.date == dt.date(2026, 3, 2)
    assert deadlines.format_line(milestone, "de") == "Kunde: Briefing = 02.03.2026"
    assert deadlines.format_line(milestone, "en") == "client: Briefing = 2026-03-02"


@pytest.mark.django_db
def test_the_english_decline_letter_has_no_german_placeholder(owner, owner_http, workspace):
    owner.language = "de"
    owner.save()
    interview = intake.create_prospect(workspace, name="Heron Ltd", language="en")
    page = owner_http.get(f"/prospects/{interview.pk}/decline/").content.decode()
    english = page.split('<article lang="en">')[1].split("</article>")[0]
    german = page.split('<article lang="de">')[1].split("</article>")[0]
    assert "[your reason]" in english and "[Ihr Grund]" not in english
    assert "[Ihr Grund]" in german


@pytest.mark.django_db
def test_a_reminder_to_an_english_client_is_named_in_german_in_the_german_ui(workspace):
    from rapport.core import clock
    from rapport.dunning import services as dunning

    make_billable(workspace)
    invoice = billing.new_draft(workspace, billable_client(workspace, language="en"))
    billing.add_line(invoice, "Work", 1, 100)
    invoice = billing.issue(invoice, dt.date(2026, 1, 5))
    with clock.travel(dt.date(2026, 3, 2)):  # a Monday: reminders wait for working days
        [reminder] = dunning.plan(workspace=workspace)
    assert reminder.title == reminder.level.title_en  # what the client reads
    with translation.override("de"):
        assert reminder.name == reminder.level.title_de


@pytest.mark.django_db
def test_the_client_portal_shows_a_british_visitor_british_dates(client, workspace):
    from rapport.billing.mailing import portal_link_for

    make_billable(workspace)
    invoice = billing.new_draft(workspace, billable_client(workspace, language="en"))
    billing.add_line(invoice, "Work", 1, 100)
    invoice = billing.issue(invoice, dt.date(2026, 11, 17))
    url = portal_link_for(invoice).get_absolute_url()
    british = client.get(url, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    american = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "17/11/2026" in british and "11/17/2026" not in british
    assert "11/17/2026" in american
    assert '<html lang="en">' in british  # still the invoice's language


def test_a_british_reader_reads_times_on_the_24_hour_clock_not_noon_or_pm():
    moment = dt.datetime(2026, 2, 15, 12, 0)
    later = dt.datetime(2026, 12, 2, 13, 3)
    with translation.override("en-gb"):
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == "15/02/2026 12:00"
        assert date_format(later, "SHORT_DATETIME_FORMAT") == "02/12/2026 13:03"
        assert date_format(later, "DATETIME_FORMAT") == "2 Dec 2026, 13:03"
        assert time_format(later) == "13:03"
