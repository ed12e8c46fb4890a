from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

EMAIL_MAX_LENGTH = 254


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
        return self.get(email__iexact=username)


class User(AbstractUser):
    email = models.EmailField(_("e-mail address"), max_length=EMAIL_MAX_LENGTH, unique=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()

    def save(self, *args, **kwargs):
        self.username = self.email
        super().save(*args, **kwargs)
