"""The volume band and the arrival figures of a landing day, on hand-made counts and event times."""

from datetime import date, datetime, timedelta

import polars as pl

from feedback_platform.lib.monitoring.arrival import VolumeBand, day_arrivals, day_volume

DAY = date(2026, 11, 10)
BAND = VolumeBand(low=0.5, high=2.0, window_days=7, min_history_days=2)


def _counts(*per_day: int) -> dict[date, int]:
    """Counts of the days before DAY (oldest first), followed by DAY's own count."""
    *history, today = per_day
    return {DAY - timedelta(days=len(history) - i): rows for i, rows in enumerate(history)} | {DAY: today}


# The baseline is the median of the preceding days, so one outlier day does not move it.
def test_baseline_is_the_median_of_preceding_days() -> None:
    volume = day_volume(_counts(100, 100, 1000, 100), DAY, BAND)
    assert (volume.baseline, volume.ratio, volume.within_band) == (100.0, 1.0, True)


# Below half or above twice the baseline is outside the band; the edges are inside.
def test_band_edges() -> None:
    assert day_volume(_counts(100, 100, 49), DAY, BAND).verdict == "below band"
    assert day_volume(_counts(100, 100, 50), DAY, BAND).within_band
    assert day_volume(_counts(100, 100, 200), DAY, BAND).within_band
    assert day_volume(_counts(100, 100, 201), DAY, BAND).verdict == "above band"


# Days before the window do not count, and too little history passes with that said.
def test_only_the_window_counts_and_short_history_passes() -> None:
    counts = {DAY - timedelta(days=8): 10_000, DAY - timedelta(days=1): 100, DAY: 1}
    volume = day_volume(counts, DAY, BAND)
    assert volume.within_band and volume.baseline is None and volume.history_days == 1
    assert volume.verdict.startswith("insufficient history")


# A day with no rows at all, after a normal week, is below the band.
def test_a_missing_day_is_below_band() -> None:
    counts = {DAY - timedelta(days=offset): 100 for offset in range(1, 8)}
    assert day_volume(counts, DAY, BAND).verdict == "below band"


# Hours before midnight come from the newest event; late events are those created before the landing day.
def test_arrivals_of_a_day() -> None:
    times = pl.DataFrame(
        {
            "landing_date": [DAY, DAY, DAY, DAY],
            "created_at": [
                datetime(2026, 11, 9, 23, 0),
                datetime(2026, 11, 10, 1, 0),
                datetime(2026, 11, 10, 18, 0),
                datetime(2026, 11, 10, 15, 30),
            ],
        }
    )
    (arrival, empty) = day_arrivals(times, [DAY, DAY + timedelta(days=1)])
    assert (arrival.events, arrival.hours_before_day_end, arrival.late_events, arrival.late_share) == (
        4,
        6.0,
        1,
        0.25,
    )
    assert (empty.events, empty.newest_event, empty.hours_before_day_end) == (0, None, None)
