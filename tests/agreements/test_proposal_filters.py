"""The proposal list: status and search in the database, paged with the filters kept."""

import pytest

from rapport.agreements import filters
from rapport.agreements.models import Proposal
from tests.agreements.factories import make_proposal, sent_proposal
from tests.conftest import make_client, make_workspace

pytestmark = pytest.mark.django_db


def titles(workspace, **chosen):
    return {p.title for p in filters.proposals(workspace, chosen)}


def test_status_and_search_narrow_the_proposals(workspace, outsider):
    kranich = make_client(workspace, "Kranich Verlag")
    valentin = make_client(workspace, "Feinkost Valentin")
    make_proposal(kranich, title="Annual report")
    sent_proposal(valentin)
    make_proposal(make_client(make_workspace(outsider, "Elsewhere"), "Not ours"), title="Other")
    assert titles(workspace) == {"Annual report", "Blog posts 2027"}
    assert titles(workspace, status=Proposal.Status.SENT) == {"Blog posts 2027"}
    assert titles(workspace, status=Proposal.Status.DRAFT) == {"Annual report"}
    assert titles(workspace, q="valentin") == {"Blog posts 2027"}
    assert titles(workspace, q="REPORT") == {"Annual report"}


def test_the_list_pages_and_the_pager_keeps_the_filters(owner_http, workspace):
    client = make_client(workspace, "Kranich Verlag")
    for n in range(27):
        make_proposal(client, title=f"Chapter {n:02d}")
    html = owner_http.get("/proposals/?status=draft&q=chapter").content.decode()
    assert "27 proposals" in html and "Page 1 of 2" in html
    assert "?status=draft&amp;q=chapter&amp;page=2" in html
    assert "Chapter 26" in html and "Chapter 01" not in html  # newest first
    later = owner_http.get("/proposals/?status=draft&q=chapter&page=2").content.decode()
    assert "Chapter 01" in later and "Chapter 00" in later
    nothing = owner_http.get("/proposals/?status=accepted").content.decode()
    assert "No proposals match." in nothing
