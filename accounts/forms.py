"""Forms for signing up, asking for a password reset and the profile; logging in uses
Django's own form."""
from django import forms
from django.contrib.auth.forms import BaseUserCreationForm, PasswordResetForm
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
    """A new account: an e-mail address (the login) and a password typed twice.

    Whether the address already has an account is not the form's business: the answer is
    the same either way (``accounts.services.signup_request``)."""

    class Meta:
        model = User
        fields = ["email"]
        labels = {"email": _("E-mail address")}
        help_texts = {"email": _("You log in with this address; we send a link to it to "
                                 "confirm it is yours.")}

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"]).strip()

    def _get_validation_exclusions(self) -> set[str]:
        # Not here: an address already taken, in any case, gets the same answer as a new
        # one (the database's constraints on it are left to the sign-up itself).
        return super()._get_validation_exclusions() | {"email"}  # type: ignore[misc]

    def validate_unique(self) -> None:
        """Not here either, for the same reason."""


class PasswordResetByEmailForm(PasswordResetForm):
    """Django's password-reset form, finding the account whatever the case of the address
    (the one account the database allows)."""

    def get_users(self, email: str):
        return (user for user in User.objects.with_email(email)
                if user.is_active and user.has_usable_password())


class ProfileForm(forms.ModelForm):
    """What a user may change about themselves here: the language of the site's e-mails."""

    class Meta:
        model = User
        fields = ["language"]
        labels = {"language": _("Language of the e-mails we send you")}
        help_texts = {"language": _(
            "Reviews of your submissions, and new submissions if you are a national contact "
            "point, are written in this language. Logging in on the site in another language "
            "makes that one your language."
        )}
        widgets = {"language": forms.RadioSelect}
