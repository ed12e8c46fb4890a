"""Signing up and asking for a password reset, answered the same whether or not the address
has an account: the difference is only in the e-mail the address receives, sent off the
request's path so that the answer takes as long either way."""
from collections.abc import Callable
import logging
import threading

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMessage
from django.db import IntegrityError, connections, transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from config.clients import client_address
from config.ratelimit import Rate, rate_allows
from outbox.emails import email_render, offered_language, recipient_language

from .models import User, normalised_email

logger = logging.getLogger(__name__)


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """Django's token generator for the link that confirms a sign-up: valid for
    ``PASSWORD_RESET_TIMEOUT`` seconds, and only while the sign-up is pending with the
    password it was made for (a later sign-up of the address, or the confirmation itself,
    makes it void)."""

    key_salt = "accounts.services.SignupTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.signup_pending}{user.is_active}{timestamp}"


signup_tokens = SignupTokenGenerator()


def account_emails_allowed(request: HttpRequest, email: str) -> bool:
    """Count one more sign-up or reset e-mail for this address and this client; whether both
    stay within ``ACCOUNT_EMAILS_PER_ADDRESS`` and ``ACCOUNT_EMAILS_PER_CLIENT``. Counted in
    the cache, so every process shares the counts; the same for any address, registered or
    not."""
    per_address = rate_allows("account-emails-address", normalised_email(email),
                              Rate.parse(settings.ACCOUNT_EMAILS_PER_ADDRESS))
    per_client = rate_allows("account-emails-client", client_address(request),
                             Rate.parse(settings.ACCOUNT_EMAILS_PER_CLIENT))
    return per_address and per_client


def off_the_request(task: Callable[[], None]) -> None:
    """Run ``task`` (sending an e-mail) in a thread of its own, so that the answer does not
    wait for it, or at once when ``ACCOUNT_EMAILS_IN_BACKGROUND`` is off. It keeps the
    request's language; a failure is logged, never raised."""
    language = translation.get_language()

    def run() -> None:
        try:
            with translation.override(language):
                task()
        except Exception:
            logger.exception("Could not send an account e-mail")
        finally:
            if settings.ACCOUNT_EMAILS_IN_BACKGROUND:
                connections.close_all()  # this thread's own connections

    if settings.ACCOUNT_EMAILS_IN_BACKGROUND:
        threading.Thread(target=run, daemon=True, name="account-email").start()
    else:
        run()


def signup_request(*, request: HttpRequest, email: str, password: str) -> None:
    """A sign-up of ``email`` with ``password``, answered the same whatever the address.

    A new address gets an account that cannot log in yet (``signup_pending``) and a link
    that confirms it; an address whose sign-up is still pending gets the new password and a
    new link (the older links stop working); an address with an account gets an e-mail
    saying someone tried to sign up, and how to log in or reset the password. The password
    is hashed in every case, so that each takes as long.
    """
    hashed = make_password(password)
    language = language_in_use()
    account = User.objects.with_email(email).first()
    if account is None:
        try:
            with transaction.atomic():
                account = User(email=User.objects.normalize_email(email), password=hashed,
                               is_active=False, signup_pending=True, language=language)
                account.save()
        except IntegrityError:
            # The same address, in some case, signed up at the same moment.
            account = User.objects.with_email(email).first()
            if account is None:
                raise
    elif account.signup_pending:
        account.password = hashed
        account.language = language
        account.save(update_fields=["password", "language"])
    links: dict[str, tuple[str, list]]
    if account.signup_pending:
        template = "activation"
        links = {"link": ("accounts:activate", [
            urlsafe_base64_encode(force_bytes(account.pk)), signup_tokens.make_token(account),
        ])}
    else:
        template = "signup_existing"
        links = {"login_url": ("login", []), "reset_url": ("password_reset", [])}
    rendered = email_render(
        template=f"accounts/email/{template}", language=recipient_language(account),
        context={"email": account.email, "site": request.get_host()}, links=links,
        site_url=request.build_absolute_uri("/"),
    )
    message = EmailMessage(rendered.subject, rendered.body, to=[account.email])

    def send() -> None:
        message.send()

    off_the_request(send)


def language_in_use() -> str:
    """The language of the request being answered, if the site offers it, else the site's
    default: what a user's preferred language is set from at sign-up and at each login."""
    return offered_language(translation.get_language())


def language_remember(*, user: User) -> None:
    """Make the language in use ``user``'s preferred language (the e-mails' language)."""
    language = language_in_use()
    if user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language


def password_reset_request(*, request: HttpRequest, form: PasswordResetForm) -> None:
    """Send the reset link of the account of the valid ``form``'s address, if there is one:
    looking it up and sending happen off the request's path, so that the answer takes as
    long for an address without an account."""
    domain, use_https = request.get_host(), request.is_secure()
    off_the_request(lambda: form.save(
        domain_override=domain, use_https=use_https,
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.html",
    ))
