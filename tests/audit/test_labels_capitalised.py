"""The change history names fields and actors with a capital letter in English too, as it
does in German: "State: Draft → Issued", not "state: Draft → Issued"."""

import pytest
from django.utils import translation

from rapport.audit.models import AuditEntry
from rapport.audit.texts import actor_text, field_text
from rapport.billing.models import Invoice, Payment


@pytest.mark.parametrize("language", ["en", "de"])
def test_field_names_start_with_a_capital_in_both_languages(language):
    with translation.override(language):
        for model, name in [(Invoice, "state"), (Invoice, "currency"), (Payment, "amount"),
                            (Invoice, "payment_status"), (Invoice, "gross_total"),
                            (None, "new_end_date")]:
            text = field_text(model, name)
            assert text[0].isupper(), text


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_system_and_the_worker_start_with_a_capital_in_both_languages(language):
    with translation.override(language):
        for kind in ("system", "worker", "portal", "visitor"):
            text = actor_text(AuditEntry(actor=kind))
            assert text[0].isupper(), text
