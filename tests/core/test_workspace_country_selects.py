"""Workspace settings: country and holiday region are chosen from lists, not typed."""

from __future__ import annotations

import pytest
from django.utils import translation

from rapport.core.forms import WorkspaceForm
from rapport.core.models import Workspace

pytestmark = pytest.mark.django_db


def test_country_is_a_select_of_iso_countries_named_in_the_readers_language():
    with translation.override("de"):
        html = str(WorkspaceForm()["country"])
        assert html.startswith("<select")
        assert '<option value="DE" selected>Deutschland</option>' in html
        assert '<option value="AT">Österreich</option>' in html
        assert 'value="EU"' not in html and 'value="ZZ"' not in html
    with translation.override("en"):
        assert '<option value="GB">United Kingdom</option>' in str(WorkspaceForm()["country"])


def test_the_holiday_region_offers_the_german_federal_states(workspace):
    workspace.holiday_country, workspace.holiday_subdivision = "DE", "BE"
    html = str(WorkspaceForm(instance=workspace)["holiday_subdivision"])
    assert html.startswith("<select")
    assert '<option value="BE" selected>Berlin (BE)</option>' in html
    assert '<option value="NW">Nordrhein-Westfalen (NW)</option>' in html
    assert html.count("<option") == 17  # "—" and the 16 Länder


def test_a_stored_value_outside_the_lists_stays_valid(workspace):
    Workspace.objects.filter(pk=workspace.pk).update(country="XK", holiday_subdivision="")
    workspace.refresh_from_db()
    form = WorkspaceForm(instance=workspace)
    assert ("XK", "Kosovo") in form.fields["country"].choices or \
        "XK" in dict(form.fields["country"].choices)
    assert form["country"].value() == "XK"
