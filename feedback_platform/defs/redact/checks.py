"""Checks on the redacted tables: no recognisable PII left, no row lost on the way, the declared shape,
and values the join layer can rely on (unique ids, known signals, values that fit their signal)."""

import dagster as dg
import polars as pl

from feedback_platform.defs.expectation_checks import expectation_suite_check, predicate_check
from feedback_platform.defs.partitions import daily_landing_partitions
from feedback_platform.defs.schema_checks import table_schema_check
from feedback_platform.lib.logs.table_schema import allowed_values, required_columns, signal_value_rules
from feedback_platform.lib.pii import REDACTED_ENTITIES, find_residual_pii
from feedback_platform.lib.redaction.frames import feedback_texts, residual_pii, response_texts
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
    expectations=lambda gxe: [
        gxe.ExpectColumnValuesToBeInSet(column="entity_type", value_set=list(REDACTED_ENTITIES)),
        gxe.ExpectColumnValuesToBeBetween(column="entities", min_value=1),
        gxe.ExpectColumnValuesToNotBeNull(column="engine_version"),
    ],
    partitions_def=daily_landing_partitions,
)

redacted_responses_schema_matches_contract = table_schema_check("redacted_responses")
redacted_feedback_schema_matches_contract = table_schema_check("redacted_feedback")

LANGUAGE_CODE = r"^[a-z]{2,3}(?:-[A-Z]{2})?$"
"""An ISO 639 language code with an optional region, e.g. `en` or `pt-BR`."""

SLUG = r"^[a-z][a-z0-9_-]*$"
"""Feature and client names are open-ended (a new client is not an error) but always lowercase slugs."""

redacted_responses_have_unique_ids_and_valid_fields = expectation_suite_check(
    asset="redacted_responses",
    name="redacted_responses_have_unique_ids_and_valid_fields",
    description="response_id is unique within a landing day; every required field is present after "
    "redaction; language is a language code, feature a slug; latency and source line are in range.",
    expectations=lambda gxe: [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["landing_date", "response_id"]),
        *(gxe.ExpectColumnValuesToNotBeNull(column=column) for column in required_columns("responses")),
        gxe.ExpectColumnValuesToMatchRegex(column="language", regex=LANGUAGE_CODE),
        gxe.ExpectColumnValuesToMatchRegex(column="feature", regex=SLUG),
        gxe.ExpectColumnValuesToBeBetween(column="latency_ms", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="source_line", min_value=1),
    ],
    partitions_def=daily_landing_partitions,
)

_VALUE_RULES = signal_value_rules()


def _typed_values(rows: pl.DataFrame) -> pl.DataFrame:
    """Each signal's value in a typed column of its own, and the signal of an event missing its value."""
    signal, value = pl.col("signal"), pl.col("value")
    needs_value = [name for name, rule in _VALUE_RULES.items() if rule["required"]]
    return rows.with_columns(
        thumb=pl.when(signal == "thumb").then(value),
        rating=pl.when(signal == "rating").then(value.cast(pl.Float64, strict=False)),
        dwell_seconds=pl.when(signal == "dwell").then(value.cast(pl.Float64, strict=False)),
        signal_missing_its_value=pl.when(signal.is_in(needs_value) & (value.is_null() | (value == ""))).then(
            signal
        ),
    )


redacted_feedback_has_unique_ids_and_valid_values = expectation_suite_check(
    asset="redacted_feedback",
    name="redacted_feedback_has_unique_ids_and_valid_values",
    description="event_id is unique within a landing day; every required field is present; the signal "
    "is one the contract names; thumbs are up or down, ratings 1 to 5, dwell times not negative; no "
    "valued signal lost its value in redaction; client is a slug.",
    expectations=lambda gxe: [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["landing_date", "event_id"]),
        *(gxe.ExpectColumnValuesToNotBeNull(column=column) for column in required_columns("feedback")),
        gxe.ExpectColumnValuesToBeInSet(column="signal", value_set=allowed_values("feedback", "signal")),
        gxe.ExpectColumnValuesToBeInSet(column="thumb", value_set=_VALUE_RULES["thumb"]["enum"]),
        gxe.ExpectColumnValuesToBeBetween(column="rating", min_value=1, max_value=5),
        gxe.ExpectColumnValuesToBeBetween(column="dwell_seconds", min_value=_VALUE_RULES["dwell"]["minimum"]),
        gxe.ExpectColumnValuesToBeNull(column="signal_missing_its_value"),
        gxe.ExpectColumnValuesToMatchRegex(column="client", regex=SLUG),
        gxe.ExpectColumnValuesToBeBetween(column="source_line", min_value=1),
    ],
    prepare=_typed_values,
    partitions_def=daily_landing_partitions,
)
