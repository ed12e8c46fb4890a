"""Signing up (confirmed by e-mail), asking for a password reset, and the profile. Logging
in and out and the rest of the password reset are Django's own views (see urls)."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_safe

from .forms import PasswordResetByEmailForm, ProfileForm, SignupForm
from .models import User
from .services import (
    account_emails_allowed,
    password_reset_request,
    signup_request,
    signup_tokens,
)

SENT_TO = "accounts_signup_sent_to"


def _too_many(form) -> None:
    form.add_error(None, _(
        "Too many e-mails were asked for this address or from your connection. Wait an hour, "
        "then try again; a link already sent still works."
    ))


@sensitive_post_parameters("password1", "password2")
def signup(request: HttpRequest) -> HttpResponse:
    """The sign-up form; its answer is the same whether or not the address has an account."""
    if request.user.is_authenticated:
        return redirect("consortia:dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not account_emails_allowed(request, email):
            _too_many(form)
            return render(request, "accounts/signup.html", {"form": form}, status=429)
        signup_request(request=request, email=email, password=form.cleaned_data["password1"])
        request.session[SENT_TO] = email
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


@require_safe
def signup_sent(request: HttpRequest) -> HttpResponse:
    """"We sent a link to <address>": what every sign-up is answered."""
    email = request.session.get(SENT_TO)
    if not email:
        return redirect("accounts:signup")
    return render(request, "accounts/signup_sent.html", {
        "email": email, "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    })


def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link of a sign-up e-mail: a page with one button (so that a mail scanner opening
    the link confirms nothing), which confirms the account and logs in."""
    account = _pending_account(uidb64)
    valid = account is not None and signup_tokens.check_token(account, token)
    if account is not None and valid and request.method == "POST":
        account.is_active = True
        account.signup_pending = False
        account.save(update_fields=["is_active", "signup_pending"])
        login(request, account, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("consortia:dashboard")
    return render(request, "accounts/activate.html", {"valid": valid, "account": account},
                  status=200 if valid else 404)


def _pending_account(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk, signup_pending=True).first()


def password_reset(request: HttpRequest) -> HttpResponse:
    """Asking for a password-reset link: the same answer, as fast, for any address."""
    form = PasswordResetByEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not account_emails_allowed(request, form.cleaned_data["email"]):
            _too_many(form)
            return render(request, "registration/password_reset_form.html", {"form": form},
                          status=429)
        password_reset_request(request=request, form=form)
        return redirect("password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's profile: their address, and the language of their e-mails. Once
    saved, the page comes back in the language chosen."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        with translation.override(user.language):
            messages.success(request, _(
                "Saved. The language of the e-mails we send you: %(language)s."
            ) % {"language": user.get_language_display()})
            return redirect(reverse("accounts:profile"))
    return render(request, "accounts/profile.html", {"form": form})
