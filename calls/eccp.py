"""The European Cluster Collaboration Platform (clustercollaboration.eu), where a member's
profile is published: the one definition of a profile's address, for the models, the forms
and the JSON contract alike."""
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

ECCP_URL_VALIDATOR = RegexValidator(
    r"^https://(www\.)?clustercollaboration\.eu(/|$)",
    _("Enter the https address of the profile on clustercollaboration.eu."),
)
