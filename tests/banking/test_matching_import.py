"""A real CAMT statement through the import: the matching sorts every line."""

import pytest

from rapport.banking.importing import import_file
from rapport.banking.matching import match_new
from rapport.banking.models import BankTransaction
from tests.banking.factories import issued, march_statement
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db


def test_an_imported_statement_is_booked_suggested_and_left_for_the_user(workspace):
    make_billable(workspace)
    brandt = billable_client(workspace, "Möbelmanufaktur Brandt KG")
    kranich = billable_client(workspace, "Kranich Verlag GmbH")
    nordlicht = billable_client(workspace, "Nordlicht KG")
    one, two, three = (issued(brandt, "1000.00"), issued(kranich, "500.00"),
                       issued(nordlicht, "200.00"))
    scanned, _deposit = issued(brandt, "600.00"), issued(kranich, "300.00")
    data = march_statement(one, two, three, scanned).encode()
    result = import_file(workspace, data, "maerz.xml")
    assert match_new(workspace.pk, result.created_ids) == {
        "booked": 3, "suggested": 1, "unmatched": 1}
    by_amount = {str(t.amount): t for t in BankTransaction.objects.all()}
    assert by_amount["714.00"].status == "suggested"
    assert by_amount["714.00"].matches.get().invoice_id == scanned.pk
    assert by_amount["300.00"].status == "unmatched"
    # importing the same file again adds nothing and books nothing twice
    again = import_file(workspace, data, "maerz.xml")
    assert again.created_ids == []
    assert match_new(workspace.pk, again.created_ids)["booked"] == 0
    assert sum(i.payments.count() for i in (one, two, three)) == 3
