# The Celery application is created with Django, so that tasks are registered in every process.
from .celery import app as celery_app

__all__ = ("celery_app",)
