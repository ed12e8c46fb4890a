"""Middleware of our own: the request-size limit (first of all), and the instant a request
arrived."""
from collections.abc import Callable
from datetime import datetime
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    """Refuses with 413 a request whose declared body (Content-Length) is larger than
    ``settings.REQUEST_MAX_BYTES``, before anything reads or stores it. The proxy in front
    should refuse it earlier still (README, "Production"); the upload handler
    ``config.uploads.RequestSizeLimitUploadHandler`` stops whatever gets past both."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            too_large = int(declared) > settings.REQUEST_MAX_BYTES
        except ValueError:
            too_large = True  # no length a client sends in good faith
        if too_large:
            return too_large_response(request)
        return self.get_response(request)


def too_large_response(request: HttpRequest) -> HttpResponse:
    message = _("The request is too large: at most %(limit)s bytes are accepted.") % {
        "limit": settings.REQUEST_MAX_BYTES
    }
    response = (
        HttpResponse(json.dumps({"errors": [f"body: {message}"]}, ensure_ascii=False),
                     status=413, content_type="application/json")
        if request.path.startswith("/api/")
        else HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    )
    # The body was not read: the connection cannot carry another request.
    response["Connection"] = "close"
    return response


class RequestArrivalMiddleware:
    """Notes the instant each request arrived (``request.arrived_at``), before it waits for
    anything: a submit judged later, after a row lock, logs and names both instants."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.arrived_at = timezone.now()  # type: ignore[attr-defined]
        return self.get_response(request)


def request_arrived_at(request: HttpRequest) -> datetime:
    """The instant ``request`` arrived (now, for a request that came another way)."""
    return getattr(request, "arrived_at", None) or timezone.now()
