"""The health overview of a busy freelancer: 32 active clients, too many for one page.
She pages through the table, filters it to the red clients and searches a client by
name; the counts and the chart keep speaking of everyone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_client, make_workspace
from tests.health.helpers import signal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNTS = "4 with a warning sign present, 3 to watch, 25 without signs."


def _busy_portfolio(workspace):
    """Four slow payers, three hagglers to watch, twenty-five calm clients."""
    red = [make_client(workspace, name) for name in
           ("Möbel Brandt KG", "Druckerei Ahrens", "Bäckerei Lindner", "Kanzlei Roth")]
    amber = [make_client(workspace, name) for name in
             ("Feinkost Valentin", "Autohaus Kern", "Galerie Sommer")]
    calm = [make_client(workspace, f"Ruhige Kundschaft {n:02d}") for n in range(25)]
    for client in red + amber + calm:
        client.change_status("active")
    for client in red:
        for days in (5, 33, 61):
            signal(client, "slow_payment", days)
    for client in amber:
        signal(client, "haggling", 4)
        signal(client, "scope_creep", 40)
    return red, amber, calm


def _rows(page):
    return page.get_by_test_id("portfolio").locator("tbody tr")


def test_paging_filtering_and_searching_the_health_overview(page, django_user_model):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en")
    workspace = make_workspace(user, name="Lena Text")
    red, amber, calm = _busy_portfolio(workspace)

    log_in(page, "lena@example.com")
    page.get_by_role("link", name="Health", exact=True).first.click()
    expect(page.get_by_test_id("health-counts")).to_have_text(COUNTS)
    # Worst first, 25 to a page; the chart shows all 32 clients.
    expect(_rows(page)).to_have_count(25)
    expect(_rows(page).first.get_by_test_id("health-status")).to_have_text("red")
    expect(page.get_by_test_id("portfolio-chart").locator("circle")).to_have_count(32)
    pages = page.get_by_test_id("health-pages")
    expect(pages).to_contain_text("Page 1 of 2")

    pages.get_by_role("link", name="Next").click()
    expect(page.get_by_test_id("health-pages")).to_contain_text("Page 2 of 2")
    expect(_rows(page)).to_have_count(7)
    expect(page.get_by_test_id("health-counts")).to_have_text(COUNTS)
    screenshot(page, "health-overview-page-2")

    # Only the red ones: four rows, every one red; the counts still cover everyone.
    page.get_by_label("Status").select_option(label="Red: a warning sign present")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("health-matching")).to_have_text("4 clients match.")
    expect(_rows(page)).to_have_count(4)
    for n in range(4):
        expect(_rows(page).nth(n).get_by_test_id("health-status")).to_have_text("red")
    expect(page.get_by_test_id("health-counts")).to_have_text(COUNTS)
    expect(page.get_by_test_id("health-pages")).to_have_count(0)
    expect(page.get_by_test_id("portfolio-chart").locator("circle")).to_have_count(32)
    screenshot(page, "health-overview-filtered-red")

    # A name, whatever its case, among every status.
    page.get_by_label("Status").select_option(label="All")
    page.get_by_label("Client", exact=True).fill("brandt")
    page.get_by_role("button", name="Filter").click()
    expect(_rows(page)).to_have_count(1)
    expect(page.get_by_test_id(f"health-row-{red[0].pk}")).to_contain_text("Möbel Brandt KG")
    expect(page.get_by_test_id("health-matching")).to_have_text("1 client matches.")

    page.get_by_label("Client", exact=True).fill("nobody like this")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("empty")).to_have_text("No clients match.")

    page.get_by_role("link", name="Show all clients").click()
    expect(_rows(page)).to_have_count(25)
    expect(page.get_by_label("Client", exact=True)).to_have_value("")
