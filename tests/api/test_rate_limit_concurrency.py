"""Parallel requests with one token cannot overshoot its limit.

Only PostgreSQL runs them truly in parallel (SQLite serialises every writer), so only
there does this prove that the token's row lock in `count_request()` holds.
"""

import threading

import pytest
from django.db import connection

from rapport.api import tokens
from rapport.api.models import ApiToken, TokenHit

THREADS = 8
PER_THREAD = 5

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: SQLite never counts two requests at once"),
    pytest.mark.django_db(transaction=True),
]


def test_parallel_requests_are_allowed_exactly_up_to_the_limit(owner, workspace, settings):
    settings.API_RATE_LIMIT = 17
    token = tokens.create_token(owner, workspace, name="busy", scope="read").token
    start = threading.Barrier(THREADS)
    allowed: list[bool] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def hammer() -> None:
        try:
            start.wait(timeout=30)
            for _ in range(PER_THREAD):
                result = tokens.count_request(ApiToken(pk=token.pk)) is None
                with lock:
                    allowed.append(result)
        except Exception as exc:  # reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert allowed.count(True) == 17 and len(allowed) == THREADS * PER_THREAD
    assert TokenHit.objects.filter(token=token).count() == 17
