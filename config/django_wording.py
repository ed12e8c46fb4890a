"""Django's own messages that our pages show, worded again in our catalogue (locale/).

Django's Romanian catalogue writes a few of the messages an applicant meets with cedilla
letters ("Introduceţi") or without a diacritic ("sa" for "să"). Our catalogue takes
precedence over Django's (LOCALE_PATHS), and listing the messages here keeps them in it
whenever ``makemessages`` runs. Nothing imports this module: it only marks the messages.
"""
from django.utils.translation import gettext_noop

DJANGO_MESSAGES_WORDED_AGAIN = (
    # Form fields and validators.
    gettext_noop("Enter a number."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    # Member rows of a consortium (inline formset).
    gettext_noop("Please correct the duplicate data for %(field)s."),
    gettext_noop("Please correct the duplicate data for %(field)s, which must be unique."),
    gettext_noop("Please correct the duplicate values below."),
    # Log-in and sign-up.
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both "
        "fields may be case-sensitive."
    ),
    gettext_noop("Your password can’t be too similar to your other personal information."),
)
