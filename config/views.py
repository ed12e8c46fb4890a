from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
