"""Every form with a file field refuses a file past RAPPORT_MAX_UPLOAD_MB with a message
naming the limit, in the user's language, and keeps what the user typed — through
Django's real multipart parsing and upload handlers."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

import rapport
from rapport.billing.models import BillingSettings
from rapport.core.uploads import UploadLimitMixin

pytestmark = pytest.mark.django_db

SETTINGS = {"number_format": "RE-{YYYY}-{seq:04}", "payment_term_days": "21",
            "tax_regime": "standard", "account_holder": "", "iban": "DE89370400440532013000",
            "bic": "", "bank_name": "", "deposit_percent": "50", "retainer_day": "25",
            "footer_text": "Danke für Ihren Auftrag"}


def _big_logo() -> SimpleUploadedFile:
    return SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"x" * (1024 * 1024 + 10),
                              content_type="image/png")


def test_a_logo_past_the_upload_limit_is_refused_naming_the_limit(owner_http, settings):
    settings.RAPPORT_MAX_UPLOAD_MB = 1
    response = owner_http.post("/invoices/settings/", {**SETTINGS, "logo": _big_logo()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file is larger than 1 MB, the most one upload may bring." in page
    # What was typed is still in the form, and nothing was saved without the logo.
    assert "Danke für Ihren Auftrag" in page
    assert not BillingSettings.objects.filter(footer_text="Danke für Ihren Auftrag").exists()


def test_the_upload_limit_message_is_german_for_a_german_user(owner_http, owner, settings):
    settings.RAPPORT_MAX_UPLOAD_MB = 1
    owner.language = "de"
    owner.save()
    page = owner_http.post("/invoices/settings/",
                           {**SETTINGS, "logo": _big_logo()}).content.decode()
    assert "Die Datei ist größer als 1 MB, mehr nimmt ein Upload nicht an." in page


def test_a_logo_within_the_limit_still_gets_the_logos_own_checks(owner_http, settings):
    settings.RAPPORT_MAX_UPLOAD_MB = 1
    small = SimpleUploadedFile("logo.png", b"GIF89a", content_type="image/png")
    page = owner_http.post("/invoices/settings/", {**SETTINGS, "logo": small}).content.decode()
    assert "must be a PNG or JPEG" in page
    assert "the most one upload may bring" not in page


def _form_classes() -> set[type]:
    for module in pkgutil.walk_packages(rapport.__path__, "rapport."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("rapport."):
                found.add(sub)
    return found


def test_every_form_with_a_file_field_uses_the_shared_upload_limit():
    with_files = {cls for cls in _form_classes()
                  if any(isinstance(field, forms.FileField)
                         for field in cls.base_fields.values())}
    assert {cls.__name__ for cls in with_files} >= {"UploadForm", "BillingSettingsForm"}
    assert [cls.__name__ for cls in with_files if not issubclass(cls, UploadLimitMixin)] == []


def test_a_form_without_the_shared_limit_still_never_saves_an_oversized_file():
    """Such as the admin's: the stand-in for a dropped file reads as empty, so it is
    refused rather than stored as an empty logo."""
    from django.forms import modelform_factory

    from rapport.core.uploads import OversizedUpload

    form_class = modelform_factory(BillingSettings, fields=["logo"])
    form = form_class(data={}, files={"logo": OversizedUpload("logo.png", 60_000_000,
                                                              "image/png")})
    assert not form.is_valid()
    assert "logo" in form.errors
