"""Without a worker, the dashboard says so plainly — in German for a German user — and
tells how to start one."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_warns_in_german_when_no_worker_runs(page, django_user_model):
    user = django_user_model.objects.create_user("jonas@grafik.example", PASSWORD,
                                                 language="de")
    make_workspace(user, name="Jonas Grafik")
    log_in(page, "jonas@grafik.example")
    warning = page.get_by_test_id("background-warning")
    expect(warning).to_contain_text("Es lief noch keine Hintergrundverarbeitung.")
    expect(warning).to_contain_text("rapport serve")
    expect(page.get_by_test_id("background")).to_contain_text("läuft nicht")
    screenshot(page, "dashboard-background-warning-de")
