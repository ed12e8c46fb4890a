"""Who is asking: the one definition of a client's address, for everything that limits or
counts per client (the API's rate limit, failed logins, sign-up and reset e-mails)."""
from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent ``request``.

    ``REMOTE_ADDR``, unless ``TRUSTED_PROXY_COUNT`` proxies stand in front of the
    application: each appends the address it was reached from to X-Forwarded-For, so the
    client's address is that many entries from the right. Entries further left were written
    by the client itself and are never read. A request with fewer entries than trusted
    proxies did not come through them: its ``REMOTE_ADDR`` is used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    ]
    if len(forwarded) < proxies or not forwarded[-proxies]:
        return remote
    return forwarded[-proxies]
