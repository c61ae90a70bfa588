"""Redacted tables: the raw tables with every free-text field passed through the PII engine.

Nothing downstream of this layer reads a raw table that holds free text. With pseudonyms on, the scope of
a pseudonym is the conversation: a response's own, and for a feedback event the conversation of the
response it rates, looked up in raw_responses (all landing days, since feedback can arrive days later).
"""

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

import dagster as dg
import duckdb
import polars as pl

from feedback_platform.defs.partitions import daily_landing_partitions, landing_backfill_policy
from feedback_platform.lib.pii import ENGINE_VERSION
from feedback_platform.lib.redaction.first_deliveries import first_deliveries
from feedback_platform.lib.redaction.frames import (
    UNSCOPED,
    feedback_texts,
    placeholder_counts,
    redact_feedback,
    redact_responses,
    response_texts,
)
from feedback_platform.resources import DUCKDB_POOL, PARTITION_COLUMN_KEY, PiiRedaction, Warehouse

if TYPE_CHECKING:
    from feedback_platform.lib.pii.bulk import RedactionStats  # imports Presidio: only when redacting

_redacted_table = {
    "partitions_def": daily_landing_partitions,
    "backfill_policy": landing_backfill_policy,
    "group_name": "redact",
    "pool": DUCKDB_POOL,
    "metadata": {PARTITION_COLUMN_KEY: "landing_date"},
    "kinds": {"duckdb", "polars"},
    "code_version": ENGINE_VERSION,
}


@dg.asset(**_redacted_table)
def redacted_responses(
    context: dg.AssetExecutionContext, raw_responses: pl.DataFrame, pii: PiiRedaction
) -> pl.DataFrame:
    """Responses with PII in messages, retrieved documents and output replaced by placeholders."""
    scope = pl.col("conversation_id") if pii.pseudonymizes else UNSCOPED
    redactor = pii.redactor()
    before = replace(redactor.stats)
    redacted = redact_responses(raw_responses, redactor.redact, scope)
    context.add_output_metadata(_redaction_metadata(pii, redactor.stats.since(before)))
    return redacted


@dg.asset(**_redacted_table, deps=["raw_responses"])
def redacted_feedback(
    context: dg.AssetExecutionContext, raw_feedback: pl.DataFrame, pii: PiiRedaction, warehouse: Warehouse
) -> pl.DataFrame:
    """Feedback events with PII in comments, edits and reformulated queries replaced by placeholders."""
    redactor = pii.redactor()
    before = replace(redactor.stats)
    if not pii.pseudonymizes:
        redacted = redact_feedback(raw_feedback, redactor.redact)
    else:
        with warehouse.connect() as con:
            events = raw_feedback.join(
                _conversations_of_responses(con, raw_feedback.get_column("response_id")),
                on="response_id",
                how="left",
                maintain_order="left",
            )
        # A response that has not landed yet has no known conversation: its events get a scope of their own.
        scope = pl.coalesce("conversation_id", pl.lit("response:") + pl.col("response_id"))
        redacted = redact_feedback(events, redactor.redact, scope).drop("conversation_id")
    context.add_output_metadata(_redaction_metadata(pii, redactor.stats.since(before)))
    return redacted


def _redaction_metadata(pii: PiiRedaction, work: "RedactionStats") -> dict[str, str | int]:
    """The engine and placeholders used, and where this step's redactions came from: texts seen, distinct
    ones, those the cache held, and those analysed (by the worker processes, of those)."""
    placeholders = "pseudonyms" if pii.pseudonymizes else "typed"
    return {
        "pii_engine_version": ENGINE_VERSION,
        "placeholders": placeholders,
        "texts": work.texts,
        "texts_distinct": work.distinct,
        "texts_from_cache": work.cached,
        "texts_analysed": work.analysed,
        "texts_analysed_by_workers": work.pooled,
    }


def _conversations_of_responses(con: duckdb.DuckDBPyConnection, response_ids: pl.Series) -> pl.DataFrame:
    """(response_id, conversation_id) for the given responses that raw_responses holds, any landing day."""
    wanted = pl.DataFrame({"response_id": response_ids.unique()})
    con.register("wanted_responses", wanted.to_arrow())
    try:
        return con.sql(
            "select response_id, any_value(conversation_id) as conversation_id"
            " from raw_responses join wanted_responses using (response_id) group by response_id"
        ).pl()
    finally:
        con.unregister("wanted_responses")


class _AuditedTable(NamedTuple):
    id_column: str
    texts: Callable[[pl.DataFrame], pl.DataFrame]


_AUDITED = {
    "redacted_responses": _AuditedTable("response_id", response_texts),
    "redacted_feedback": _AuditedTable("event_id", feedback_texts),
}
"""The tables the redaction audit counts, with the id of a row and its free texts."""


@dg.asset(**_redacted_table)
def redaction_audit(
    context: dg.AssetExecutionContext,
    redacted_responses: pl.DataFrame,
    redacted_feedback: pl.DataFrame,
    warehouse: Warehouse,
) -> pl.DataFrame:
    """Per redacted row, how many entities of each type were replaced, and by which engine version.

    Never a raw value: the counts come from the typed placeholders in the redacted text. Each event counts
    once, on the landing day it first arrived: a line re-delivered on a later day is left out there
    (`first_deliveries`), so totals over days do not count it twice."""
    delivered = {"redacted_responses": redacted_responses, "redacted_feedback": redacted_feedback}
    with warehouse.connect() as con:
        firsts = {
            table: first_deliveries(con, rows, table, _AUDITED[table].id_column)
            for table, rows in delivered.items()
        }
    left_out = sum(delivered[table].height - rows.height for table, rows in firsts.items())
    context.add_output_metadata({"redelivered_rows_left_out": left_out})
    audits = [
        placeholder_counts(_AUDITED[table].texts(rows)).select(
            "landing_date",
            source_table=pl.lit(table),
            row_id="id",
            entity_type="entity_type",
            entities="entities",
        )
        for table, rows in firsts.items()
    ]
    return pl.concat(audits).select(
        "landing_date",
        "source_table",
        "row_id",
        "entity_type",
        "entities",
        engine_version=pl.lit(ENGINE_VERSION),
    )
