from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager as DjangoUserManager
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

EMAIL_MAX_LENGTH = 254
EMAIL_TAKEN = _("An account with this e-mail address already exists. Log in, or reset the "
                "password.")


def normalised_email(address: str) -> str:
    """The one spelling of an address that counts: spaces around it removed, lower-cased.

    Accounts are unique by it (whatever the case typed) and failed logins are counted by it.
    """
    return (address or "").strip().lower()


class UserManager(DjangoUserManager):
    """Users sign in with their e-mail address; the username is the same address."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username)
        # Django's own helper, which its stubs leave out as private.
        return super()._create_user(email, email, password, **extra_fields)  # type: ignore[misc]

    # Without Django's ``username`` argument: the e-mail address is the username.
    def create_user(  # type: ignore[override]
        self, email=None, password=None, **extra_fields
    ):
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email=None, password=None, **extra_fields
    ):
        return super().create_superuser(email, email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Django's login form does not limit the length it accepts. An address longer than
        # any stored one names nobody, and SQLite refuses such a long case-insensitive match.
        if len(username) > EMAIL_MAX_LENGTH:
            raise self.model.DoesNotExist
        return self.with_email(username).get()

    def with_email(self, address: str) -> models.QuerySet:
        """The account of ``address`` whatever its case: at most one, as the database's
        constraint on the lower-cased address ensures (the same LOWER() as the constraint)."""
        return self.alias(email_key=Lower("email")).filter(
            email_key=Lower(Value(address.strip(), output_field=models.EmailField()))
        )


class User(AbstractUser):
    email = models.EmailField(_("e-mail address"), max_length=EMAIL_MAX_LENGTH, unique=True)
    signup_pending = models.BooleanField(
        _("sign-up not confirmed yet"), default=False,
        help_text=_("Signed up, and the link e-mailed to the address not opened yet: the "
                    "account cannot log in until it is."),
    )

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE,
        help_text=_("The language of the e-mails the site sends you."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="user_email_unique_whatever_its_case",
                violation_error_message=EMAIL_TAKEN,
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="user_language_offered",
            ),
        ]

    def save(self, *args, **kwargs):
        self.username = self.email
        super().save(*args, **kwargs)
