"""How much feedback reaches training: per feedback day and signal, the share of events that the latest
dataset versions draw on.

A feedback event has reached a dataset when a row of that dataset's latest version names it in its row
lineage. Only latest versions count, because a bare dataset name resolves to them (`datasets export`,
training-run registration): the rate says how much of a day's feedback the ML team trains and evaluates
on now. Events that can never reach a dataset (implicit signals the rules ignore, users who did not allow
training) stay in the denominator: what they cost is part of what the rate shows.
"""

from collections.abc import Sequence

import duckdb
import polars as pl

from feedback_platform.lib.datasets.row_lineage_table import LATEST_VERSION_LINEAGE
from feedback_platform.lib.warehouse import quote_identifier

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


def events_reached_sql(datasets: Sequence[str]) -> str:
    """SQL of each feedback event some row of a dataset's latest version traces to: ``event_id`` and, per
    dataset of ``datasets``, whether that dataset's latest version reaches it (:func:`reached_column`)."""
    flags = ", ".join(
        f"bool_or(dataset = {_literal(dataset)}) as {quote_identifier(reached_column(dataset))}"
        for dataset in datasets
    )
    return f"""
        select feedback_event_id as event_id{", " if flags else ""}{flags}
        from ({LATEST_VERSION_LINEAGE})
        where feedback_event_id is not null
        group by feedback_event_id"""


def daily_conversion(
    con: duckdb.DuckDBPyConnection, datasets: Sequence[str], *, feedback_table: str
) -> pl.DataFrame:
    """One row per (feedback day, signal): the events, how many reached each dataset and any of them.

    ``feedback_table`` needs event_id, signal and feedback_created_at; the lineage and the registry are the
    warehouse's (``dataset_row_lineage``, ``dataset_versions``). Counted by DuckDB, so what Python holds is
    the counts, not the events or the lineage of the history.
    """
    counts = _reached_counts(datasets)
    counted = con.sql(
        f"""
        with reached as ({events_reached_sql(datasets)})
        select
            cast(feedback.feedback_created_at as date) as feedback_date,
            feedback.signal,
            count(*) as signals,
            count(reached.event_id) as reached_any_dataset{", " if counts else ""}{counts}
        from {quote_identifier(feedback_table)} as feedback
        left join reached using (event_id)
        group by all
        """
    ).pl()
    schema = conversion_schema(datasets)
    return (
        counted.with_columns(conversion_rate=pl.col("reached_any_dataset") / pl.col("signals"))
        .select(schema.names())
        .cast(dict(schema))
        .sort(DAY_COLUMNS)
    )


def events_reached_per_dataset(con: duckdb.DuckDBPyConnection, datasets: Sequence[str]) -> dict[str, int]:
    """Per dataset, the distinct feedback events its latest version's rows trace to."""
    if not datasets:
        return {}
    (row,) = con.execute(
        f"select {_reached_counts(datasets)} from ({events_reached_sql(datasets)}) as reached"
    ).fetchall()
    return {dataset: int(count) for dataset, count in zip(datasets, row, strict=True)}


def _reached_counts(datasets: Sequence[str]) -> str:
    """Per dataset, the count of the events the relation ``reached`` (:func:`events_reached_sql`) flags as
    reached by it, named as its flag: comma-joined select items, empty without datasets."""
    return ", ".join(
        f"count(*) filter (where reached.{quote_identifier(reached_column(dataset))})"
        f" as {quote_identifier(reached_column(dataset))}"
        for dataset in datasets
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def conversion_by_day(conversion: pl.DataFrame) -> pl.DataFrame:
    """The per-signal rows summed to one row per feedback day, with that day's overall rate."""
    return (
        conversion.group_by("feedback_date")
        .agg(pl.col("signals").sum(), pl.col("reached_any_dataset").sum())
        .with_columns(conversion_rate=pl.col("reached_any_dataset") / pl.col("signals"))
        .sort("feedback_date")
    )
