"""Checks on the redacted tables: no recognisable PII left, and no row lost on the way."""

import dagster as dg
import polars as pl
from great_expectations import expectations as gxe

from feedback_platform.defs.expectation_checks import expectation_suite_check, predicate_check
from feedback_platform.defs.partitions import daily_landing_partitions
from feedback_platform.lib.pii import REDACTED_ENTITIES, find_residual_pii
from feedback_platform.lib.redaction_frames import feedback_texts, residual_pii, response_texts
from feedback_platform.resources import DUCKDB_POOL

redacted_responses_hold_no_emails_phones_cards_or_keys = predicate_check(
    asset="redacted_responses",
    name="redacted_responses_hold_no_emails_phones_cards_or_keys",
    description="A pattern scan, independent of Presidio, finds no email, phone, card number or API key.",
    find_violations=lambda rows: residual_pii(response_texts(rows), find_residual_pii),
    partitions_def=daily_landing_partitions,
)

redacted_feedback_holds_no_emails_phones_cards_or_keys = predicate_check(
    asset="redacted_feedback",
    name="redacted_feedback_holds_no_emails_phones_cards_or_keys",
    description="A pattern scan, independent of Presidio, finds no email, phone, card number or API key.",
    find_violations=lambda rows: residual_pii(feedback_texts(rows), find_residual_pii),
    partitions_def=daily_landing_partitions,
)


def _keeps_every_raw_row(redacted: str, raw: str, key: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=redacted,
        name=f"{redacted}_keep_every_raw_row",
        description=f"Redaction neither drops nor adds rows: the {key}s equal those of {raw}.",
        additional_ins={"raw_rows": dg.AssetIn(raw)},
        partitions_def=daily_landing_partitions,
        blocking=True,
        pool=DUCKDB_POOL,
    )
    def _check(redacted_rows: pl.DataFrame, raw_rows: pl.DataFrame) -> dg.AssetCheckResult:
        missing = raw_rows.join(redacted_rows, on=key, how="anti").height
        unexpected = redacted_rows.join(raw_rows, on=key, how="anti").height
        return dg.AssetCheckResult(
            passed=missing == 0 and unexpected == 0 and redacted_rows.height == raw_rows.height,
            metadata={
                "raw_rows": raw_rows.height,
                "redacted_rows": redacted_rows.height,
                "missing": missing,
                "unexpected": unexpected,
            },
        )

    return _check


redacted_responses_keep_every_raw_row = _keeps_every_raw_row(
    "redacted_responses", "raw_responses", "response_id"
)
redacted_feedback_keep_every_raw_row = _keeps_every_raw_row("redacted_feedback", "raw_feedback", "event_id")

redaction_audit_names_only_known_entity_types = expectation_suite_check(
    asset="redaction_audit",
    name="redaction_audit_names_only_known_entity_types",
    description="Every audited placeholder is an entity type the engine redacts, with a positive count.",
    expectations=[
        gxe.ExpectColumnValuesToBeInSet(column="entity_type", value_set=list(REDACTED_ENTITIES)),
        gxe.ExpectColumnValuesToBeBetween(column="entities", min_value=1),
        gxe.ExpectColumnValuesToNotBeNull(column="engine_version"),
    ],
    partitions_def=daily_landing_partitions,
)
