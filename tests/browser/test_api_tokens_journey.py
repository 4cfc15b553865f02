"""A freelancer creates an API token on the settings page, a script uses it, the
freelancer revokes it and the script is locked out; the API documentation is served by
the site itself under its Content-Security-Policy."""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from rapport.accounts.models import User
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_client, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _call(base_url: str, path: str, secret: str) -> tuple[int, dict]:
    request = urllib.request.Request(f"{base_url}/api/v1/{path}",
                                     headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_a_token_created_on_the_page_works_until_it_is_revoked(page):
    owner = User.objects.create_user("lena@example.com", PASSWORD, name="Lena Text",
                                     language="en")
    workspace = make_workspace(owner, name="Lena Text Studio")
    make_client(workspace, "Kranich Verlag GmbH")

    log_in(page, "lena@example.com")
    page.locator("nav summary", has_text="Lena Text Studio").click()  # the workspace menu
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    page.get_by_label("Name").fill("Accounting export")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_test_id("new-token")).to_contain_text("shown only this once")
    secret = page.get_by_test_id("token-secret").inner_text().strip()
    assert secret.startswith("rap_")
    screenshot(page, "api-token-created")

    status, body = _call(page.base_url, "clients", secret)
    assert status == 200
    assert [c["name"] for c in body["items"]] == ["Kranich Verlag GmbH"]

    page.reload()  # the secret is not shown again; when it was last used is
    expect(page.get_by_test_id("token-secret")).to_have_count(0)
    row = page.get_by_test_id("token-row")
    expect(row).to_contain_text("Accounting export")
    expect(row).to_contain_text("Read and write")
    expect(row).not_to_contain_text("never")

    row.get_by_role("link", name="Revoke").click()
    expect(page.get_by_role("heading", name="Revoke the token “Accounting export”?")
           ).to_be_visible()
    screenshot(page, "api-token-revoke-confirm")
    page.get_by_role("button", name="Yes, revoke").click()
    expect(page.get_by_text("Token “Accounting export” revoked.")).to_be_visible()
    expect(page.get_by_test_id("token-row")).to_contain_text("revoked")
    screenshot(page, "api-token-revoked")

    status, body = _call(page.base_url, "clients", secret)
    assert status == 401 and body["error"]["code"] == "unauthenticated"


def test_the_token_page_speaks_german(page):
    owner = User.objects.create_user("jan@example.com", PASSWORD, name="Jan", language="de")
    make_workspace(owner, name="Jan Design")
    log_in(page, "jan@example.com")
    page.goto(f"{page.base_url}/api/tokens/")
    expect(page.get_by_role("heading", name="API-Tokens")).to_be_visible()
    page.get_by_label("Name").fill("Export")
    page.get_by_role("button", name="Token erstellen").click()
    expect(page.get_by_test_id("new-token")).to_contain_text("nur dieses eine Mal")
    screenshot(page, "api-token-created-de")


def test_the_api_documentation_loads_from_this_site(page):
    page.goto(f"{page.base_url}/api/v1/docs")
    # The page builds itself from the schema, which the server generates on first request.
    expect(page.get_by_text("Rapport API")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("/api/v1/invoices/{invoice_id}/issue")).to_be_visible()
    screenshot(page, "api-docs")
