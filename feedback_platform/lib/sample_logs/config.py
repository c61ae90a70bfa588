"""Settings of one sample-log generation run."""

import datetime
from dataclasses import dataclass

STREAMS: tuple[str, ...] = ("responses", "feedback", "consent")
"""The three log streams, each a folder of the landing area."""

DAY_MS = 86_400_000
"""Milliseconds in a day: every event time is kept as milliseconds since midnight UTC of its day."""


@dataclass(frozen=True)
class SampleLogConfig:
    """How much sample data to write, from which day, with which seed (same config, same bytes)."""

    days: int = 7
    responses_per_day: int = 200
    seed: int = 7
    start_date: datetime.date = datetime.date(2026, 11, 1)

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError(f"days must be at least 1, got {self.days}")
        if self.responses_per_day < 1:
            raise ValueError(f"responses_per_day must be at least 1, got {self.responses_per_day}")

    def day(self, index: int) -> datetime.date:
        """The calendar date of the day with this 0-based index."""
        return self.start_date + datetime.timedelta(days=index)
