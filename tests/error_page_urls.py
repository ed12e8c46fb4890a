"""The site's URLs, its error handlers, and a page that always fails (tests/test_error_pages.py)."""
from django.urls import path

from config.urls import (  # noqa: F401 (the handlers are read from this module)
    handler400,
    handler403,
    handler404,
    handler500,
    urlpatterns as site_urlpatterns,
)


def broken(request):
    raise RuntimeError("A view that fails, for the 500 page.")


urlpatterns = [path("broken/", broken), path("ro/broken/", broken), *site_urlpatterns]
