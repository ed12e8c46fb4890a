"""The upload handler that stops reading a request body past the configured limit."""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class RequestSizeLimitUploadHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: refuses an upload whose length is above
    ``settings.REQUEST_MAX_BYTES`` before any file is opened, and stops counting the bytes
    of the files past it whatever length was declared, before the next handler stores them.
    (``RequestSizeLimitMiddleware`` refuses most of these before; this holds if it is
    bypassed.)"""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.REQUEST_MAX_BYTES:
            raise RequestDataTooBig("The upload is larger than REQUEST_MAX_BYTES.")
        self.received = 0
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > settings.REQUEST_MAX_BYTES:
            raise RequestDataTooBig("The upload is larger than REQUEST_MAX_BYTES.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
