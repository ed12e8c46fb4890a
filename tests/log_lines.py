"""Log records as the site writes them: each one line of JSON, formatted as LOGGING says."""
import json
import logging

from django.conf import settings
from django.utils.module_loading import import_string

# What every line carries besides what it reports.
LINE_KEYS = {"time", "level", "logger", "message"}


def line_formatter() -> logging.Formatter:
    """The formatter of the site's console handler, built from the settings."""
    options = dict(settings.LOGGING["formatters"][settings.LOGGING["handlers"]["console"]
                                                    ["formatter"]])
    return import_string(options.pop("()"))(**options)


def log_line(record: logging.LogRecord) -> dict:
    """The record as written: one line, one JSON object."""
    text = line_formatter().format(record)
    assert "\n" not in text
    return json.loads(text)


def event_fields(record: logging.LogRecord) -> dict:
    """What an ``eligibility.events`` line reports: its event and fields."""
    return {key: value for key, value in log_line(record).items() if key not in LINE_KEYS}
