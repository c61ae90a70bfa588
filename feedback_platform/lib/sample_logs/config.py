"""Settings of one sample-log generation run."""

import datetime
from dataclasses import dataclass

from feedback_platform.lib.sample_logs.catalog import MODELS

STREAMS: tuple[str, ...] = ("responses", "feedback", "consent")
"""The three log streams, each a folder of the landing area."""

DAY_MS = 86_400_000
"""Milliseconds in a day: every event time is kept as milliseconds since midnight UTC of its day."""


@dataclass(frozen=True)
class ModelDegradation:
    """A model whose chance of a good answer falls by `quality_drop` from day `from_day` (0-based) on, so
    that the quality-drift check has a real degradation to find in generated logs."""

    model: str
    from_day: int
    quality_drop: float

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}; the sample serves {', '.join(MODELS)}")
        if self.from_day < 0:
            raise ValueError(f"from_day must be at least 0, got {self.from_day}")
        if not 0 < self.quality_drop <= 1:
            raise ValueError(f"quality_drop must be in (0, 1], got {self.quality_drop}")


@dataclass(frozen=True)
class SampleLogConfig:
    """How much sample data to write, from which day, with which seed (same config, same bytes)."""

    days: int = 7
    responses_per_day: int = 200
    seed: int = 7
    start_date: datetime.date = datetime.date(2026, 11, 1)
    degradation: ModelDegradation | None = None
    """Off by default; a default config writes exactly the bytes it always has."""
    realistic_text: bool = False
    """Unique outputs of 100-400 words and unique user turns (see `running_text`), for benchmarks at
    production volume; off by default, like `degradation`."""

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError(f"days must be at least 1, got {self.days}")
        if self.responses_per_day < 1:
            raise ValueError(f"responses_per_day must be at least 1, got {self.responses_per_day}")

    def quality_drops(self, day_index: int) -> dict[str, float]:
        """How much each model's chance of a good answer falls on this day (empty: no model degraded)."""
        degradation = self.degradation
        if degradation is None or day_index < degradation.from_day:
            return {}
        return {degradation.model: degradation.quality_drop}

    def day(self, index: int) -> datetime.date:
        """The calendar date of the day with this 0-based index."""
        return self.start_date + datetime.timedelta(days=index)
