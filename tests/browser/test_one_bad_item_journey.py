"""One bad item stays its own problem, in the browser: a logo past the upload limit is
refused with the limit named (in German) and the typed settings stay in the form; a
client whose health cannot be reassessed keeps its last assessment, said so on the page,
while the others are up to date."""

import pytest
from playwright.sync_api import expect

from rapport.billing.models import BillingSettings
from rapport.health import assessment, snapshots
from rapport.health.models import HealthSnapshot
from rapport.health.snapshots import mark_dirty
from rapport.health.tasks import refresh_health
from tests.billing.factories import make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_client, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_logo_past_the_upload_limit_is_refused_in_german_and_the_form_is_kept(
        page, django_user_model, settings, tmp_path):
    settings.RAPPORT_MAX_UPLOAD_MB = 1
    settings.MEDIA_ROOT = tmp_path / "media"
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="de")
    make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    big = tmp_path / "logo.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024 + 100))
    log_in(page, "lena@example.com")

    page.goto(f"{page.base_url}/invoices/settings/")
    page.get_by_label("Fußzeile").fill("Danke für Ihren Auftrag")
    page.get_by_label("Logo").set_input_files(str(big))
    page.get_by_role("button", name="Einstellungen speichern").click()
    expect(page.get_by_text("Die Datei ist größer als 1 MB, mehr nimmt ein Upload nicht an.")
           ).to_be_visible()
    expect(page.get_by_label("Fußzeile")).to_have_value("Danke für Ihren Auftrag")
    screenshot(page, "upload-limit-logo-de")
    assert not BillingSettings.objects.filter(footer_text="Danke für Ihren Auftrag").exists()


def test_a_client_whose_health_cannot_be_updated_shows_its_last_assessment(
        page, django_user_model, monkeypatch):
    user = django_user_model.objects.create_user("mara@example.com", PASSWORD, language="en")
    workspace = make_workspace(user, name="Mara Berg Text")
    broken, fine = make_client(workspace, "Kranich Verlag"), make_client(workspace, "Möbel Brandt")
    for client in (broken, fine):
        client.change_status("active")
    refresh_health.call()
    real = assessment.assess

    def failing_for_broken(client, facts):
        if client.pk == broken.pk:
            raise ValueError("unexpected data")
        return real(client, facts)

    monkeypatch.setattr(snapshots, "assess", failing_for_broken)
    monkeypatch.setattr(assessment, "assess", failing_for_broken)
    mark_dirty([broken.pk, fine.pk])
    refresh_health.call()
    assert HealthSnapshot.objects.get(client=broken).update_failed_at is not None
    log_in(page, "mara@example.com")

    page.goto(f"{page.base_url}/health/")
    alert = page.get_by_test_id("update-failed")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("The health of Kranich Verlag could not be updated")
    expect(page.get_by_test_id("portfolio")).to_contain_text("Möbel Brandt")
    screenshot(page, "health-not-updated-overview")

    page.goto(f"{page.base_url}/health/clients/{broken.pk}/")
    expect(page.get_by_test_id("update-failed")).to_contain_text(
        "The assessment could not be updated with the latest facts")
    screenshot(page, "health-not-updated-client")
