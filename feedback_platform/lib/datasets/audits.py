"""What the audit of a dataset version looks for, as functions that return the offending rows.

Each function takes a version's rows (as stored: see `feedback_platform.lib.datasets.store`) and returns the
rows, or findings, that break one rule; an empty frame means the rule holds. The Dagster checks that gate
publication (defs/datasets/checks.py) and those on the curated tables (defs/curate/checks.py) call them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import polars as pl

from feedback_platform.lib.curation.finishing import split_expr
from feedback_platform.lib.curation.text_facts import prompt_key_expr
from feedback_platform.lib.pii import find_residual_pii
from feedback_platform.lib.redaction.frames import residual_pii

FREE_TEXT_COLUMNS = ("output", "reference", "completion", "chosen", "rejected")
"""Columns of dataset rows that hold text a person or a model wrote."""
NESTED_TEXT_FIELDS = {"messages": "content", "retrieved_context": "text"}
"""List-of-struct columns of dataset rows, and the struct field that holds their text."""


PREFERENCE_AUDIT_VERSION = "1"
"""The version of :func:`pairs_without_a_preference`: bump it when it would judge a stored pair differently,
so that the shards it passed before are judged again."""


_PAIR_IDS = ("pair_id", "pair_source", "chosen_response_id", "rejected_response_id")
PREFERENCE_COLUMNS = (*_PAIR_IDS, "chosen", "rejected")
"""The columns of a DPO pair :func:`pairs_without_a_preference` reads."""


def pairs_without_a_preference(pairs: pl.DataFrame) -> pl.DataFrame:
    """DPO pairs whose chosen text equals the rejected one (whitespace normalised), or either is empty."""
    chosen, rejected = _normalised("chosen"), _normalised("rejected")
    return pairs.filter((chosen == rejected) | (chosen == "") | (rejected == "")).select(_PAIR_IDS)


def _normalised(column: str) -> pl.Expr:
    return pl.col(column).fill_null("").str.replace_all(r"\s+", " ").str.strip_chars()


def rows_of_withheld_users(
    rows: pl.DataFrame, response_id_columns: list[str], response_signals: pl.DataFrame
) -> pl.DataFrame:
    """The responses used by `rows` whose user opted out of training or asked for erasure.

    `response_signals` needs `response_id` and `training_allowed` (false once the user opted out or erased).
    """
    withheld = response_signals.filter(~pl.col("training_allowed")).select("response_id")
    used = pl.concat([rows.select(response_id=pl.col(column)) for column in response_id_columns]).unique()
    return used.join(withheld, on="response_id", how="semi").sort("response_id")


SPLIT_AUDIT_VERSION = "1"
"""The version of :func:`rows_outside_their_prompts_split`: bump it when it would judge a stored row
differently, so that the shards it passed before are judged again."""


def rows_outside_their_prompts_split(rows: pl.DataFrame, validation_percent: int) -> pl.DataFrame:
    """Normalised prompts with rows in another split than the one the prompt is assigned under
    ``validation_percent`` (:func:`split_expr`), with the splits of those rows and how many there are.

    The split is a function of the prompt alone, so when no row is outside its prompt's split no prompt is
    in both train and validation, in these rows or in any version made of rows that pass: each row is
    judged alone, and a version's audit needs only its new shards."""
    prompt_key = prompt_key_expr(pl.col("messages"))
    return (
        rows.with_columns(prompt_key=prompt_key)
        .filter(pl.col("split").ne_missing(split_expr(pl.col("prompt_key"), validation_percent)))
        .group_by("prompt_key")
        .agg(splits=pl.col("split").unique().sort(), rows=pl.len())
        .sort("prompt_key")
    )


def prompt_keys_of(batches: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """The distinct normalised prompts (``prompt_key``) of the ``messages`` of rows read in ``batches``
    (say, a version's shards): one batch's messages are in memory at a time, then only the keys."""
    keys = [batch.select(prompt_key=prompt_key_expr(pl.col("messages"))).unique() for batch in batches]
    return (
        pl.concat(keys, how="vertical").unique() if keys else pl.DataFrame(schema={"prompt_key": pl.String})
    )


def prompts_shared_with(keys: pl.DataFrame, other_keys: pl.DataFrame) -> pl.DataFrame:
    """The normalised prompts that two sets of :func:`prompt_keys_of` both hold (e.g. an SFT and an eval
    version's)."""
    return keys.join(other_keys, on="prompt_key", how="semi").sort("prompt_key")


def rows_of_other_tenants(rows: pl.DataFrame, tenant_id: str) -> pl.DataFrame:
    """Row counts per tenant other than `tenant_id`: a per-tenant version must have none."""
    return (
        rows.filter(pl.col("tenant_id").ne_missing(tenant_id))
        .group_by("tenant_id")
        .agg(rows=pl.len())
        .sort("tenant_id")
    )


def rows_without_known_events(
    rows: pl.DataFrame, key_column: str, known_event_ids: pl.Series
) -> pl.DataFrame:
    """Rows whose lineage names no feedback event, or an event that is not among `known_event_ids`."""
    unknown = _row_events(rows, key_column).filter(
        pl.col("feedback_event_id").is_null() | ~pl.col("feedback_event_id").is_in(known_event_ids.implode())
    )
    return (
        unknown.group_by("row_id")
        .agg(unknown_events=pl.col("feedback_event_id").drop_nulls().unique().sort())
        .sort("row_id")
    )


def rows_selected_by(rows: pl.DataFrame, key_column: str, event_ids: pl.Series) -> pl.DataFrame:
    """Rows whose lineage names any of `event_ids`, each with those events."""
    used = _row_events(rows, key_column).filter(pl.col("feedback_event_id").is_in(event_ids.implode()))
    return used.group_by("row_id").agg(events=pl.col("feedback_event_id").unique().sort()).sort("row_id")


def _row_events(rows: pl.DataFrame, key_column: str) -> pl.DataFrame:
    """The feedback events each row names (``feedback_event_ids``): one (row_id, feedback_event_id) per event,
    and one with a null event for a row that names none. The events of the row's lineage
    (`feedback_platform.lib.datasets.index.lineage_rows`) without the cross product with its responses, which
    these audits do not need."""
    return rows.select(
        row_id=pl.col(key_column).cast(pl.String), feedback_event_id=pl.col("feedback_event_ids")
    ).explode("feedback_event_id", empty_as_null=True)


def residual_pii_in_rows(rows: pl.DataFrame, key_column: str) -> pl.DataFrame:
    """Emails, phone numbers, card numbers and credentials left in the rows' texts, masked: (id, field, kind,
    masked)."""
    return residual_pii(dataset_texts(rows, key_column), find_residual_pii)


def dataset_texts(rows: pl.DataFrame, key_column: str) -> pl.DataFrame:
    """Every free text of the rows, long: (id, field, text); ids and categorical columns are left out."""
    key = pl.col(key_column).cast(pl.String).alias("id")
    flat = [
        rows.select(key, field=pl.lit(column), text=pl.col(column))
        for column in FREE_TEXT_COLUMNS
        if column in rows.columns
    ]
    nested = [
        rows.select(key, field=pl.lit(f"{column}.{field}"), text=pl.col(column))
        .explode("text", empty_as_null=False)
        .with_columns(pl.col("text").struct.field(field).alias("text"))
        for column, field in NESTED_TEXT_FIELDS.items()
        if column in rows.columns
    ]
    texts = [frame.cast({"text": pl.String}) for frame in (*flat, *nested)]
    empty = pl.DataFrame(schema={"id": pl.String, "field": pl.String, "text": pl.String})
    return pl.concat([empty, *texts], how="vertical").drop_nulls("text")


def keys_repeated(
    con: duckdb.DuckDBPyConnection, parquet_files: Sequence[Path], key_column: str
) -> pl.DataFrame:
    """The values of ``key_column`` that more than one row of the Parquet files holds (say, a version's
    shards), with how many rows hold each (``rows``). DuckDB reads that one column of the files, within its
    memory limit, so a version's keys are judged together without holding them in Python."""
    if not parquet_files:
        return pl.DataFrame(schema={key_column: pl.String, "rows": pl.Int64})
    files = [str(path) for path in parquet_files]
    return con.sql(
        f'select "{key_column}"::varchar as "{key_column}", count(*) as rows from read_parquet(?)'
        " group by all having count(*) > 1 order by all",
        params=[files],
    ).pl()


def rows_not_judged(rows: pl.DataFrame, judged: pl.DataFrame) -> pl.DataFrame:
    """The ``rows`` that are not, value for value, one of the ``judged`` rows (same columns).

    Compared by a 64-bit hash of each row's values (nested lists and structs included): the chance that a
    new row hashes like one of 20,000 judged rows is about 1 in 10^15, and then that row would go
    unjudged."""
    seen = judged.hash_rows(seed=0).implode()
    return rows.filter(~rows.hash_rows(seed=0).is_in(seen))
