"""Event times: integer milliseconds since midnight UTC, written as ISO-8601 with a `Z`."""

import datetime


def format_timestamp(day: datetime.date, ms: int) -> str:
    """`2026-11-01T13:45:12.345Z` for `ms` milliseconds after midnight UTC of `day` (may run past it)."""
    moment = datetime.datetime(day.year, day.month, day.day) + datetime.timedelta(milliseconds=ms)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"
