"""Long lists a page at a time: the invoice list filtered to one client's overdue invoices,
paged with the filters kept and the totals for all of them; the client list searched and
paged, on a laptop and on a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.billing import services
from rapport.clients.models import Client
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


def _issued(client, price, days_ago, paid=False):
    draft = services.new_draft(client.workspace, client)
    services.add_line(draft, "Lektorat", 1, price)
    invoice = services.issue(draft, today=TODAY - dt.timedelta(days=days_ago))
    if paid:
        services.record_payment(invoice, invoice.amount_due)
    return invoice


@pytest.fixture
def busy(django_user_model):
    user = django_user_model.objects.create_user("lena@berg-text.example", PASSWORD,
                                                 language="en")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    kranich = billable_client(workspace, "Kranich Verlag GmbH", status=Client.Status.ACTIVE)
    valentin = billable_client(workspace, "Feinkost Valentin", status=Client.Status.ACTIVE)
    for n in range(28):
        _issued(kranich, "100.00", days_ago=40 + n)          # overdue: 119 € each
    _issued(kranich, "100.00", days_ago=45, paid=True)       # was due, but paid
    _issued(kranich, "100.00", days_ago=1)                   # open, not yet due
    _issued(valentin, "50.00", days_ago=60)                  # someone else's overdue one
    Client.objects.bulk_create(Client(workspace=workspace, name=f"Buchladen {n:02d}",
                                      status=Client.Status.ACTIVE) for n in range(55))
    return workspace


def test_filter_and_page_the_invoices_and_the_clients(page, busy):
    page.set_default_timeout(30_000)  # a cold server under load takes its time at first
    log_in(page, "lena@berg-text.example")
    page.goto(f"{page.base_url}/invoices/")
    expect(page.get_by_test_id("list-count")).to_contain_text("31 invoices")

    page.get_by_label("Client").select_option(label="Kranich Verlag GmbH")
    page.get_by_label("Due", exact=True).select_option(label="Overdue")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**due=overdue**")
    count = page.get_by_test_id("list-count")
    expect(count).to_contain_text("28 invoices")
    expect(count).to_contain_text("€3,332.00 invoiced, €3,332.00 still owed")  # all 28
    expect(page.locator("tbody tr")).to_have_count(25)
    expect(page.get_by_test_id("pager-position")).to_have_text("Page 1 of 2")
    screenshot(page, "lists-invoices-overdue")

    page.get_by_test_id("pager-next").click()
    page.wait_for_url("**page=2**")
    assert "due=overdue" in page.url and "client=" in page.url
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.get_by_label("Due", exact=True)).to_have_value("overdue")  # still chosen
    expect(page.locator("tbody")).not_to_contain_text("Feinkost Valentin")
    screenshot(page, "lists-invoices-overdue-page-2")

    page.get_by_role("link", name="Show all").click()
    expect(page.get_by_test_id("list-count")).to_contain_text("31 invoices")

    page.goto(f"{page.base_url}/clients/")
    expect(page.get_by_test_id("list-count")).to_contain_text("57 clients")
    page.get_by_label("Search").fill("buchladen")
    expect(page.get_by_test_id("list-count")).to_contain_text("55 clients")  # as you type
    expect(page.get_by_test_id("pager-position")).to_have_text("Page 1 of 3")
    page.get_by_test_id("pager-next").click()
    page.wait_for_url("**page=2**")
    assert "q=buchladen" in page.url
    expect(page.locator("#client-rows tbody")).to_contain_text("Buchladen 25")
    expect(page.locator("#client-rows tbody")).not_to_contain_text("Kranich")
    screenshot(page, "lists-clients-page-2")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/clients/?q=buchladen&page=3")
    expect(page.get_by_test_id("pager-previous")).to_be_visible()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    screenshot(page, "lists-clients-phone")
