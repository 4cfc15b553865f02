"""The demo a newcomer sees after `make demo`: log in with the printed login and look around."""

import pytest
from playwright.sync_api import expect

from rapport.front.demo import DEMO_EMAIL, DEMO_PASSWORD, build_demo
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_login_shows_a_lived_in_workspace(page):
    build_demo(reset=True)
    page.goto(f"{page.base_url}/")
    # Not logged in: every page leads to the login form (in the demo user's browser: English).
    page.get_by_label("Email address").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # The demo user reads German.
    expect(page.get_by_role("heading", name="Lena Hoffmann · Text & Gestaltung")).to_be_visible()
    expect(page.get_by_text("Letzte Vorfälle")).to_be_visible()
    screenshot(page, "demo-dashboard-de")

    page.get_by_role("link", name="Kunden", exact=True).click()
    page.get_by_label("Status").select_option("active")
    expect(page.locator("#client-rows")).not_to_contain_text("Radwerk Kollektiv")
    page.get_by_role("link", name="Meridian Lane Events, Inc.").click()
    expect(page.locator(".timeline li.kind-incident").first).to_be_visible()
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    screenshot(page, "demo-client-en")
