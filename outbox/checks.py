"""A warning at start-up for a setting that would make e-mails useless."""
from django.conf import settings
from django.core.checks import Warning, register


@register()
def site_url_set(app_configs, **kwargs) -> list[Warning]:
    """E-mails link to the site: without ``SITE_URL`` (and outside development) the links
    they carry are bare paths that no mail reader can open."""
    if settings.DEBUG or settings.SITE_URL:
        return []
    return [Warning(
        "SITE_URL is not set: links in the e-mails will have no address.",
        hint="Set SITE_URL to the site's address, e.g. https://check.example.org.",
        id="outbox.W001",
    )]
