"""What django-axes counts failed logins by (settings ``AXES_USERNAME_CALLABLE``)."""
from django.http import HttpRequest

from .models import normalised_email


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """The address typed at login, normalised: ``User@Example.org`` and ``user@example.org``
    share one count of failures, as they name one account."""
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = getattr(request, "POST", {}).get("username", "")
    return normalised_email(str(typed))
