"""Forms for signing up; logging in and password reset use Django's own forms."""
from django.contrib.auth.forms import BaseUserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import EMAIL_TAKEN, User


def email_not_taken(address: str, *, account: User | None = None) -> str:
    """``address`` as stored (domain lower-cased), or a form error if another account uses
    it whatever its case. ``account`` is the one being changed, which may keep its own."""
    email = User.objects.normalize_email(address).strip()
    others = User.objects.with_email(email)
    if account is not None and account.pk is not None:
        others = others.exclude(pk=account.pk)
    if others.exists():
        raise ValidationError(EMAIL_TAKEN, code="email_taken")
    return email


class SignupForm(BaseUserCreationForm):
    """A new account: an e-mail address (the login) and a password typed twice."""

    class Meta:
        model = User
        fields = ["email"]
        labels = {"email": _("E-mail address")}
        help_texts = {"email": _("You log in with this address; password-reset links go to it.")}

    def clean_email(self) -> str:
        return email_not_taken(self.cleaned_data["email"])
