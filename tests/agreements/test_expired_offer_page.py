"""An expired offer says so and offers renewal, never sending or withdrawing it."""

import datetime as dt
import re

import pytest
from django.utils import translation

from rapport.agreements import services
from rapport.agreements.models import Proposal
from rapport.core import clock
from rapport.core.dates import short_date
from tests.agreements.factories import sent_proposal
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired(workspace):
    make_billable(workspace)
    client = billable_client(workspace, "Kranich Verlag GmbH", language="en")
    proposal, _link = sent_proposal(client)
    return proposal


def _after(proposal: Proposal, days: int = 3) -> dt.date:
    return proposal.valid_until + dt.timedelta(days=days)


def test_the_page_says_when_it_expired_and_offers_only_renewal(owner_http, expired):
    with clock.travel(_after(expired)):
        services.expire_offers(expired.workspace)
        page = owner_http.get(expired.get_absolute_url()).content.decode()
    date = short_date(expired.valid_until, "en")
    assert re.search(r'data-testid="proposal-status">Expired<', page)
    assert f'data-testid="proposal-validity">expired on {date}<' in page
    assert f"This offer expired on {date}" in page
    assert f"/proposals/{expired.pk}/send/" not in page
    assert f"/proposals/{expired.pk}/withdraw/" not in page
    assert "Renew with a new date" in page
    # The link line speaks of the link, not of the offer's validity.
    link_date = short_date(expired.links.get().expires_at.date(), "en")
    assert f"The client can open this link until {link_date}." in page
    assert f"Valid until {link_date}" not in page


def test_the_page_says_it_in_german_too(owner, owner_http, expired):
    owner.language = "de"
    owner.save()
    with clock.travel(_after(expired)):
        page = owner_http.get(expired.get_absolute_url()).content.decode()
    date = short_date(expired.valid_until, "de")
    assert f"abgelaufen am {date}" in page
    assert f"Dieses Angebot ist am {date} abgelaufen" in page
    assert "Mit neuem Datum verlängern" in page and "An den Kunden senden" not in page


def test_past_its_date_it_is_expired_before_the_tick_marks_it(owner_http, expired):
    with clock.travel(_after(expired, 1)):
        page = owner_http.get(expired.get_absolute_url()).content.decode()
    assert "This offer expired on" in page
    assert f"/proposals/{expired.pk}/send/" not in page
    assert f"/proposals/{expired.pk}/withdraw/" not in page


def test_an_open_offer_shows_its_validity_and_can_be_sent(owner_http, expired):
    page = owner_http.get(expired.get_absolute_url()).content.decode()
    assert f'valid until {short_date(expired.valid_until, "en")}' in page
    assert f"/proposals/{expired.pk}/send/" in page
    assert f"/proposals/{expired.pk}/withdraw/" in page


def test_sending_an_expired_offer_is_refused(owner_http, expired):
    with clock.travel(_after(expired)):
        response = owner_http.get(f"/proposals/{expired.pk}/send/", follow=True)
        assert "Give it a new validity date before sending it again." in \
            response.content.decode()
        with pytest.raises(services.AcceptanceRefused, match="new validity date"):
            services.send(expired)
    # Not yet marked expired by the tick, but past its date: still refused.
    fresh = Proposal.objects.get(pk=expired.pk)
    with clock.travel(_after(fresh, 1)), translation.override("en"):
        assert "expired on" in services.sending_refused(fresh)


def test_renewing_proposes_a_fresh_date_and_offers_it_again(owner_http, expired):
    with clock.travel(_after(expired)):
        services.expire_offers(expired.workspace)
        today = clock.today()
        edit = owner_http.get(f"/proposals/{expired.pk}/edit/").content.decode()
        new_date = today + dt.timedelta(days=services.VALID_DAYS)
        assert f'value="{new_date.isoformat()}"' in edit
        assert "Saving with this new date offers it to the client again" in edit
        services.update_content(expired, expired.content, valid_until=new_date)
        expired.refresh_from_db()
        assert expired.status == Proposal.Status.SENT
        page = owner_http.get(expired.get_absolute_url()).content.decode()
    assert f"/proposals/{expired.pk}/send/" in page
