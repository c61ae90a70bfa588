"""Warnings that a landing day looks incomplete: too few or too many rows against the days before it,
events that stop hours before midnight (a truncated delivery), or an unusual share of late events.

They warn rather than block: a quiet holiday or a client's catch-up delivery is real data, and a person
should look before anything is held back. A run over several landing days reports every day under
`days` and the last day's figures at the top level.
"""

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, timedelta

import dagster as dg

from feedback_platform.defs.partitions import daily_landing_partitions
from feedback_platform.lib.monitoring.arrival import (
    DayArrival,
    DayVolume,
    VolumeBand,
    daily_row_counts,
    day_arrivals,
    day_volume,
    event_times,
)
from feedback_platform.resources import DUCKDB_POOL, Warehouse

VOLUME_BAND = VolumeBand(low=0.5, high=2.0, window_days=7, min_history_days=2)

MAX_HOURS_BEFORE_DAY_END = 6.0
"""The sample's landing days end 1.1 to 2.5 hours before midnight; a day stopping 6 hours early was cut."""

MAX_LATE_EVENT_SHARE = 0.10
"""The sample's share of feedback created before its landing day is 0 to 2.3%; 10% leaves headroom."""


def _volume_check(table: str) -> dg.AssetChecksDefinition:
    @_arrival_check(
        table,
        f"{table}_volume_near_trailing_median",
        f"Each landing day's row count is {VOLUME_BAND.describe()}.",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        days = _days(context)
        with warehouse.connect() as con:
            window_start = min(days) - timedelta(days=VOLUME_BAND.window_days)
            counts = daily_row_counts(con, table, window_start, max(days))
        volumes = [day_volume(counts, day, VOLUME_BAND) for day in days]
        last = volumes[-1]
        return _warning(
            passed=all(volume.within_band for volume in volumes),
            count=last.count,
            baseline=last.baseline,
            ratio=last.ratio,
            verdict=last.verdict,
            band=VOLUME_BAND.describe(),
            days=_records(volumes),
        )

    return _check


def _last_event_check(table: str) -> dg.AssetChecksDefinition:
    @_arrival_check(
        table,
        f"{table}_last_event_near_end_of_landing_day",
        f"The newest created_at of each landing day is within {MAX_HOURS_BEFORE_DAY_END:g} hours of the "
        "day's end: events that stop early signal a truncated delivery.",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        arrivals = _arrivals(context, warehouse, table)
        last = arrivals[-1]
        return _warning(
            passed=all(
                arrival.hours_before_day_end is not None
                and arrival.hours_before_day_end <= MAX_HOURS_BEFORE_DAY_END
                for arrival in arrivals
            ),
            newest_event=str(last.newest_event),
            hours_before_day_end=last.hours_before_day_end,
            max_hours_before_day_end=MAX_HOURS_BEFORE_DAY_END,
            days=_records(arrivals),
        )

    return _check


def _late_share_check(table: str) -> dg.AssetChecksDefinition:
    @_arrival_check(
        table,
        f"{table}_late_event_share_within_limit",
        f"At most {MAX_LATE_EVENT_SHARE:.0%} of a landing day's events were created on an earlier day.",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        arrivals = _arrivals(context, warehouse, table)
        last = arrivals[-1]
        return _warning(
            passed=all(arrival.late_share <= MAX_LATE_EVENT_SHARE for arrival in arrivals),
            events=last.events,
            late_events=last.late_events,
            late_share=last.late_share,
            max_late_share=MAX_LATE_EVENT_SHARE,
            days=_records(arrivals),
        )

    return _check


def _arrival_check(
    table: str, name: str, description: str
) -> Callable[[Callable[..., dg.AssetCheckResult]], dg.AssetChecksDefinition]:
    """A warning-only check on one landing day's table, reading the warehouse directly."""
    return dg.asset_check(
        asset=table,
        name=name,
        description=description,
        partitions_def=daily_landing_partitions,
        blocking=False,
        pool=DUCKDB_POOL,
    )


def _days(context: dg.AssetCheckExecutionContext) -> list[date]:
    return [date.fromisoformat(key) for key in context.partition_keys]


def _arrivals(context: dg.AssetCheckExecutionContext, warehouse: Warehouse, table: str) -> list[DayArrival]:
    days = _days(context)
    with warehouse.connect() as con:
        return day_arrivals(event_times(con, table, days), days)


def _warning(passed: bool, **metadata: object) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=passed, severity=dg.AssetCheckSeverity.WARN, metadata=metadata)


def _records(entries: Sequence[DayVolume | DayArrival]) -> dg.MetadataValue:
    """Per-day figures as JSON; dates and times as ISO text."""
    return dg.MetadataValue.json(
        [
            {
                key: value.isoformat() if hasattr(value, "isoformat") else value
                for key, value in dataclasses.asdict(entry).items()
            }
            for entry in entries
        ]
    )


raw_responses_volume_near_trailing_median = _volume_check("raw_responses")
raw_feedback_volume_near_trailing_median = _volume_check("raw_feedback")
raw_responses_last_event_near_end_of_landing_day = _last_event_check("raw_responses")
raw_feedback_last_event_near_end_of_landing_day = _last_event_check("raw_feedback")
raw_feedback_late_event_share_within_limit = _late_share_check("raw_feedback")
