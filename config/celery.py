"""The Celery application: background work (e-mail delivery, re-checks) for the workers.

Its settings are Django's ``CELERY_*`` settings (config/settings.py). Tasks live in each
app's ``tasks.py`` and are found automatically.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("eligibility")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
