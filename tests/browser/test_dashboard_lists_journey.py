"""A busy freelancer's dashboard shows the longest-late invoices and the first pieces of
held work, and takes them to the full lists in one click."""

import pytest
from playwright.sync_api import expect

from rapport.front.views import OVERVIEW
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace
from tests.front.test_dashboard import _held, _invoices

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _pages_loaded():
    """Import every page's code before the browser asks for the first one, so a slow
    machine does not spend the first page's time limit on imports."""
    from django.urls import get_resolver

    assert get_resolver().url_patterns


def test_from_the_dashboard_to_every_overdue_invoice_and_all_held_work(page,
                                                                       django_user_model):
    user = django_user_model.objects.create_user("mara@text.example", PASSWORD)
    workspace = make_workspace(user, name="Mara Text")
    late = _invoices(workspace, OVERVIEW + 2)
    items = _held(workspace, OVERVIEW + 1)
    log_in(page, "mara@text.example")
    overdue = page.locator("article", has=page.get_by_text("Overdue invoices"))
    expect(overdue).to_contain_text(late[-1].number)  # the longest late comes first
    expect(overdue).not_to_contain_text(late[0].number)
    held = page.get_by_test_id("held")
    expect(held).to_contain_text(items[0].name)
    expect(held).not_to_contain_text(items[-1].name)
    screenshot(page, "dashboard-first-rows-and-see-all")

    page.get_by_test_id("all-overdue").click()
    expect(page).to_have_url(f"{page.base_url}/invoices/?status=overdue")
    expect(page.locator("main")).to_contain_text(late[0].number)

    page.go_back()
    page.get_by_test_id("all-held").click()
    expect(page.get_by_role("heading", name="Finished, held until paid")).to_be_visible()
    expect(page.get_by_test_id("held")).to_contain_text(items[-1].name)
    screenshot(page, "held-until-paid-all")
