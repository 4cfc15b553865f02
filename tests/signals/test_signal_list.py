"""The list of warning signs: one card per message with its signals as evidence, filtered
by client, kind and status in the database, a page at a time."""

import pytest

from rapport.signals import evidence, filters, services
from rapport.signals.models import Signal
from tests.conftest import make_client
from tests.signals.helpers import at, message

pytestmark = pytest.mark.django_db

TWO_SIGNS = ("Hallo Lena,\n\nwir brauchen das ASAP, es ist dringend!\n"
             "Ehrlich gesagt ist uns das zu teuer. Geht das auch günstiger?\n\nGruß\nKarin")


@pytest.fixture
def signals(workspace):
    kranich = make_client(workspace, "Kranich Verlag")
    valentin = make_client(workspace, "Feinkost Valentin")
    both = message(workspace, kranich, TWO_SIGNS, at(2026, 11, 4, 10), subject="Flyer")
    one = message(workspace, valentin, "Das ist uns zu teuer.", at(2026, 11, 5, 10),
                  subject="Preis")
    services.detect_for_message(both)
    services.detect_for_message(one)
    return kranich, valentin, both, one


def test_a_message_with_several_signs_is_one_card_with_all_of_them(workspace, signals):
    kranich, valentin, both, one = signals
    matching = filters.matching(workspace, {})
    kinds = set(Signal.objects.filter(source_id=both.pk).values_list("kind", flat=True))
    assert len(kinds) >= 2, kinds  # the example needs two kinds of sign in one message
    cards = evidence.cards(workspace, matching, evidence.sources(matching))
    assert [(c.message, c.client) for c in cards] == [(one, valentin), (both, kranich)]
    assert {s.kind for s in cards[1].signals} == kinds
    assert all("<mark>" in s.evidence_html for s in cards[1].signals)
    assert cards[1].url == f"/inbox/messages/{both.pk}/"


def test_filters_by_client_kind_and_status(workspace, signals):
    kranich, valentin, both, one = signals
    haggling = {"kind": "haggling"}
    assert set(filters.matching(workspace, {"client": valentin}).values_list(
        "source_id", flat=True)) == {one.pk}
    assert filters.matching(workspace, haggling).count() == 2
    dismissed = Signal.objects.get(source_id=one.pk, kind="haggling")
    services.dismiss(dismissed, None)
    assert filters.matching(workspace, haggling).count() == 1
    assert list(filters.matching(workspace, {**haggling, "status": "dismissed"})) == [dismissed]
    assert filters.matching(workspace, {**haggling, "status": "all"}).count() == 2
    counts = dict((kind, n) for kind, _label, n in filters.counts_by_kind(
        filters.matching(workspace, {"status": "all"})))
    assert counts["haggling"] == 2


def test_the_page_shows_cards_and_keeps_the_filters_while_paging(owner_http, workspace):
    client = make_client(workspace, "Kranich Verlag")
    for day in range(1, 29):
        services.detect_for_message(message(workspace, client, "Das ist uns zu teuer.",
                                            at(2026, 10, day, 10), subject=f"Preis {day}"))
    html = owner_http.get(f"/signals/?client={client.pk}&kind=haggling").content.decode()
    assert "28 signals" in html and "in 28 sources" in html
    assert html.count('data-testid="signal-source"') == 25
    assert f"?client={client.pk}&amp;kind=haggling&amp;page=2" in html
    assert "Preis 28" in html and "Preis 3<" not in html
    later = owner_http.get(f"/signals/?client={client.pk}&kind=haggling&page=2")
    assert later.content.decode().count('data-testid="signal-source"') == 3
