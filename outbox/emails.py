"""Rendering every e-mail the application sends: in the recipient's language, with links
under that language's prefix (``/ro/...``), absolute on the site's address (``SITE_URL``).

An e-mail is two templates, ``<name>_subject.txt`` and ``<name>_body.txt``, rendered with
the recipient's language active, so that dates, labels and ``reverse()`` all follow it.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


@dataclass(frozen=True)
class Email:
    """An e-mail written for one language: what an outbox row keeps and a server sends."""

    subject: str
    body: str
    language: str


def offered_language(language: str | None) -> str:
    """``language`` if the site offers it, else the site's default language."""
    offered = {code for code, _name in settings.LANGUAGES}
    return language if language in offered else settings.LANGUAGE_CODE


def recipient_language(user) -> str:
    """The language ``user`` reads e-mails in: their preferred one, or the site's default
    when they have none the site offers."""
    return offered_language(getattr(user, "language", None))


def email_render(
    *,
    template: str,
    language: str,
    context: Mapping[str, object],
    links: Mapping[str, tuple[str, Sequence[object]]] | None = None,
    site_url: str | None = None,
) -> Email:
    """``template`` rendered in ``language`` with ``context``, plus each of ``links``
    (name -> (URL name, arguments)) as an absolute address in that language. ``site_url``
    is the site's address, ``SITE_URL`` when not given."""
    base = (settings.SITE_URL if site_url is None else site_url).rstrip("/")
    with translation.override(language):
        full_context = {
            **context,
            **{name: base + reverse(view, args=list(args))
               for name, (view, args) in (links or {}).items()},
        }
        subject = render_to_string(f"{template}_subject.txt", full_context)
        body = render_to_string(f"{template}_body.txt", full_context)
    return Email(subject=" ".join(subject.split()), body=body, language=language)
