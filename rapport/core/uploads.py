"""Uploads stop at the configured size while they arrive, not after the disk is full."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


def max_upload_bytes() -> int:
    return int(settings.RAPPORT_MAX_UPLOAD_MB) * 1024 * 1024


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of every uploaded file; past the limit the rest of the request is
    read and dropped, and `request.upload_too_large` tells the form why the file is gone."""

    def new_file(self, *args: object, **kwargs: object) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
