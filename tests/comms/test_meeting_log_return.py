"""The call log form returns to the page it was opened from, never to another site."""

from __future__ import annotations

from tests.comms.helpers import kranich

LOG = {"held_on": "2026-11-20", "planned_minutes": 30, "actual_minutes": 25,
       "agenda_minutes": 20, "off_topic_minutes": 5}


def test_the_log_form_on_the_client_page_returns_to_the_client_page(owner_http, workspace):
    client = kranich(workspace)
    fragment = owner_http.get(f"/inbox/clients/{client.pk}/fragment/").content.decode()
    assert f'name="next" value="{client.get_absolute_url()}"' in fragment
    response = owner_http.post(f"/inbox/clients/{client.pk}/log/",
                               {**LOG, "next": client.get_absolute_url()})
    assert response.url == client.get_absolute_url()
    page = owner_http.get(response.url).content.decode()
    assert "Meeting logged." in page


def test_a_foreign_next_address_is_ignored(owner_http, workspace):
    client = kranich(workspace)
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = owner_http.post(f"/inbox/clients/{client.pk}/log/",
                                   {**LOG, "next": target})
        assert response.url == f"/inbox/clients/{client.pk}/"


def test_an_invalid_log_keeps_where_to_return(owner_http, workspace):
    client = kranich(workspace)
    response = owner_http.post(f"/inbox/clients/{client.pk}/log/", {
        **LOG, "actual_minutes": 10, "next": client.get_absolute_url()})
    assert response.status_code == 422
    assert f'name="next" value="{client.get_absolute_url()}"' in response.content.decode()
