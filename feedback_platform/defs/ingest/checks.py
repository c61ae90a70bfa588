"""Checks on the raw tables: what the log contract cannot say, and that no line went missing."""

from datetime import date
from typing import Any

import dagster as dg
import polars as pl

from feedback_platform.defs.expectation_checks import expectation_suite_check
from feedback_platform.defs.partitions import daily_landing_partitions
from feedback_platform.defs.schema_checks import table_schema_check
from feedback_platform.lib.logs.quarantine_share import broken_lines, days_over_limit, describe
from feedback_platform.lib.logs.validation import STREAMS, count_landing_lines
from feedback_platform.resources import DUCKDB_POOL, LandingZone, QuarantineLimits

raw_responses_have_unique_ids_and_required_fields = expectation_suite_check(
    asset="raw_responses",
    name="raw_responses_have_unique_ids_and_required_fields",
    description="response_id is unique within a landing day; ids, timestamp and model are present.",
    expectations=lambda gxe: [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["landing_date", "response_id"]),
        *(
            gxe.ExpectColumnValuesToNotBeNull(column=column)
            for column in ("response_id", "conversation_id", "tenant_id", "user_id", "created_at", "model")
        ),
        gxe.ExpectColumnValuesToBeBetween(column="latency_ms", min_value=0),
    ],
    partitions_def=daily_landing_partitions,
)

raw_feedback_has_unique_ids_and_required_fields = expectation_suite_check(
    asset="raw_feedback",
    name="raw_feedback_has_unique_ids_and_required_fields",
    description="event_id is unique within a landing day (a re-delivery may land on a later day); "
    "ids, timestamp and signal are present.",
    expectations=lambda gxe: [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["landing_date", "event_id"]),
        *(
            gxe.ExpectColumnValuesToNotBeNull(column=column)
            for column in ("event_id", "response_id", "tenant_id", "user_id", "created_at", "signal")
        ),
    ],
    partitions_def=daily_landing_partitions,
)

rating_within_one_to_five = expectation_suite_check(
    asset="raw_feedback",
    name="rating_within_one_to_five",
    description="Every rating is an integer from 1 to 5. The log contract quarantines any other at ingest;"
    " this catches one that reached the table another way (written by hand, an edited schema).",
    expectations=lambda gxe: [gxe.ExpectColumnValuesToBeBetween(column="rating", min_value=1, max_value=5)],
    prepare=lambda rows: rows.filter(pl.col("signal") == "rating").with_columns(
        rating=pl.col("value").cast(pl.Int64, strict=False)
    ),
    partitions_def=daily_landing_partitions,
)

raw_consent_has_known_actions = expectation_suite_check(
    asset="raw_consent",
    name="raw_consent_has_known_actions",
    description="Every consent event names a user, a tenant, a time and a known action.",
    expectations=lambda gxe: [
        *(
            gxe.ExpectColumnValuesToNotBeNull(column=column)
            for column in ("user_id", "tenant_id", "created_at")
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="action", value_set=["opt_out_training", "opt_in_training", "erase"]
        ),
    ],
    partitions_def=daily_landing_partitions,
)

raw_responses_schema_matches_contract = table_schema_check("raw_responses")
raw_feedback_schema_matches_contract = table_schema_check("raw_feedback")
raw_consent_schema_matches_contract = table_schema_check("raw_consent")
quarantined_rows_schema_matches_contract = table_schema_check("quarantined_rows")


_LANDING_DATE_ONLY = {"columns": ["landing_date"]}
"""The raw tables' rows are only counted here: their text is not read."""


_line_count_check = dg.asset_check(
    asset="quarantined_rows",
    additional_ins={
        f"raw_{stream}": dg.AssetIn(f"raw_{stream}", metadata=_LANDING_DATE_ONLY) for stream in STREAMS
    },
    partitions_def=daily_landing_partitions,
    blocking=True,
    pool=DUCKDB_POOL,
)
"""A blocking check of `quarantined_rows` per landing day that also counts the raw tables' rows."""


def _day_counts(
    context: dg.AssetCheckExecutionContext, quarantined_rows: pl.DataFrame, kept: dict[str, pl.DataFrame]
) -> list[dict[str, Any]]:
    """Per landing day and stream: rows kept, lines quarantined, and of those the lines a producer broke (not
    the platform's tombstones)."""
    broken = broken_lines(quarantined_rows)
    return [
        {
            "landing_date": str(day),
            "stream": stream,
            "kept": kept[stream].filter(pl.col("landing_date") == day).height,
            "quarantined": quarantined_rows.filter(
                (pl.col("landing_date") == day) & (pl.col("stream") == stream)
            ).height,
            "broken": broken.filter((pl.col("landing_date") == day) & (pl.col("stream") == stream)).height,
        }
        for day in (date.fromisoformat(key) for key in context.partition_keys)
        for stream in STREAMS
    ]


@_line_count_check
def every_landing_line_is_accounted_for(
    context: dg.AssetCheckExecutionContext,
    landing: LandingZone,
    quarantined_rows: pl.DataFrame,
    raw_responses: pl.DataFrame,
    raw_feedback: pl.DataFrame,
    raw_consent: pl.DataFrame,
) -> dg.AssetCheckResult:
    """Recounts the landing files: per stream and day, lines read = rows kept + rows quarantined."""
    kept = {"responses": raw_responses, "feedback": raw_feedback, "consent": raw_consent}
    balance = [
        {
            **entry,
            "lines": count_landing_lines(
                landing.path, entry["stream"], date.fromisoformat(entry["landing_date"])
            ),
        }
        for entry in _day_counts(context, quarantined_rows, kept)
    ]
    unbalanced = [entry for entry in balance if entry["lines"] != entry["kept"] + entry["quarantined"]]
    return dg.AssetCheckResult(
        passed=not unbalanced,
        metadata={
            "lines_read": sum(entry["lines"] for entry in balance),
            "unbalanced": dg.MetadataValue.json(unbalanced),
        },
    )


@_line_count_check
def quarantined_share_within_limit(
    context: dg.AssetCheckExecutionContext,
    quarantine_limits: QuarantineLimits,
    quarantined_rows: pl.DataFrame,
    raw_responses: pl.DataFrame,
    raw_feedback: pl.DataFrame,
    raw_consent: pl.DataFrame,
) -> dg.AssetCheckResult:
    """No stream of a landing day has more of its lines quarantined than the limit allows: past it the
    producer is broken, and the rows that got through are a biased remainder. Blocking, so that day's
    rows go no further until the producer is mended and the day re-run (or the limit raised)."""
    limit = quarantine_limits.limit()
    kept = {"responses": raw_responses, "feedback": raw_feedback, "consent": raw_consent}
    counts = _day_counts(context, quarantined_rows, kept)
    over = days_over_limit(counts, quarantined_rows, limit)
    return dg.AssetCheckResult(
        passed=not over,
        description=describe(over) or None,
        metadata={
            "max_share": limit.max_share,
            "min_lines": limit.min_lines,
            "over_limit": dg.MetadataValue.json(over),
            "counts": dg.MetadataValue.json(counts),
        },
    )
