from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """What belongs to the whole site rather than to one app: settings, form fields that read
    the page's language, the template tags every page uses (error summary, navigation links,
    messages) and commands such as ``compile_translations``. Every app may import it; it
    imports none of them (``config.urls``, which puts the apps' pages together, aside)."""

    name = "config"
    verbose_name = _("Whole site")
