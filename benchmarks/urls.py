"""The application's URLs plus one minimal view, the baseline of the HTTP benchmark: it goes
through the same middleware but reads no database and renders no template."""
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as application_urlpatterns


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("bench/minimal", minimal, name="bench_minimal"), *application_urlpatterns]
