"""Redacted tables: the raw tables with every free-text field passed through the PII engine.

Nothing downstream of this layer reads a raw table that holds free text.
"""

import dagster as dg
import polars as pl

from feedback_platform.defs.partitions import daily_landing_partitions
from feedback_platform.lib.pii import ENGINE_VERSION
from feedback_platform.lib.redaction_frames import (
    feedback_texts,
    placeholder_counts,
    redact_feedback,
    redact_responses,
    response_texts,
)
from feedback_platform.resources import DUCKDB_POOL, PARTITION_COLUMN_KEY, PiiRedaction

_redacted_table = {
    "partitions_def": daily_landing_partitions,
    "backfill_policy": dg.BackfillPolicy.single_run(),
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
    """Responses with PII in messages, retrieved documents and output replaced by typed placeholders."""
    redacted = redact_responses(raw_responses, pii.redactor().redact)
    context.add_output_metadata({"pii_engine_version": ENGINE_VERSION})
    return redacted


@dg.asset(**_redacted_table)
def redacted_feedback(
    context: dg.AssetExecutionContext, raw_feedback: pl.DataFrame, pii: PiiRedaction
) -> pl.DataFrame:
    """Feedback events with PII in comments, edits and reformulated queries replaced by placeholders."""
    redacted = redact_feedback(raw_feedback, pii.redactor().redact)
    context.add_output_metadata({"pii_engine_version": ENGINE_VERSION})
    return redacted


@dg.asset(**_redacted_table)
def redaction_audit(redacted_responses: pl.DataFrame, redacted_feedback: pl.DataFrame) -> pl.DataFrame:
    """Per redacted row, how many entities of each type were replaced, and by which engine version.

    Never a raw value: the counts come from the typed placeholders in the redacted text.
    """
    audits = [
        placeholder_counts(texts).select(
            "landing_date",
            source_table=pl.lit(table),
            row_id="id",
            entity_type="entity_type",
            entities="entities",
        )
        for table, texts in [
            ("redacted_responses", response_texts(redacted_responses)),
            ("redacted_feedback", feedback_texts(redacted_feedback)),
        ]
    ]
    return pl.concat(audits).select(
        "landing_date",
        "source_table",
        "row_id",
        "entity_type",
        "entities",
        engine_version=pl.lit(ENGINE_VERSION),
    )
