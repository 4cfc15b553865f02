"""Empty lists say what the page is for and offer the first action."""

from __future__ import annotations

import pytest

from tests.conftest import make_client

pytestmark = pytest.mark.django_db


def test_an_empty_client_list_explains_clients_and_offers_to_add_one(owner_http):
    page = owner_http.get("/clients/").content.decode()
    assert "Clients are the people and companies you work for" in page
    assert 'href="/clients/new/">Add a client</a></td>' in page


def test_a_search_without_results_says_nothing_matches(owner_http, workspace):
    make_client(workspace, "Acme GmbH")
    page = owner_http.get("/clients/?q=zzz").content.decode()
    assert "No clients match." in page
    assert "Clients are the people" not in page


def test_an_empty_invoice_list_explains_itself_and_offers_the_first_invoice(owner_http):
    page = owner_http.get("/invoices/").content.decode()
    assert "Here you write invoices" in page
    assert 'href="/invoices/new/">Write your first invoice</a>' in page
    filtered = owner_http.get("/invoices/?status=overdue").content.decode()
    assert "No invoices match." in filtered


def test_an_empty_proposal_list_offers_the_first_proposal(owner_http):
    page = owner_http.get("/proposals/").content.decode()
    assert 'href="/proposals/new/">Write your first proposal</a>' in page


def test_new_invoice_without_clients_offers_to_add_one_instead_of_an_empty_list(owner_http):
    page = owner_http.get("/invoices/new/").content.decode()
    assert 'data-testid="no-clients"' in page
    assert "<select" not in page.split('data-testid="no-clients"')[1]


def test_the_empty_states_read_in_german(owner_http, owner):
    owner.language = "de"
    owner.save()
    assert "Kunden sind die Menschen" in owner_http.get("/clients/").content.decode()
    assert "Erste Rechnung schreiben" in owner_http.get("/invoices/").content.decode()
    assert "Kunde hinzufügen" in owner_http.get("/invoices/new/").content.decode()
