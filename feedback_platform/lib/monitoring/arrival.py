"""Whether a landing day looks complete: its volume against the days before it, how close to midnight
its events run, and how many of them were created on an earlier day.

Plain functions over row counts and event times, so the thresholds are tested without Dagster. A
landing day is the day folder lines arrived in (`landing_date`); `created_at` is when the event happened.
"""

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import duckdb
import polars as pl


@dataclass(frozen=True)
class VolumeBand:
    """A day's row count is expected within [low, high] x the median of up to `window_days` earlier days.

    With fewer than `min_history_days` earlier days present there is no baseline, and the day passes.
    """

    low: float = 0.5
    high: float = 2.0
    window_days: int = 7
    min_history_days: int = 2

    def describe(self) -> str:
        return (
            f"{self.low:.0%} to {self.high:.0%} of the median of up to {self.window_days} preceding "
            f"landing days (at least {self.min_history_days} needed)"
        )


@dataclass(frozen=True)
class DayVolume:
    landing_date: date
    count: int
    history_days: int
    baseline: float | None
    ratio: float | None
    within_band: bool
    verdict: str


def day_volume(daily_counts: Mapping[date, int], day: date, band: VolumeBand) -> DayVolume:
    """The day's count against the median count of the landing days before it within the window."""
    count = daily_counts.get(day, 0)
    window_start = day - timedelta(days=band.window_days)
    history = [rows for earlier, rows in daily_counts.items() if window_start <= earlier < day]
    if len(history) < band.min_history_days:
        verdict = (
            f"insufficient history: {len(history)} preceding landing days, {band.min_history_days} needed"
        )
        return DayVolume(day, count, len(history), None, None, True, verdict)
    baseline = float(statistics.median(history))
    ratio = count / baseline if baseline else float("inf") if count else 1.0
    within = band.low <= ratio <= band.high
    verdict = "within band" if within else ("below band" if ratio < band.low else "above band")
    return DayVolume(day, count, len(history), baseline, round(ratio, 3), within, verdict)


@dataclass(frozen=True)
class DayArrival:
    """When a landing day's events happened: the newest one, and how many predate the landing day."""

    landing_date: date
    events: int
    newest_event: datetime | None
    hours_before_day_end: float | None
    late_events: int
    late_share: float


def day_arrivals(event_times: pl.DataFrame, days: Sequence[date]) -> list[DayArrival]:
    """One DayArrival per day from (landing_date, created_at) rows; a day without rows has no newest event."""
    per_day = event_times.group_by("landing_date").agg(
        events=pl.len(),
        newest_event=pl.col("created_at").max(),
        late_events=(pl.col("created_at").dt.date() < pl.col("landing_date")).sum(),
    )
    found = {day: (events, newest, late) for day, events, newest, late in per_day.iter_rows()}
    return [_arrival(day, *found.get(day, (0, None, 0))) for day in days]


def _arrival(day: date, events: int, newest: datetime | None, late: int) -> DayArrival:
    if newest is None:
        return DayArrival(day, events, None, None, late, 0.0)
    hours_before_day_end = (datetime.combine(day + timedelta(days=1), time()) - newest).total_seconds() / 3600
    return DayArrival(day, events, newest, round(hours_before_day_end, 2), late, round(late / events, 4))


def daily_row_counts(con: duckdb.DuckDBPyConnection, table: str, first: date, last: date) -> dict[date, int]:
    """Rows per landing day of `table` between `first` and `last` inclusive; days without rows are absent."""
    rows = con.execute(
        f'select landing_date, count(*) from "{table}" where landing_date between ? and ? group by 1',
        [first, last],
    ).fetchall()
    return dict(rows)


def event_times(con: duckdb.DuckDBPyConnection, table: str, days: Sequence[date]) -> pl.DataFrame:
    """(landing_date, created_at) of every row of `table` that landed on one of `days`."""
    placeholders = ", ".join("?" for _ in days)
    return con.sql(
        f'select landing_date, created_at from "{table}" where landing_date in ({placeholders})',
        params=list(days),
    ).pl()
