"""Uploads stop at the configured size while they arrive, not after the disk is full, and
every form with a file field says so in the user's language, naming the limit.

The handler keeps reading the request past an oversized file (the bytes are dropped), so
the other fields of the form still arrive: nothing the user typed is lost, and the form
shows the limit next to the file field instead of saving without the file.
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext_lazy as _


def max_upload_bytes() -> int:
    return int(settings.RAPPORT_MAX_UPLOAD_MB) * 1024 * 1024


class OversizedUpload(UploadedFile):
    """Stands in for a file that went past the limit: its name, no content, and size 0,
    so any file field refuses it (as empty) and nothing is ever saved from it; forms
    with `UploadLimitMixin` say instead that the file was too large. `received` is the
    number of bytes that arrived."""

    def __init__(self, name: str, received: int, content_type: str | None) -> None:
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=0)
        self.received = received


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of every uploaded file; past the limit the rest of that file is
    read and dropped and the form receives an `OversizedUpload` in its place
    (`request.upload_too_large` is set as well)."""

    def new_file(self, *args: object, **kwargs: object) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self.request.upload_too_large = True
            return None  # later handlers store nothing more of this file
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received > max_upload_bytes():
            return OversizedUpload(self.file_name, self.received, self.content_type)
        return None


def too_large_error() -> forms.ValidationError:
    return forms.ValidationError(
        _("The file is larger than %(mb)d MB, the most one upload may bring."),
        code="too_large", params={"mb": settings.RAPPORT_MAX_UPLOAD_MB})


class UploadLimitMixin:
    """For every form with a file field: a file past `RAPPORT_MAX_UPLOAD_MB` is refused on
    its field with a message naming the limit (override `upload_too_large_error` for a
    more specific hint)."""

    fields: dict[str, forms.Field]

    def upload_too_large_error(self) -> forms.ValidationError:
        return too_large_error()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        if not self.is_bound or self.files is None:
            return
        for name, field in self.fields.items():
            upload = self.files.get(self.add_prefix(name))
            if isinstance(field, forms.FileField) and (
                    isinstance(upload, OversizedUpload)
                    or getattr(upload, "size", 0) > max_upload_bytes()):
                self._errors[name] = self.error_class(self.upload_too_large_error().messages)
                self.cleaned_data.pop(name, None)


class FileImportMixin(UploadLimitMixin):
    """For an import form whose one file field is named `file`: an upload stopped while it
    arrived (`too_large=True`, from `request.upload_too_large`) says why instead of
    "required", and a file whose suffix is not in `upload_suffixes` ("" for none) is
    refused with `wrong_suffix_message`."""

    upload_suffixes: frozenset[str] = frozenset()
    wrong_suffix_message: Any = ""
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.too_large = too_large

    def clean(self) -> dict[str, Any]:
        if self.too_large:
            self.errors.pop("file", None)  # type: ignore[attr-defined]
            self.add_error("file", self.upload_too_large_error())  # type: ignore[attr-defined]
        return super().clean()  # type: ignore[misc]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > max_upload_bytes():
            raise self.upload_too_large_error()
        name = (upload.name or "").lower()
        suffix = "." + name.rsplit(".", 1)[1] if "." in name else ""
        if suffix not in self.upload_suffixes:
            raise forms.ValidationError(self.wrong_suffix_message)
        return upload
