"""Each token has its own sliding window of requests; past it, 429 with Retry-After."""

import datetime as dt

import pytest
from django.utils import timezone

from rapport.api import tokens
from rapport.api.models import TokenHit
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(settings):
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_WINDOW_SECONDS = 60


def test_the_request_over_the_limit_gets_429_with_retry_after(small_limit, reader):
    assert [reader.get("clients").status_code for _ in range(3)] == [200, 200, 200]
    response = reader.get("clients")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_another_token_has_its_own_window(small_limit, owner, workspace, reader):
    for _ in range(4):
        reader.get("clients")
    other = Api(tokens.create_token(owner, workspace, name="b", scope="read").secret)
    assert other.get("clients").status_code == 200


def test_the_window_slides_requests_older_than_it_no_longer_count(small_limit, owner,
                                                                  workspace):
    new = tokens.create_token(owner, workspace, name="a", scope="read")
    now = timezone.now()
    for seconds in (70, 50, 10):
        TokenHit.objects.create(token=new.token, at=now - dt.timedelta(seconds=seconds))
    # 50 s and 10 s ago still count; the one 70 s ago left the window: one more fits.
    assert tokens.count_request(new.token, now) is None
    retry = tokens.count_request(new.token, now)
    assert retry == 10  # the request of 50 s ago leaves the window in 10 s
    assert TokenHit.objects.filter(token=new.token).count() == 3
