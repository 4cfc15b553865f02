"""Rapport on a phone (390 × 844): the navigation folds into a "Menu" button, and the
dashboard, a client, an invoice and client health fit the screen in German and English —
nothing scrolls sideways. On a laptop the full navigation stays in view."""

import pytest
from django.db.models import Count
from playwright.sync_api import expect

from rapport.billing.models import Invoice
from rapport.clients.models import Client
from rapport.front.demo import DEMO_EMAIL, DEMO_PASSWORD, build_demo
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# Which elements stick out past the right edge (not counting those inside a box that scrolls
# or clips), so a failure says where to look.
OVERFLOWING = """(limit) => {
  const contained = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > limit + 0.5 && !contained(el))
    .slice(0, 8)
    .map((el) => `${el.tagName.toLowerCase()}.${el.getAttribute("class")} right=${Math.round(
      el.getBoundingClientRect().right)} "${(el.textContent || "").trim().slice(0, 40)}"`);
}"""


def _fits_the_screen(page, name: str) -> None:
    page.wait_for_load_state("load")
    # A phone zooms out a page that is too wide, which widens innerWidth with it: measure
    # against the phone's own width as well.
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    inner_width = min(inner_width, PHONE["width"])
    overflowing = page.evaluate(OVERFLOWING, inner_width)
    screenshot(page, f"phone-{name}")
    assert scroll_width <= inner_width and not overflowing, (
        f"{name} is {scroll_width}px wide on a {inner_width}px phone: {overflowing}")


def _chart_stays_readable(page, testid: str) -> None:
    """Squeezed to 358 px its labels would be 6 px high: it keeps its size and scrolls."""
    chart = page.get_by_test_id(testid)
    assert chart.bounding_box()["width"] >= 600
    assert chart.evaluate("svg => svg.parentElement.scrollWidth > svg.parentElement.clientWidth")


def _menu_is_folded(page, first_link: str) -> None:
    menu = page.get_by_test_id("nav-toggle")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name=first_link, exact=True)).to_be_hidden()


def _log_in(page) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("Email address").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_on_a_phone_the_menu_folds_away_and_no_page_scrolls_sideways(browser, live_server):
    build_demo(reset=True)
    client = Client.objects.get(name="Meridian Lane Events, Inc.")
    invoice = (Invoice.objects.exclude(number="").annotate(n=Count("lines"))
               .order_by("-n", "pk").first())
    pages = {
        "dashboard": "/",
        "client": f"/clients/{client.pk}/",
        "invoice": f"/invoices/{invoice.pk}/",
        "health": "/health/",
        "client-health": f"/health/clients/{client.pk}/",
    }
    context = browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True,
                                  has_touch=True, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    _log_in(page)

    # The demo user reads German: a "Menü" button instead of two screens of links.
    menu = page.get_by_test_id("nav-toggle")
    expect(menu).to_have_text("Menü")
    _menu_is_folded(page, "Kunden")
    header_height = page.get_by_role("banner").bounding_box()["height"]
    assert header_height < 120, f"the folded header is still {header_height}px tall"
    for name, path in pages.items():
        page.goto(f"{page.base_url}{path}")
        _menu_is_folded(page, "Kunden")
        _fits_the_screen(page, f"{name}-de")
        if name == "health":
            _chart_stays_readable(page, "portfolio-chart")

    # Opening the menu shows every link (and the timer, workspace and language); Escape folds it.
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    for link in ("Übersicht", "Kunden", "Rechnungen", "Bank", "Gesundheit", "Zeit"):
        expect(page.get_by_role("link", name=link, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="EN", exact=True)).to_be_visible()
    _fits_the_screen(page, "menu-open-de")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(page.get_by_role("link", name="Kunden", exact=True)).to_be_hidden()

    # The header timer lives in the menu too: started there, it shows as a dot on the button.
    menu.click()
    page.get_by_test_id("timer-client").focus()  # the names load when the select is used
    page.get_by_test_id("timer-client").select_option(label="Meridian Lane Events, Inc.")
    page.get_by_test_id("timer-start").click()
    _menu_is_folded(page, "Kunden")
    dot = "b => getComputedStyle(b, '::after').backgroundColor"
    expect(page.get_by_test_id("timer-running")).to_be_hidden()
    assert page.get_by_test_id("nav-toggle").evaluate(dot) == "rgb(198, 40, 40)"
    page.get_by_test_id("nav-toggle").click()
    expect(page.get_by_test_id("timer-running")).to_contain_text("Meridian Lane Events, Inc.")
    _fits_the_screen(page, "timer-running-de")
    page.get_by_test_id("timer-stop").click()
    expect(page.get_by_test_id("timer-running")).to_have_count(0)
    assert page.get_by_test_id("nav-toggle").evaluate(dot) != "rgb(198, 40, 40)"

    # By keyboard: Enter opens the menu, the language switch inside it turns the app English.
    menu = page.get_by_test_id("nav-toggle")
    menu.press("Enter")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_test_id("nav-toggle")).to_have_text("Menu")
    for name, path in pages.items():
        page.goto(f"{page.base_url}{path}")
        _menu_is_folded(page, "Clients")
        _fits_the_screen(page, f"{name}-en")

    # The menu leads somewhere: open it and go to the invoices.
    page.get_by_test_id("nav-toggle").click()
    page.get_by_role("link", name="Invoices", exact=True).click()
    page.wait_for_url(f"{page.base_url}/invoices/")
    _fits_the_screen(page, "invoices-en")
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def test_on_a_laptop_the_whole_navigation_stays_in_view(page):
    build_demo(reset=True)
    _log_in(page)
    expect(page.get_by_test_id("nav-toggle")).to_be_hidden()
    for link in ("Übersicht", "Kunden", "Rechnungen", "Bank", "Gesundheit", "Angebote", "Zeit"):
        expect(page.get_by_role("link", name=link, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="EN", exact=True)).to_be_visible()
    screenshot(page, "laptop-nav-de")
    # German labels are longer, yet the header keeps to one row at 1280 px, timer included.
    items = page.locator(".site-nav a, .site-nav summary, .site-nav .lang").evaluate_all(
        "els => els.filter(e => e.checkVisibility()).map(e => [e.textContent.trim(),"
        " Math.round(e.getBoundingClientRect().top)])")
    tops = [top for _text, top in items]
    assert max(tops) - min(tops) < 20, f"the header wraps onto several rows: {items}"
    # A running timer (client, elapsed time, stop) takes no more room than the idle one.
    page.get_by_test_id("timer-client").focus()
    page.get_by_test_id("timer-client").select_option(label="Meridian Lane Events, Inc.")
    page.get_by_test_id("timer-start").click()
    expect(page.get_by_test_id("timer-running")).to_be_visible()
    items = page.locator(".site-nav a, .site-nav summary, .site-nav .lang").evaluate_all(
        "els => els.filter(e => e.checkVisibility()).map(e => [e.textContent.trim(),"
        " Math.round(e.getBoundingClientRect().top)])")
    tops = [top for _text, top in items]
    screenshot(page, "laptop-nav-timer-de")
    assert max(tops) - min(tops) < 20, f"with a running timer the header wraps: {items}"
    page.get_by_test_id("timer-stop").click()


def test_on_a_phone_without_javascript_the_links_simply_show(browser, live_server):
    build_demo(reset=True)
    context = browser.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.base_url = live_server.url
    _log_in(page)
    expect(page.get_by_test_id("nav-toggle")).to_be_hidden()
    for link in ("Übersicht", "Kunden", "Rechnungen", "Bank", "Gesundheit", "Zeit"):
        expect(page.get_by_role("link", name=link, exact=True)).to_be_visible()
    _fits_the_screen(page, "no-javascript-de")
    context.close()
