"""Deliver the e-mails that are due: run it every minute from cron where there is no
Celery worker (docs/OPERATIONS.md). Safe to run while other deliverers run."""
from django.core.management.base import BaseCommand

from outbox.services import messages_deliver


class Command(BaseCommand):
    help = ("Deliver the pending e-mails whose next attempt is due, and mark uncertain those "
            "whose sending process stopped mid-send.")

    def handle(self, *args, **options) -> None:
        delivery = messages_deliver()
        self.stdout.write(
            f"Sent {len(delivery.sent)}, failed {len(delivery.failed)} (kept for a later "
            f"attempt), newly uncertain {delivery.uncertain}."
        )
        if delivery.uncertain:
            self.stderr.write(
                "Uncertain e-mails need a person: see 'Outgoing e-mails' in the admin."
            )
