"""English display formats in the style of EU institutions: day before month, 24-hour clock.

Only display formats change; input formats stay Django's, so a form parses what it did before.
"""
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1
