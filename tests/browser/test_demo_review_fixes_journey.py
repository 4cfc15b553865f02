"""What a newcomer met in the demo, fixed: tables whose cells sit under their headers, the
bank review that keeps money going out apart and shows the client's transfer booked."""

import pytest
from playwright.sync_api import expect

from rapport.billing.models import Invoice
from rapport.clients.models import Client
from rapport.front.demo import DEMO_EMAIL, DEMO_PASSWORD, build_demo
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _column_lefts(page, table: str) -> tuple[list[float], list[float]]:
    """The left edges of the header cells and of the first body row's cells."""
    return page.evaluate("""(selector) => {
        const table = document.querySelector(selector);
        const left = (cells) => [...cells].map(c => Math.round(c.getBoundingClientRect().left));
        return [left(table.querySelectorAll('thead th')),
                left(table.querySelector('tbody tr').children)];
    }""", table)


def test_demo_tables_line_up_and_the_bank_review_is_consistent(page):
    build_demo(reset=True)
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("Email address").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="EN", exact=True).click()

    # The client page's extras table: every cell under its own header.
    client = Client.objects.get(name="Grünwerk Solar GmbH")
    page.goto(f"{page.base_url}{client.get_absolute_url()}#extras")
    headers, cells = _column_lefts(page, "table[data-testid=extras]")
    assert len(headers) == len(cells) and headers == cells
    page.locator("#extras").screenshot(path=str(screenshot(page, "demo-client-extras")))

    # A draft's newly added line has its Delete box like the saved ones.
    draft = Invoice.objects.filter(state=Invoice.State.DRAFT, client=client).first()
    page.goto(f"{page.base_url}{draft.get_absolute_url()}")
    rows = page.locator("fieldset.line-row")
    expect(rows.last.get_by_label("Delete")).to_have_count(1)
    assert rows.last.locator("> *").count() == rows.first.locator("> *").count()
    screenshot(page, "demo-draft-new-line")

    # Bank review: the telephone bill is money going out, the client's transfer is booked.
    page.goto(f"{page.base_url}/bank/review/")
    expect(page.get_by_test_id("unmatched")).not_to_contain_text("Telekom")
    expect(page.get_by_test_id("outgoing")).to_contain_text("Telekom Deutschland GmbH")
    expect(page.get_by_test_id("outgoing").get_by_role("button", name="Assign to invoices")
           ).to_have_count(0)
    expect(page.get_by_test_id("booked")).to_contain_text("Nordlicht Kommunikation GmbH")
    screenshot(page, "demo-bank-review")
