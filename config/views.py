import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def health(request):
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, with ``next`` read in the language of its own path.

    Django translates ``next`` by resolving it in the active language. This view's own path
    has no language prefix, so LocaleMiddleware activates the default language (English:
    the default has no prefix), under which ``/ro/...`` resolves to nothing; Django then
    redirects to ``next`` unchanged and the page stays Romanian. Resolving ``next`` in the
    language its prefix names (English when it has none) lets it be translated both ways.
    """
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    language = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(language or settings.LANGUAGE_CODE):
        return i18n.set_language(request)


# The site's own error pages, in its layout and in the language of the URL (``/ro/...`` is
# Romanian even when no view ran). Django calls these with DEBUG off (config/urls.py).

def _in_language_of_url(request: HttpRequest) -> str:
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _error_page(request: HttpRequest, template_name: str, status: int) -> HttpResponse:
    """An error page with the request's full context: the visitor, their account links."""
    with translation.override(_in_language_of_url(request)):
        return render(request, template_name, status=status)


def _bare_error_page(request: HttpRequest, template_name: str, status: int) -> HttpResponse:
    """An error page drawn without the context processors, which read the session and the
    user from the database: for a request that may be broken, or a database that is down."""
    with translation.override(_in_language_of_url(request)):
        html: str
        try:
            html = loader.render_to_string(template_name, {
                "request": request,
                "csrf_token": get_token(request),
            })
        except Exception:  # the page must come out even if its layout cannot
            logger.exception("The %s page could not be drawn", status)
            html = BARE_ERROR_HTML.format(status=status)
    return HttpResponse(html, status=status)


BARE_ERROR_HTML = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Error {status}</title>'
    '<h1>Error {status}</h1><p><a href="/">Home</a></p></html>'
)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: the page does not exist, or is not one this visitor may see."""
    return _error_page(request, "404.html", 404)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: signed out, or signed in with an account that may not see the page."""
    return _error_page(request, "403.html", 403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400: a request the site cannot read (a malformed or oversized body, a wrong host)."""
    return _bare_error_page(request, "400.html", 400)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: drawn without the database, which may be what failed."""
    return _bare_error_page(request, "500.html", 500)


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 for a form sent without its security token (an old tab, cookies blocked)."""
    return _error_page(request, "403_csrf.html", 403)
