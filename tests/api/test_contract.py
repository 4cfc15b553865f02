"""The API keeps its own published contract: schemathesis reads the live OpenAPI schema
from the WSGI application, generates requests for every operation (valid and invalid
ones) and checks that no answer is a server error and every answer matches the schema:
its status codes, content types and bodies. Runs offline, inside the test process."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rapport.api import tokens
from rapport.billing import services
from rapport.wsgi import application
from tests.agreements.factories import make_proposal
from tests.billing.factories import billable_client, make_billable
from tests.health.helpers import signal
from tests.signals.helpers import message

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _requests_keep_the_tests_connection():
    """The WSGI app is called in the test's own transaction: like Django's test client,
    do not let the end of a request close the database connection (PostgreSQL would
    lose the test's data)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def known(owner, workspace, settings) -> dict:
    """A workspace with one object of each kind, and a read-write token for it."""
    settings.API_RATE_LIMIT = 100_000
    make_billable(workspace)
    client = billable_client(workspace, "Kranich Verlag GmbH")
    client.change_status("active")
    issued = services.new_draft(workspace, client)
    services.add_line(issued, "Lektorat", 2, "80.00")
    issued = services.issue(issued)
    payment = services.record_payment(issued, "10")
    draft = services.new_draft(workspace, client)
    services.add_line(draft, "Satz", 1, "99.00")
    ids = {"client_id": client.pk, "invoice_id": issued.pk, "payment_id": payment.pk,
           "contact_id": client.contacts.first().pk if client.contacts.exists() else 1,
           "project_id": 1, "message_id": message(workspace, client, "Hallo").pk,
           "signal_id": signal(client, "urgency", 2).pk,
           "proposal_id": make_proposal(client).pk}
    ids["secret"] = tokens.create_token(owner, workspace, name="contract", scope="write").secret
    return ids


def _aim_at_real_objects(case, known: dict) -> None:
    """Ids drawn at random almost never exist; every even one is replaced by an object of
    the workspace, so answers with data are checked as well as 404s."""
    for where in (case.path_parameters, case.query, case.body):
        if not isinstance(where, dict):
            continue
        for name, value in where.items():
            if name in known and isinstance(value, int) and value % 2 == 0:
                where[name] = known[name]


@schema.parametrize()
@settings(max_examples=4, deadline=None, derandomize=True,  # the same examples in every CI run
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_operation_answers_as_its_schema_says(case, known):
    _aim_at_real_objects(case, known)
    case.call_and_validate(headers={"Authorization": f"Bearer {known['secret']}"},
                           checks=CHECKS)
