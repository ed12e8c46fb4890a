from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
import polib


class Command(BaseCommand):
    help = (
        "Compile every locale/*/LC_MESSAGES/*.po into its .mo file. Pure Python, so it "
        "needs no GNU gettext on the machine (Django's compilemessages does)."
    )

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
        if options["verbosity"] >= 1:
            self.stdout.write(f"Compiled {compiled} translation catalogue(s).")
