"""Forms for signing up; logging in and password reset use Django's own forms."""
from django.contrib.auth.forms import BaseUserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupForm(BaseUserCreationForm):
    """A new account: an e-mail address (the login) and a password typed twice."""

    class Meta:
        model = User
        fields = ["email"]
        labels = {"email": _("E-mail address")}
        help_texts = {"email": _("You log in with this address; password-reset links go to it.")}

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("An account with this e-mail address already exists. "
                  "Log in, or reset the password."),
                code="email_taken",
            )
        return email
