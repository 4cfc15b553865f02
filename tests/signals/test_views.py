"""The evidence pages and the dismiss/mute actions."""

from __future__ import annotations

import pytest

from rapport.signals import services
from rapport.signals.evidence import highlight
from rapport.signals.models import MutedKind, Signal
from tests.conftest import make_client
from tests.signals.helpers import at, message

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(workspace):
    return make_client(workspace, "Feinkost Valentin")


@pytest.fixture
def haggling(workspace, client):
    msg = message(workspace, client,
                  "Hallo,\n\n<script>alert(1)</script> Das ist uns zu teuer.\n\nGruß\nKarin",
                  at(2026, 11, 4, 10))
    return services.detect_for_message(msg)[0]


def test_the_index_lists_clients_with_signals(owner_http, haggling):
    page = owner_http.get("/signals/").content.decode()
    assert "Feinkost Valentin" in page and "?kind=haggling" in page


def test_the_client_page_highlights_the_escaped_evidence(owner_http, client, haggling):
    page = owner_http.get(f"/signals/clients/{client.pk}/?kind=haggling").content.decode()
    assert "<mark>zu teuer</mark>" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert f"/inbox/messages/{haggling.source_id}/" in page


def test_highlight_escapes_the_span_too():
    html = highlight("a <b>x</b> c", 2, 10)
    assert html == "a <mark>&lt;b&gt;x&lt;/b&gt;</mark> c"


def test_dismissing_hides_the_signal(owner_http, client, haggling):
    response = owner_http.post(f"/signals/{haggling.pk}/dismiss/")
    assert response.status_code == 302
    assert Signal.objects.get(pk=haggling.pk).dismissed_at is not None
    page = owner_http.get(f"/signals/clients/{client.pk}/").content.decode()
    assert "zu teuer" not in page
    page = owner_http.get(f"/signals/clients/{client.pk}/?dismissed=1").content.decode()
    assert "zu teuer" in page
    owner_http.post(f"/signals/{haggling.pk}/restore/")
    assert Signal.objects.get(pk=haggling.pk).dismissed_at is None


def test_dismiss_needs_post(owner_http, haggling):
    assert owner_http.get(f"/signals/{haggling.pk}/dismiss/").status_code == 405


def test_muting_a_kind_for_the_client(owner_http, client, haggling):
    owner_http.post(f"/signals/clients/{client.pk}/mute/", {"kind": "haggling"})
    assert MutedKind.objects.filter(client=client, kind="haggling").exists()
    page = owner_http.get(f"/signals/clients/{client.pk}/").content.decode()
    assert "zu teuer" not in page
    owner_http.post(f"/signals/clients/{client.pk}/mute/", {"kind": "nonsense"})
    assert MutedKind.objects.count() == 1
    owner_http.post(f"/signals/clients/{client.pk}/unmute/", {"kind": "haggling"})
    assert not MutedKind.objects.exists()


def test_an_outside_redirect_target_is_ignored(owner_http, client, haggling):
    response = owner_http.post(f"/signals/{haggling.pk}/dismiss/",
                               {"next": "https://evil.example/"})
    assert response["Location"] == f"/signals/clients/{client.pk}/"
