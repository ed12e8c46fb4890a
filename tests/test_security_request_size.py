"""Finding 11 of the security review: request bodies above the limit are refused before they
are read or stored; no temporary file is written for an oversized upload
(docs/SECURITY.md, section 7)."""
import io

from django.core.exceptions import RequestDataTooBig
from django.core.files import uploadedfile
from django.test import RequestFactory, override_settings
from django.test.client import encode_multipart
from django.urls import reverse
import pytest

from config.uploads import RequestSizeLimitUploadHandler

pytestmark = pytest.mark.django_db

LIMIT = 20_000
BOUNDARY = "BoUnDaRy"


@pytest.fixture
def temporary_files(monkeypatch, tmp_path, settings):
    """Every upload goes to a temporary file in ``tmp_path`` (none is kept in memory), and
    each one opened is counted."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    opened = []
    original = uploadedfile.TemporaryUploadedFile.__init__

    def counting(self, *args, **kwargs):
        opened.append(args[0] if args else kwargs.get("name"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", counting)
    return opened


def multipart(size: int) -> bytes:
    return encode_multipart(BOUNDARY, {
        "username": "a@example.org", "password": "x",
        "upload": io.BytesIO(b"x" * size),
    })


@override_settings(REQUEST_MAX_BYTES=LIMIT)
def test_an_oversized_anonymous_upload_to_the_login_page_is_refused_before_it_is_stored(
    client, temporary_files, tmp_path
):
    response = client.post(reverse("login"), multipart(LIMIT * 5),
                           content_type=f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 413
    assert "at most 20000 bytes" in response.content.decode()
    assert temporary_files == []
    assert list(tmp_path.iterdir()) == []


@override_settings(REQUEST_MAX_BYTES=LIMIT)
def test_an_upload_below_the_limit_is_read_as_before(client, temporary_files):
    response = client.post(reverse("login"), multipart(LIMIT // 4),
                           content_type=f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 200  # the login form, with its error
    assert len(temporary_files) == 1


@override_settings(REQUEST_MAX_BYTES=LIMIT)
def test_an_oversized_api_body_gets_413_in_json(client):
    response = client.post("/api/v1/eligibility-checks", "[" + " " * LIMIT + "]",
                           content_type="application/json")

    assert response.status_code == 413
    assert response.json()["errors"][0].startswith("body: The request is too large")


@override_settings(REQUEST_MAX_BYTES=LIMIT)
def test_a_content_length_that_is_not_a_number_is_refused(client):
    response = client.generic("POST", reverse("login"), b"", CONTENT_LENGTH="lots")

    assert response.status_code == 413


@override_settings(REQUEST_MAX_BYTES=LIMIT)
def test_without_the_middleware_the_upload_handler_refuses_it_before_opening_a_file(
    temporary_files, tmp_path
):
    request = RequestFactory().generic(
        "POST", "/accounts/login/", multipart(LIMIT * 5),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )

    with pytest.raises(RequestDataTooBig):
        request.POST  # noqa: B018 - reading it parses the body

    assert temporary_files == []
    assert list(tmp_path.iterdir()) == []


@override_settings(REQUEST_MAX_BYTES=LIMIT)
def test_the_upload_handler_stops_a_body_that_outgrows_its_declared_length():
    handler = RequestSizeLimitUploadHandler()
    handler.handle_raw_input(None, {}, content_length=100, boundary=BOUNDARY)

    assert handler.receive_data_chunk(b"x" * LIMIT, 0) == b"x" * LIMIT
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"x", LIMIT)


def test_the_default_limit_leaves_room_for_the_largest_body_and_a_fixture_upload(settings):
    assert settings.REQUEST_MAX_BYTES > max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
                                            settings.CALL_FIXTURE_MAX_BYTES)
    assert settings.MIDDLEWARE[0] == "config.middleware.RequestSizeLimitMiddleware"
