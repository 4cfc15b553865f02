"""Time-zone selects: grouped by region, current names only, a stored name kept."""

from __future__ import annotations

from rapport.clients.forms import ClientForm
from rapport.clients.models import Client
from rapport.core.forms import WorkspaceForm
from rapport.core.timezones import TimeZoneField, canonical_time_zones


def _flat(choices) -> list[str]:
    values = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            values += [v for v, _label in label]
        else:
            values.append(value)
    return values


def test_retired_and_alias_names_are_not_offered_but_current_ones_are():
    names = set(canonical_time_zones())
    for legacy in ("US/Eastern", "Etc/GMT+5", "Europe/Kiev", "GB", "Asia/Calcutta", "CET"):
        assert legacy not in names
    for current in ("Europe/Berlin", "Europe/Kyiv", "Europe/Amsterdam", "America/New_York",
                    "Asia/Kolkata", "America/Argentina/Buenos_Aires", "UTC"):
        assert current in names


def test_the_select_groups_zones_by_region_with_readable_city_names():
    html = str(WorkspaceForm()["time_zone"])
    assert '<optgroup label="Europe">' in html
    assert '<option value="Europe/Berlin" selected>Berlin</option>' in html
    assert '<option value="America/Argentina/Buenos_Aires">Argentina/Buenos Aires</option>' \
        in html
    assert "US/Eastern" not in html


def test_every_time_zone_select_is_the_shared_field():
    # The questionnaire's select is checked with its questions in tests/intake.
    assert isinstance(WorkspaceForm().fields["time_zone"], TimeZoneField)
    assert isinstance(ClientForm().fields["time_zone"], TimeZoneField)


def test_a_client_saved_with_a_legacy_name_keeps_it_until_changed(workspace):
    client = Client.objects.create(workspace=workspace, name="Old", time_zone="US/Eastern")
    field = ClientForm(instance=client).fields["time_zone"]
    assert "US/Eastern" in _flat(field.choices)
    fresh = ClientForm().fields["time_zone"]
    assert "US/Eastern" not in _flat(fresh.choices)
    assert "Europe/Kiev" not in _flat(fresh.choices)
