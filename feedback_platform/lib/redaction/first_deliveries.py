"""Which rows of a landing-day table are an event's first delivery, and which a producer's re-delivery.

A file re-delivered on a later landing day holds events the platform already has: ingest keeps the line (the
raw tables are the log as delivered) and dbt keeps the first delivery. What counts events must do the same,
or a re-delivery counts twice: the redaction audit counts each event where it first landed.
"""

import duckdb
import polars as pl

from feedback_platform.lib.warehouse import quote_identifier

_WANTED = "_first_delivery_ids"


def first_deliveries(
    con: duckdb.DuckDBPyConnection, rows: pl.DataFrame, table: str, id_column: str
) -> pl.DataFrame:
    """The rows of `rows` (rows of `table`) on the earliest landing day `table` holds their id on.

    A day processed before an earlier one that re-delivers its events (a backfill run out of order) keeps
    them until it runs again."""
    identifier = quote_identifier(id_column)
    con.register(_WANTED, rows.select(pl.col(id_column).unique()).to_arrow())
    try:
        first = con.sql(
            f"select {identifier}, min(landing_date) as first_landing_date"
            f" from {quote_identifier(table)} join {_WANTED} using ({identifier}) group by 1"
        ).pl()
    finally:
        con.unregister(_WANTED)
    return (
        rows.join(first, on=id_column, how="left", maintain_order="left")
        .filter(
            pl.col("first_landing_date").is_null() | (pl.col("landing_date") <= pl.col("first_landing_date"))
        )
        .drop("first_landing_date")
    )
