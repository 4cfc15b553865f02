"""Money bounds are exact: 0.01 is a valid amount, and no limit is a binary float."""

import importlib
import inspect
import pkgutil
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps

import rapport
from rapport.billing import services
from rapport.billing.forms import PaymentForm
from tests.billing.factories import billable_client, make_billable


def _float_bounds(field_name: str, validators: list) -> list[str]:
    return [f"{field_name}: {type(v).__name__}({v.limit_value!r})" for v in validators
            if isinstance(getattr(v, "limit_value", None), float)]


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for module_info in pkgutil.walk_packages(rapport.__path__, "rapport."):
        if module_info.name.rsplit(".", 1)[-1] != "forms":
            continue
        module = importlib.import_module(module_info.name)
        found += [cls for _name, cls in inspect.getmembers(module, inspect.isclass)
                  if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__]
    return found


def test_no_model_field_has_a_float_bound():
    """Decimal("0.01") < 0.01 as a float, so a float bound refuses the smallest amount."""
    offending = []
    for model in apps.get_models():
        if not model.__module__.startswith("rapport."):
            continue
        for field in model._meta.concrete_fields:
            offending += _float_bounds(f"{model.__name__}.{field.name}", field.validators)
    assert offending == []


def test_no_form_field_has_a_float_bound():
    classes = _form_classes()
    assert PaymentForm in classes  # the walk really reaches the billing forms
    offending = []
    for cls in classes:
        for name, field in cls.base_fields.items():
            offending += _float_bounds(f"{cls.__name__}.{name}", field.validators)
    assert offending == []


def test_a_payment_of_one_cent_passes_the_form():
    form = PaymentForm({"amount": "0.01", "paid_on": "2026-11-20"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("0.01")


def test_zero_and_negative_payments_are_still_refused():
    for amount in ("0", "0.00", "-0.01"):
        assert not PaymentForm({"amount": amount, "paid_on": "2026-11-20"}).is_valid()


@pytest.mark.django_db
def test_a_payment_of_one_cent_is_recorded_on_the_invoice_page(owner_http, workspace):
    make_billable(workspace)
    invoice = services.new_draft(workspace, billable_client(workspace))
    services.add_line(invoice, "Text", 1, 100)
    invoice = services.issue(invoice)
    page = owner_http.post(f"/invoices/{invoice.pk}/payments/new/",
                           {"amount": "0.01", "paid_on": "2026-11-20"}, follow=True)
    assert "Payment recorded." in page.content.decode()
    assert [p.amount for p in invoice.payments.all()] == [Decimal("0.01")]
    assert invoice.balance() == Decimal("118.99")
