"""Reminder pages: policy, client terms, promises, letters, fee invoices."""

import datetime as dt

import pytest

from rapport.billing.models import Invoice
from rapport.core import clock
from rapport.dunning import services
from rapport.dunning.models import (
    BaseRateEntry,
    ClientTerms,
    DunningLevel,
    PaymentPromise,
    Reminder,
)

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 3, 16)


def test_the_policy_page_starts_with_german_defaults_and_saves_changes(owner_http, overdue):
    page = owner_http.get("/reminders/policy/")
    formset = page.context["formset"]
    assert [f.instance.title_de for f in formset] == [
        "Freundlicher Hinweis", "Zahlungserinnerung", "1. Mahnung", "Letzte Mahnung"]
    data = {"enabled": "on", "levels-TOTAL_FORMS": "4", "levels-INITIAL_FORMS": "4",
            "levels-MIN_NUM_FORMS": "0", "levels-MAX_NUM_FORMS": "1000"}
    for i, form in enumerate(formset):
        for name in ("delay_days", "title_de", "title_en", "fee_kind", "fee_value",
                     "deadline_days", "body_de", "body_en"):
            data[f"levels-{i}-{name}"] = getattr(form.instance, name)
        data[f"levels-{i}-id"] = form.instance.pk
    data["levels-1-delay_days"] = "5"
    data["levels-1-fee_kind"] = "fixed"
    data["levels-1-fee_value"] = "5.00"
    page = owner_http.post("/reminders/policy/", data).content.decode()
    assert "This level charges a fee: mention it in the text" in page  # and the email not
    data["levels-1-body_de"] += "\nGebühr: {charges}"
    data["levels-1-body_en"] += "\nFee: {charges}"
    assert owner_http.post("/reminders/policy/", data).status_code == 302
    level = DunningLevel.objects.get(title_en="Payment reminder")
    assert (level.delay_days, level.fee_kind, level.fee_value) == (5, "fixed", 5)

    data["levels-2-delay_days"] = "40"  # the first notice after the final notice (28 days)
    page = owner_http.post("/reminders/policy/", data).content.decode()
    assert "Each level must come later than the one before" in page
    assert DunningLevel.objects.get(title_en="First notice").delay_days != 40


def test_the_policy_page_warns_about_a_missing_base_rate(owner_http, workspace):
    page = owner_http.get("/reminders/policy/").content.decode()
    assert "base rate valid from" in page
    owner_http.post("/reminders/policy/base-rates/new/", {"valid_from": "2026-07-01",
                                                          "rate": "1.27"})
    assert BaseRateEntry.objects.filter(workspace=workspace).count() == 1
    bad = owner_http.post("/reminders/policy/base-rates/new/",
                          {"valid_from": "2026-08-01", "rate": "1"}, follow=True)
    assert "1 January and 1 July" in bad.content.decode()


def test_client_terms_need_a_reason_for_a_pause(owner_http, overdue):
    url = f"/reminders/clients/{overdue.client.pk}/"
    response = owner_http.post(url, {"is_business": "on", "paused_until": "2026-05-01"})
    assert "Say why" in response.content.decode()
    owner_http.post(url, {"is_business": "on", "paused_until": "2026-05-01",
                          "pause_reason": "Parental leave at the client"})
    assert ClientTerms.objects.get().paused_until == dt.date(2026, 5, 1)


def test_the_policy_update_letter_sets_the_date_fees_apply_from(owner_http, overdue):
    url = f"/reminders/clients/{overdue.client.pk}/policy-letter/"
    letter = owner_http.post(url, {"effective_from": "2026-06-01"})
    body = letter.content.decode()
    assert letter.status_code == 200
    assert "Änderung unserer Zahlungsbedingungen" in body  # the client reads German
    terms = ClientTerms.objects.get()
    assert terms.late_fees_since == dt.date(2026, 6, 1) and terms.late_fees_source == "announced"
    assert not terms.fees_allowed_for(overdue)  # issued before the date


def test_the_invoice_page_shows_the_next_reminder_and_takes_a_promise(owner_http, overdue):
    with clock.travel(DUE + dt.timedelta(days=1)):
        page = owner_http.get(f"/invoices/{overdue.pk}/").content.decode()
        assert "Next: Payment reminder on" in page
        owner_http.post(f"/reminders/invoices/{overdue.pk}/promise/",
                        {"pay_by": "2026-03-30", "note": "after the trade fair"})
        page = owner_http.get(f"/invoices/{overdue.pk}/").content.decode()
    assert PaymentPromise.objects.get().pay_by == dt.date(2026, 3, 30)
    assert "promised to pay by 03/30/2026" in page
    assert "March 31, 2026" in page  # the next reminder moved past the promise


def test_letters_and_fee_invoices_after_a_notice(owner_http, overdue, known_rates, mailoutbox):
    terms = services.terms_for(overdue.client)
    terms.late_fees_since, terms.late_fees_source = dt.date(2026, 1, 1), "agreed"
    terms.save()
    for day in (3, 14):
        with clock.travel(DUE + dt.timedelta(days=day)):
            services.run_now(overdue.workspace)
    notice = overdue.reminders.get(title="1. Mahnung")
    pdf = owner_http.get(f"/reminders/{notice.pk}/letter/")
    assert pdf["Content-Type"] == "application/pdf"
    owner_http.post(f"/reminders/invoices/{overdue.pk}/fee-invoice/")
    fee_invoice = Invoice.objects.exclude(pk=overdue.pk).get()
    amounts = sorted(line.unit_price for line in fee_invoice.lines.all())
    assert [str(a) for a in amounts] == ["4.6900", "40.0000"]
    assert {line.vat_rate for line in fee_invoice.lines.all()} == {0}


def test_the_dashboard_counts_sent_reminders_and_shows_failures(owner_http, overdue, settings):
    with clock.travel(DUE + dt.timedelta(days=3)):
        services.run_now(overdue.workspace)
        assert "1 reminder sent this week" in owner_http.get("/").content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    with clock.travel(DUE + dt.timedelta(days=14)):
        services.run_now(overdue.workspace)
        page = owner_http.get("/").content.decode()
    assert "sending failed" in page and overdue.number in page


def test_a_client_can_get_its_own_levels(owner_http, overdue):
    client = overdue.client
    owner_http.post(f"/reminders/clients/{client.pk}/policy/toggle/")
    own = services.policy_for(overdue)
    assert own.client == client and own.levels.count() == 4
    data = {"enabled": "on", "levels-TOTAL_FORMS": "4", "levels-INITIAL_FORMS": "4",
            "levels-MIN_NUM_FORMS": "0", "levels-MAX_NUM_FORMS": "1000"}
    for i, level in enumerate(own.levels.all()):
        for name in ("delay_days", "title_de", "title_en", "fee_kind", "fee_value",
                     "deadline_days", "body_de", "body_en"):
            data[f"levels-{i}-{name}"] = getattr(level, name)
        data[f"levels-{i}-id"] = level.pk
    data["levels-1-delay_days"] = "10"
    owner_http.post(f"/reminders/clients/{client.pk}/policy/", data)
    assert services.next_step(overdue, DUE).on == DUE + dt.timedelta(days=10)
    # The workspace's own policy is untouched.
    assert DunningLevel.objects.get(policy__client=None, title_en="Payment reminder"
                                    ).delay_days == 3
    owner_http.post(f"/reminders/clients/{client.pk}/policy/toggle/")
    assert services.policy_for(overdue).client is None


def test_the_invoice_page_sends_only_its_own_due_reminder(owner_http, overdue, workspace):
    from rapport.billing import services as billing
    from tests.billing.factories import billable_client

    other = billing.new_draft(workspace, billable_client(workspace, "Kranich Verlag GmbH"))
    billing.add_line(other, "Lektorat", 1, "500.00")
    other = billing.issue(other, overdue.issue_date)
    with clock.travel(DUE + dt.timedelta(days=4)):  # a Friday: reminders go out on workdays
        page = owner_http.get(f"/invoices/{overdue.pk}/").content.decode()
        assert "Send this reminder now" in page
        owner_http.post("/reminders/run/", {"invoice": overdue.pk,
                                            "next": f"/invoices/{overdue.pk}/"})
    assert list(Reminder.objects.values_list("invoice_id", flat=True)) == [overdue.pk]
    # Not yet due: no button.
    with clock.travel(overdue.due_date):
        assert "Send this reminder now" not in owner_http.get(
            f"/invoices/{other.pk}/").content.decode()
