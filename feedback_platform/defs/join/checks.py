"""Suites on the joined marts for what their dbt tests do not already cover.

dbt tests the grains (unique, not null), the accepted signals and thumbs, rating and rate ranges, and
relationships (dbt_project/models/marts/*.yml). These suites add the rest a curator relies on: fields
dbt leaves untested are present, counts are not negative, and figures agree with each other (a response
with feedback cannot outnumber responses, a mean needs something to average). Each prepared
`inconsistent_*` column holds the row's key where a rule is broken, so failing samples point at rows.
They block: curation must not select from marts that disagree with themselves. The two incremental marts'
suites judge only the rows rebuilt since they last passed: each of their expectations judges a row alone.
"""

import polars as pl

from feedback_platform.defs.expectation_checks import expectation_suite_check

# Each typed column of feedback_with_responses and the one signal whose events fill it.
_TYPED_VALUE_OF_SIGNAL = {
    "thumb": "thumb",
    "rating": "rating",
    "comment_text": "comment",
    "edit_text": "edit",
    "dwell_seconds": "dwell",
    "reformulated_query": "reformulate",
    "outcome_name": "outcome",
}
_SIGNAL_COUNTS = [
    "thumbs_up",
    "thumbs_down",
    "ratings",
    "comments",
    "edits",
    "regenerations",
    "copies",
    "abandons",
    "reformulations",
    "outcomes",
]

_DAILY_AMOUNTS = ("responses_with_feedback", "thumbs_up", "thumbs_down", "ratings", "mean_dwell_seconds")


def _key_where(broken: pl.Expr, key: pl.Expr) -> pl.Expr:
    return pl.when(broken).then(key.cast(pl.String))


def _disagrees_with_count(column: str, count: pl.Expr) -> pl.Expr:
    """True where `column` is NULL despite a positive `count`, or set with none: a mean needs its events."""
    return pl.col(column).is_null() != (count == 0)


def _feedback_consistency(rows: pl.DataFrame) -> pl.DataFrame:
    misplaced = pl.any_horizontal(
        pl.col(column).is_not_null() != (pl.col("signal") == signal)
        for column, signal in _TYPED_VALUE_OF_SIGNAL.items()
    )
    return rows.with_columns(inconsistent_typed_value=_key_where(misplaced, pl.col("event_id")))


feedback_with_responses_values_are_complete_and_consistent = expectation_suite_check(
    asset="feedback_with_responses",
    name="feedback_with_responses_values_are_complete_and_consistent",
    description="Both users, both timestamps, the client and the late flag are present; feedback is not "
    "given before its response; each event fills exactly the typed column of its signal; dwell >= 0.",
    expectations=lambda gxe: [
        *(
            gxe.ExpectColumnValuesToNotBeNull(column=column)
            for column in ("user_id", "response_user_id", "feedback_created_at", "response_created_at")
        ),
        *(gxe.ExpectColumnValuesToNotBeNull(column=column) for column in ("client", "is_late", "model")),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="feedback_created_at", column_B="response_created_at", or_equal=True
        ),
        gxe.ExpectColumnValuesToBeBetween(column="dwell_seconds", min_value=0),
        gxe.ExpectColumnValuesToBeNull(column="inconsistent_typed_value"),
    ],
    prepare=_feedback_consistency,
    prepare_reads=["event_id", "signal", *_TYPED_VALUE_OF_SIGNAL],
    only_rows_built_since_last_pass=True,
)


def _signal_consistency(rows: pl.DataFrame) -> pl.DataFrame:
    key = pl.col("response_id")
    return rows.with_columns(
        signal_events_counted=pl.sum_horizontal(_SIGNAL_COUNTS),
        created_date=pl.col("created_at").dt.date(),
        inconsistent_mean_rating=_key_where(_disagrees_with_count("mean_rating", pl.col("ratings")), key),
    )


response_signals_counts_are_consistent = expectation_suite_check(
    asset="response_signals",
    name="response_signals_counts_are_consistent",
    description="Counts are not negative and add up to at most feedback_events (dwell events are not "
    "counted apart); response_date is created_at's day; mean_rating is set exactly when there are ratings.",
    expectations=lambda gxe: [
        *(gxe.ExpectColumnValuesToNotBeNull(column=column) for column in ("user_id", "created_at", "model")),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0)
            for column in ("feedback_events", *_SIGNAL_COUNTS, "dwell_seconds_total", "latency_ms")
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="feedback_events", column_B="signal_events_counted", or_equal=True
        ),
        gxe.ExpectColumnPairValuesToBeEqual(column_A="response_date", column_B="created_date"),
        gxe.ExpectColumnValuesToBeNull(column="inconsistent_mean_rating"),
    ],
    prepare=_signal_consistency,
    prepare_reads=["response_id", "created_at", "mean_rating", "ratings", *_SIGNAL_COUNTS],
    only_rows_built_since_last_pass=True,
)


def _daily_consistency(rows: pl.DataFrame) -> pl.DataFrame:
    key = pl.concat_str(pl.col("response_date").cast(pl.String), "tenant_id", "model", separator=" ")
    thumbs = pl.col("thumbs_up") + pl.col("thumbs_down")
    return rows.with_columns(
        inconsistent_thumbs_up_rate=_key_where(_disagrees_with_count("thumbs_up_rate", thumbs), key),
        inconsistent_mean_rating=_key_where(_disagrees_with_count("mean_rating", pl.col("ratings")), key),
    )


daily_quality_figures_are_consistent = expectation_suite_check(
    asset="daily_quality",
    name="daily_quality_figures_are_consistent",
    description="Every group has at least one response and no more responses with feedback than "
    "responses; counts and mean dwell are not negative; thumbs_up_rate and mean_rating are set exactly "
    "when there are thumbs or ratings to compute them from.",
    expectations=lambda gxe: [
        gxe.ExpectColumnValuesToBeBetween(column="responses", min_value=1),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="responses", column_B="responses_with_feedback", or_equal=True
        ),
        *(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0) for column in _DAILY_AMOUNTS),
        gxe.ExpectColumnValuesToBeNull(column="inconsistent_thumbs_up_rate"),
        gxe.ExpectColumnValuesToBeNull(column="inconsistent_mean_rating"),
    ],
    prepare=_daily_consistency,
    prepare_reads=[
        "response_date",
        "tenant_id",
        "model",
        "thumbs_up",
        "thumbs_down",
        "thumbs_up_rate",
        "mean_rating",
        "ratings",
    ],
)
