"""Revoking all of a client's invoice links at once, as ending a relationship does."""

import datetime as dt

import pytest

from rapport.billing import portal, services
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def test_revoking_several_links_closes_the_open_ones_and_keeps_an_earlier_revocation(
        workspace):
    make_billable(workspace)
    kunde = billable_client(workspace)
    draft = services.new_draft(workspace, kunde)
    services.add_line(draft, "Texte", 1, "100.00")
    invoice = services.issue(draft, NOW.date())
    first, second, earlier = (portal.create_portal_link(invoice, NOW) for _ in range(3))
    portal.revoke_portal_link(earlier, NOW - dt.timedelta(days=1))
    assert portal.revoke_portal_links([first, second, earlier], NOW) == 2
    for link in (first, second, earlier):
        link.refresh_from_db()
        assert not link.is_usable(NOW)
    assert earlier.revoked_at == NOW - dt.timedelta(days=1)
