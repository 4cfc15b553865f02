"""On a phone a table's rows stack into cards and its header row is hidden: every cell
below the first then carries its column's name ("Incidents 1", not a bare "1"), in
English and in German."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_client, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABEL = "el => getComputedStyle(el, '::before').content"


@pytest.mark.parametrize(("language", "incidents", "status"), [
    ("en", "Incidents", "Status"), ("de", "Vorfälle", "Status")])
def test_stacked_rows_on_a_phone_name_each_value(page, django_user_model, language,
                                                 incidents, status):
    user = django_user_model.objects.create_user(f"lena-{language}@hoffmann.example",
                                                 PASSWORD, language=language)
    workspace = make_workspace(user, name="Lena Hoffmann Text")
    make_client(workspace, "Feinkost Valentin GmbH")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, user.email)
    page.goto(f"{page.base_url}/clients/")
    row = page.locator("table.responsive tbody tr").first
    expect(row).to_contain_text("Feinkost Valentin GmbH")
    cells = row.locator("td")
    assert cells.nth(0).evaluate(LABEL) in ("none", "normal")  # the name speaks for itself
    assert incidents in cells.nth(3).evaluate(LABEL)
    assert status in cells.nth(1).evaluate(LABEL)
    screenshot(page, f"phone-table-labels-{language}")
    page.set_viewport_size({"width": 1280, "height": 900})  # on a wide screen: the header
    assert cells.nth(3).evaluate(LABEL) in ("none", "normal")
