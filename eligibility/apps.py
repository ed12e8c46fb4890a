from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EligibilityConfig(AppConfig):
    name = "eligibility"
    verbose_name = _("Eligibility")

    def ready(self) -> None:
        # The calls application, a layer below, validates and explains its rules through
        # the kinds of rule this application defines.
        from calls import rule_kinds

        from .catalogue import RuleCatalogue

        rule_kinds.provide(RuleCatalogue())
