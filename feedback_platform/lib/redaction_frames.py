"""Applies a text redactor to every free-text field of the raw tables, leaving the rest untouched.

Free text sits at different depths (messages[].content, retrieved_context[].text, output, the value of
comment/edit/reformulate events). All distinct texts of a batch are redacted in one call, so a
system prompt or knowledge-base document shared by thousands of responses is analysed once, and the
results are mapped back with vectorised replacements.
"""

from collections.abc import Callable, Sequence

import polars as pl

TextRedactor = Callable[[Sequence[str]], list[str]]

PLACEHOLDER = r"<[A-Z][A-Z_]*>"
"""A typed placeholder the engine writes in place of an entity, e.g. <PERSON> or <EMAIL_ADDRESS>."""

FREE_TEXT_SIGNALS = ("comment", "edit", "reformulate")
"""Feedback signals whose value is text typed by the user; other values are labels or numbers."""


def redact_responses(rows: pl.DataFrame, redact: TextRedactor) -> pl.DataFrame:
    """Redact the prompt messages, the retrieved documents and the output of each response."""
    old, new = _redaction_map(response_texts(rows), redact)
    return rows.with_columns(
        messages=pl.col("messages").list.eval(
            pl.element().struct.with_fields(pl.field("content").replace_strict(old, new, default=None))
        ),
        retrieved_context=pl.col("retrieved_context").list.eval(
            pl.element().struct.with_fields(pl.field("text").replace_strict(old, new, default=None))
        ),
        output=pl.col("output").replace_strict(old, new, default=None),
    )


def redact_feedback(rows: pl.DataFrame, redact: TextRedactor) -> pl.DataFrame:
    """Redact the value of events whose value is free text (comments, edits, reformulated queries)."""
    is_free_text = pl.col("signal").is_in(FREE_TEXT_SIGNALS)
    old, new = _redaction_map(feedback_texts(rows), redact)
    return rows.with_columns(
        value=pl.when(is_free_text)
        .then(pl.col("value").replace_strict(old, new, default=None))
        .otherwise("value")
    )


def response_texts(rows: pl.DataFrame) -> pl.DataFrame:
    """Every free text of the responses, long: (id, landing_date, field, text)."""
    keys = [pl.col("response_id").alias("id"), pl.col("landing_date")]
    return pl.concat(
        [
            rows.select(*keys, field=pl.lit("messages.content"), text=pl.col("messages"))
            .explode("text")
            .with_columns(pl.col("text").struct.field("content").alias("text")),
            rows.select(*keys, field=pl.lit("retrieved_context.text"), text=pl.col("retrieved_context"))
            .explode("text")
            .with_columns(pl.col("text").struct.field("text").alias("text")),
            rows.select(*keys, field=pl.lit("output"), text=pl.col("output")),
        ]
    ).drop_nulls("text")


def feedback_texts(rows: pl.DataFrame) -> pl.DataFrame:
    """Every free text of the feedback events, long: (id, landing_date, field, text)."""
    return (
        rows.filter(pl.col("signal").is_in(FREE_TEXT_SIGNALS))
        .select(
            id=pl.col("event_id"),
            landing_date=pl.col("landing_date"),
            field=pl.lit("value"),
            text=pl.col("value"),
        )
        .drop_nulls("text")
    )


def placeholder_counts(redacted_texts: pl.DataFrame) -> pl.DataFrame:
    """(id, landing_date, entity_type, entities): the typed placeholders each row's redacted texts hold.

    Counting placeholders in the output, rather than asking the engine, keeps the audit true for texts
    served from the redaction cache, and keeps every raw value out of it.
    """
    return (
        redacted_texts.select("id", "landing_date", entity_type=pl.col("text").str.extract_all(PLACEHOLDER))
        .explode("entity_type")
        .drop_nulls("entity_type")
        .with_columns(pl.col("entity_type").str.strip_chars("<>"))
        .group_by("id", "landing_date", "entity_type")
        .agg(entities=pl.len().cast(pl.Int64))
        .sort("landing_date", "id", "entity_type")
    )


def residual_pii(texts: pl.DataFrame, find: Callable[[str], list[tuple[str, str]]]) -> pl.DataFrame:
    """Findings of `find` in long texts, as (id, field, kind, masked): the value itself never leaves."""
    findings = texts.with_columns(
        found=pl.col("text").map_elements(
            lambda text: [{"kind": kind, "masked": _mask(value)} for kind, value in find(text)],
            return_dtype=pl.List(pl.Struct({"kind": pl.String, "masked": pl.String})),
        )
    )
    return findings.select("id", "field", "found").explode("found").drop_nulls("found").unnest("found")


def _mask(value: str) -> str:
    return value[:2] + "*" * max(len(value) - 2, 0)


def _redaction_map(texts: pl.DataFrame, redact: TextRedactor) -> tuple[pl.Series, pl.Series]:
    """Distinct non-null texts and their redactions, as the old/new pair of a vectorised replace."""
    distinct = texts.get_column("text").unique(maintain_order=True)
    redacted = redact(distinct.to_list())
    if len(redacted) != len(distinct):
        raise ValueError(f"redactor returned {len(redacted)} texts for {len(distinct)}")
    return distinct, pl.Series("redacted", redacted, dtype=pl.String)
