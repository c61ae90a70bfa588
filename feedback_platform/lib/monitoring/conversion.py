"""How much feedback reaches training: per feedback day and signal, the share of events that the latest
dataset versions draw on.

A feedback event has reached a dataset when a row of that dataset's latest version names it in its row
lineage. Only latest versions count, because a bare dataset name resolves to them (`datasets export`,
training-run registration): the rate says how much of a day's feedback the ML team trains and evaluates
on now. Events that can never reach a dataset (implicit signals the rules ignore, users who did not allow
training) stay in the denominator: what they cost is part of what the rate shows.
"""

from collections.abc import Sequence

import polars as pl

DAY_COLUMNS = ("feedback_date", "signal")


def reached_column(dataset: str) -> str:
    """The column counting a day's events that the latest version of `dataset` draws on."""
    return f"reached_{dataset}"


def conversion_schema(datasets: Sequence[str]) -> pl.Schema:
    return pl.Schema(
        {
            "feedback_date": pl.Date,
            "signal": pl.String,
            "signals": pl.UInt32,
            "reached_any_dataset": pl.UInt32,
            "conversion_rate": pl.Float64,
            **{reached_column(dataset): pl.UInt32 for dataset in datasets},
        }
    )


def events_in_latest_versions(lineage: pl.DataFrame, versions: pl.DataFrame) -> pl.DataFrame:
    """(dataset, event_id) for each feedback event some row of a dataset's latest version traces to."""
    latest = versions.filter(pl.col("latest")).select(dataset="name", version="version")
    return (
        lineage.join(latest, on=["dataset", "version"])
        .filter(pl.col("feedback_event_id").is_not_null())
        .select("dataset", event_id="feedback_event_id")
        .unique()
    )


def daily_conversion(
    feedback: pl.DataFrame, lineage: pl.DataFrame, versions: pl.DataFrame, datasets: Sequence[str]
) -> pl.DataFrame:
    """One row per (feedback day, signal): the events, how many reached each dataset and any of them.

    `feedback` needs event_id, signal and feedback_created_at; `lineage` and `versions` are the
    `dataset_row_lineage` and `dataset_versions` tables.
    """
    reached = events_in_latest_versions(lineage, versions)
    flagged = feedback.select(
        "signal",
        feedback_date=pl.col("feedback_created_at").dt.date(),
        reached_any_dataset=pl.col("event_id").is_in(reached["event_id"].implode()),
        **{
            reached_column(dataset): pl.col("event_id").is_in(
                reached.filter(pl.col("dataset") == dataset)["event_id"].implode()
            )
            for dataset in datasets
        },
    )
    counted = ["reached_any_dataset", *(reached_column(dataset) for dataset in datasets)]
    schema = conversion_schema(datasets)
    return (
        flagged.group_by(DAY_COLUMNS)
        .agg(pl.len().alias("signals"), *(pl.col(column).sum() for column in counted))
        .with_columns(conversion_rate=pl.col("reached_any_dataset") / pl.col("signals"))
        .select(schema.names())
        .cast(dict(schema))
        .sort(DAY_COLUMNS)
    )


def conversion_by_day(conversion: pl.DataFrame) -> pl.DataFrame:
    """The per-signal rows summed to one row per feedback day, with that day's overall rate."""
    return (
        conversion.group_by("feedback_date")
        .agg(pl.col("signals").sum(), pl.col("reached_any_dataset").sum())
        .with_columns(conversion_rate=pl.col("reached_any_dataset") / pl.col("signals"))
        .sort("feedback_date")
    )
