"""The prospect list: everyone being vetted or decided, by status and search, paged."""

import pytest

from rapport.clients.models import Client
from rapport.intake import filters, services
from tests.conftest import make_client

pytestmark = pytest.mark.django_db


def names(workspace, **chosen):
    return [c.name for c in filters.prospects(workspace, chosen)]


def test_prospects_to_interview_come_first_then_those_vetted_then_the_decided(workspace, owner):
    services.create_prospect(workspace, name="Radwerk eG", contact_name="Merve",
                             email="merve@radwerk.example", language="en", by=owner)
    make_client(workspace, "Kranich Verlag")  # a prospect without an interview yet
    hired = make_client(workspace, "Feinkost Valentin")
    services.start_interview(hired, by=owner)
    hired.change_status(Client.Status.ACTIVE, by=owner)
    make_client(workspace, "Never vetted", status=Client.Status.ACTIVE)
    assert names(workspace) == ["Kranich Verlag", "Radwerk eG", "Feinkost Valentin"]
    assert names(workspace, status=filters.VETTING) == ["Kranich Verlag", "Radwerk eG"]
    assert names(workspace, status=filters.ACCEPTED) == ["Feinkost Valentin"]
    assert names(workspace, status=filters.DECLINED) == []
    assert names(workspace, q="merve@") == ["Radwerk eG"]
    row = filters.prospects(workspace, {"q": "radwerk"}).get()
    assert row.interview_pk and row.interview_state == "draft"


def test_the_list_pages_and_keeps_the_filters(owner_http, workspace):
    Client.objects.bulk_create(Client(workspace=workspace, name=f"Prospect {n:02d}")
                               for n in range(30))
    html = owner_http.get("/prospects/?status=vetting&q=prospect").content.decode()
    assert "30 prospects" in html and "Page 1 of 2" in html
    assert "?status=vetting&amp;q=prospect&amp;page=2" in html
    later = owner_http.get("/prospects/?status=vetting&q=prospect&page=2").content.decode()
    assert "Prospect 29" in later and "Prospect 00" not in later
