"""The request-size cap for multipart uploads (settings.UPLOAD_MAX_REQUEST_SIZE).

Django refuses a plain form or JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE before reading
it, but file parts are not counted there: they are spooled to disk whole and only then
checked by the form (5 MB proofs, 20 MB documents). This handler, first in
FILE_UPLOAD_HANDLERS, refuses a body whose Content-Length is over the cap before any of
it is read, and stops reading one whose length was missing or false once the file bytes
pass the cap. Django answers both with 400 (RequestDataTooBig). The reverse proxy should
cap it even earlier (nginx `client_max_body_size`, docs/deployment.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class RequestSizeLimitUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None) -> None:
        self.limit = settings.UPLOAD_MAX_REQUEST_SIZE
        # Page edit forms carry SCORM packages (docs/scorm.md): up to their own cap.
        if str(META.get("PATH_INFO", "")).startswith(settings.UPLOAD_LARGE_PATH_PREFIXES):
            self.limit = max(self.limit, settings.UPLOAD_MAX_LARGE_REQUEST_SIZE)
        self.received = 0
        if content_length > self.limit:
            raise RequestDataTooBig("Upload larger than settings.UPLOAD_MAX_REQUEST_SIZE.")

    def new_file(self, *args, **kwargs) -> None:
        pass  # the next handlers store the file

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise RequestDataTooBig("Upload larger than settings.UPLOAD_MAX_REQUEST_SIZE.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
