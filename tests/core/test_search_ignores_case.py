"""A search ignores the case of every letter, umlauts included, on either database."""

import pytest

from rapport.clients import filters
from rapport.clients.models import Client
from rapport.core.sqlite import like

pytestmark = pytest.mark.django_db


def test_searching_in_lower_case_finds_names_with_capital_umlauts(workspace):
    for name in ("ÖKO Bau GmbH", "Überblick Verlag", "Straße & Co", "Oak Works"):
        Client.objects.create(workspace=workspace, name=name)
    everyone = Client.objects.filter(workspace=workspace)

    def found(text):
        return {c.name for c in filters.search(everyone, text)}

    assert found("öko") == {"ÖKO Bau GmbH"}
    assert found("überblick") == {"Überblick Verlag"}
    assert found("STRASSE") == set()  # no guessing: ß is not "ss"
    assert found("oak") == {"Oak Works"}
    assert {c.name for c in everyone.filter(name__istartswith="überb")} == {"Überblick Verlag"}
    assert {c.name for c in everyone.filter(name__iendswith="bau gmbh")} == {"ÖKO Bau GmbH"}
    assert {c.name for c in everyone.filter(name__iexact="öko bau gmbh")} == {"ÖKO Bau GmbH"}


def test_like_keeps_wildcards_and_escapes_apart():
    assert like("%50\\%%", "Rabatt 50% bitte", "\\")
    assert not like("%50\\%%", "Rabatt 500 bitte", "\\")
    assert like("a_c", "ABC", "\\") and not like("a_c", "abbc", "\\")
    assert like("%x%", None, "\\") is None
