"""The client page names its two histories apart, the same way in both languages: the
relationship's timeline (notes, check-ins, incidents) and the change history (audit)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _headings(owner_http, client_obj) -> list[str]:
    page = owner_http.get(client_obj.get_absolute_url()).content.decode()
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page)]


def test_timeline_and_change_history_are_distinct_in_english_and_german(
        owner, owner_http, client_obj):
    english = _headings(owner_http, client_obj)
    assert "Timeline" in english and "Change history" in english
    owner.language = "de"
    owner.save()
    german = _headings(owner_http, client_obj)
    assert "Chronik" in german and "Änderungsverlauf" in german
    assert "Verlauf" not in german  # once the timeline's name, too close to the other
