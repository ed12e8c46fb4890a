"""The one receiver of a Django signal in accounts: a login made in a language makes it the
user's preferred language (Django's login views are not ours to change)."""
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .models import User
from .services import language_remember


@receiver(user_logged_in, dispatch_uid="accounts.language_on_login")
def language_on_login(sender, request, user, **kwargs) -> None:
    if isinstance(user, User):
        language_remember(user=user)
