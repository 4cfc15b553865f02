"""Three lines added with "Save and add another line" are numbered 1, 2, 3."""

import pytest
from playwright.sync_api import expect

from rapport.billing import services
from rapport.billing.models import Invoice
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lines_added_one_after_another_are_numbered_in_order(page, django_user_model):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    draft = services.new_draft(workspace, billable_client(workspace, "Kranich Verlag GmbH"))
    log_in(page, "lena@example.com")
    page.goto(f"{page.base_url}{draft.get_absolute_url()}")

    for description, price in (("Konzept", "400"), ("Entwurf", "800"),
                               ("Reinzeichnung", "300")):
        row = page.locator("fieldset.line-row").last
        row.get_by_label("Description").fill(description)
        row.get_by_label("Quantity").fill("1")
        row.get_by_label("Unit price").fill(price)
        page.get_by_role("button", name="Save and add another line").click()
        expect(page.locator("table.lines")).to_contain_text(description)

    positions = page.get_by_test_id("line-position")
    expect(positions).to_have_text(["1", "2", "3"])
    expect(page.locator("table.lines tbody tr").nth(1)).to_contain_text("Entwurf")
    screenshot(page, "invoice-line-positions")
    invoice = Invoice.objects.get(pk=draft.pk)
    assert list(invoice.lines.values_list("position", "description")) == [
        (1, "Konzept"), (2, "Entwurf"), (3, "Reinzeichnung")]
