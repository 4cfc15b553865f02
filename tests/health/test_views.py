"""The health pages: portfolio, client health, dismissing, enjoyment, settings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.health.models import Enjoyment, HealthSettings
from rapport.signals.models import Signal
from tests.conftest import make_client
from tests.health.helpers import signal

pytestmark = pytest.mark.django_db


def _active(workspace, name):
    client = make_client(workspace, name)
    client.change_status("active")
    return client


def test_portfolio_shows_every_client_with_a_chart(owner_http, workspace):
    red = _active(workspace, "Redwood")
    _active(workspace, "Greenfield")
    for days in (3, 10, 20):
        signal(red, "slow_payment", days)
    page = owner_http.get("/health/").content.decode()
    assert "Redwood" in page and "Greenfield" in page
    assert 'data-testid="portfolio-chart"' in page and "<svg" in page
    assert f'href="/health/clients/{red.pk}/"' in page


def test_portfolio_queries_do_not_grow_with_the_number_of_clients(owner_http, workspace):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert owner_http.get("/health/").status_code == 200
        return len(queries)

    for i in range(2):
        signal(_active(workspace, f"C{i}"), "urgency", 2)
    count()  # warm up: the settings row is created on the first visit
    few = count()  # read from the stored snapshots

    def add(first: int, last: int) -> None:
        for i in range(first, last):
            client = _active(workspace, f"C{i}")
            signal(client, "urgency", 2)
            Enjoyment.objects.create(workspace=workspace, client=client, rating=3)

    add(2, 4)
    assessing_two = count()  # two new clients assessed and stored
    add(4, 24)
    assert count() == assessing_two  # twenty new clients: the same queries
    assert count() == few


def test_portfolio_reassesses_only_what_changed(owner_http, workspace):
    from rapport.health.models import HealthSnapshot

    calm, busy = _active(workspace, "Calm"), _active(workspace, "Busy")
    signal(busy, "urgency", 2)
    owner_http.get("/health/")
    before = {s.client_id: s.computed_at for s in HealthSnapshot.objects.all()}
    assert set(before) == {calm.pk, busy.pk}
    for days in (3, 4, 5, 6):
        signal(busy, "slow_payment", days)
    page = owner_http.get("/health/").content.decode()
    after = {s.client_id: s.computed_at for s in HealthSnapshot.objects.all()}
    assert after[calm.pk] == before[calm.pk] and after[busy.pk] > before[busy.pk]
    row = page.split(f'data-testid="health-row-{busy.pk}"')[1].split("</tr>")[0]
    assert "Slow to pay" in row


def test_client_page_shows_signs_evidence_links_and_dismiss(owner_http, workspace):
    client = _active(workspace, "Redwood")
    signals = [signal(client, "slow_payment", d, explanation=f"Invoice {d} late")
               for d in (3, 10, 20)]
    page = owner_http.get(f"/health/clients/{client.pk}/").content.decode()
    assert "Invoice 10 late" in page
    assert f"/signals/clients/{client.pk}/?kind=slow_payment" in page
    assert "Plan the exit" in page
    assert "key=late_fee_policy" in page
    assert f'action="/signals/{signals[0].pk}/dismiss/"' in page  # the one dismiss endpoint
    back = f"/health/clients/{client.pk}/"
    response = owner_http.post(f"/signals/{signals[0].pk}/dismiss/", {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert Signal.objects.get(pk=signals[0].pk).dismissed_at is not None
    page = owner_http.get(f"/health/clients/{client.pk}/").content.decode()
    assert "Invoice 3 late" not in page
    assert "Plan the exit" not in page


def test_enjoyment_is_saved_and_validated(owner_http, client_obj):
    url = f"/health/clients/{client_obj.pk}/enjoyment/"
    owner_http.post(url, {"rating": "4", "note": "Nice"})
    assert Enjoyment.objects.get(client=client_obj).rating == 4
    owner_http.post(url, {"rating": "9"})
    assert Enjoyment.objects.get(client=client_obj).rating == 4


def test_settings_page_stores_only_the_changed_weights(owner_http, workspace):
    page = owner_http.get("/health/settings/").content.decode()
    assert "w__slow_to_pay__kinds__kept_promise" in page
    from rapport.health.forms import HealthSettingsForm

    data = {name: field.initial for name, field in
            HealthSettingsForm(instance=HealthSettings(workspace=workspace)).fields.items()
            if name.startswith("w__")}
    data.update({"window_days": 60, "watch_threshold": "1.5", "present_threshold": "4",
                 "after_hours_share": "30", "w__everything_for_nothing__kinds__haggling": "2"})
    assert owner_http.post("/health/settings/", data).status_code == 302
    settings = HealthSettings.objects.get(workspace=workspace)
    assert settings.window_days == 60 and settings.after_hours_share == 30
    assert settings.weights == {"everything_for_nothing": {"kinds": {"haggling": 2.0}}}


def test_settings_refuse_a_present_threshold_below_watch(owner_http, workspace):
    from rapport.health.forms import HealthSettingsForm

    form = HealthSettingsForm({"window_days": 90, "watch_threshold": "3",
                               "present_threshold": "1", "after_hours_share": "25"},
                              instance=HealthSettings(workspace=workspace))
    assert not form.is_valid()
    assert "present_threshold" in form.errors


def test_dashboard_summary_tag_lists_the_clients_that_need_attention(rf, owner, workspace):
    from django.template import Context, Template

    red = _active(workspace, "Redwood")
    _active(workspace, "Greenfield")
    for days in (3, 10, 20):
        signal(red, "slow_payment", days)
    request = rf.get("/")
    request.workspace, request.user = workspace, owner
    html = Template("{% load health %}{% health_summary %}").render(Context({"request": request}))
    assert "Redwood" in html and "Slow to pay" in html and "Greenfield" not in html
    assert "1 with a warning sign present" in html


def test_the_overview_escapes_client_names_and_shortens_what_changed(owner_http, workspace):
    from rapport.health.views import CHANGED_SHOWN

    bad = _active(workspace, '<script>alert("x")</script> GmbH')
    signal(bad, "slow_payment", 2)
    for i in range(CHANGED_SHOWN + 2):
        signal(_active(workspace, f"Kunde {i:02d}"), "urgency", 1)
    page = owner_http.get("/health/").content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; GmbH" in page
    assert f'data-testid="health-row-{bad.pk}"' in page
    assert "… and 3 more clients with new signals." in page


def test_the_portfolio_chart_names_the_currency_its_revenue_axis_is_in(owner_http, workspace):
    workspace.default_currency = "CHF"
    workspace.save(update_fields=["default_currency"])
    _active(workspace, "Redwood")
    page = owner_http.get("/health/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Net revenue, last 12 months, in CHF" in page
