"""Applies a text redactor to every free-text field of the raw tables, leaving the rest untouched.

Free text sits at different depths (messages[].content, retrieved_context[].text, output, the value of
comment/edit/reformulate events). All distinct (scope, text) pairs of a batch are redacted in one call,
so a system prompt or knowledge-base document shared by thousands of responses is analysed once (the
engine deduplicates texts across scopes too), and the results are joined back by (scope, text). The
scope is a conversation when pseudonyms are on, and one constant otherwise.
"""

from collections.abc import Callable, Sequence

import polars as pl

from feedback_platform.lib.pii.placeholders import PLACEHOLDER

TextRedactor = Callable[[Sequence[str], Sequence[str]], list[str]]
"""(texts, scopes) -> the redacted texts; scopes[i] is the conversation of texts[i] (for pseudonyms)."""

FREE_TEXT_SIGNALS = ("comment", "edit", "reformulate")
"""Feedback signals whose value is text typed by the user; other values are labels or numbers."""

UNSCOPED = pl.lit("", dtype=pl.String)
"""The scope of every text when pseudonyms are off: typed placeholders do not depend on it."""

_ROW = "__row"
_SCOPE = "scope"


def redact_responses(rows: pl.DataFrame, redact: TextRedactor, scope: pl.Expr = UNSCOPED) -> pl.DataFrame:
    """Redact the prompt messages, the retrieved documents and the output of each response.

    `scope` gives each response's pseudonym scope, e.g. pl.col("conversation_id").
    """
    scoped = rows.with_row_index(_ROW).with_columns(scope.alias(_SCOPE))
    redacted = _redaction_lookup(response_texts(rows, scope), redact)
    return scoped.with_columns(
        _replace_in_struct_list(scoped, "messages", "content", redacted),
        _replace_in_struct_list(scoped, "retrieved_context", "text", redacted),
        output=_replaced(scoped.select(_SCOPE, text="output"), redacted),
    ).drop(_ROW, _SCOPE)


def redact_feedback(rows: pl.DataFrame, redact: TextRedactor, scope: pl.Expr = UNSCOPED) -> pl.DataFrame:
    """Redact the value of events whose value is free text (comments, edits, reformulated queries)."""
    is_free_text = pl.col("signal").is_in(FREE_TEXT_SIGNALS)
    scoped = rows.with_columns(scope.alias(_SCOPE))
    redacted = _redaction_lookup(feedback_texts(rows, scope), redact)
    values = _replaced(scoped.select(_SCOPE, text="value"), redacted)
    return scoped.with_columns(value=pl.when(is_free_text).then(values).otherwise("value")).drop(_SCOPE)


def response_texts(rows: pl.DataFrame, scope: pl.Expr = UNSCOPED) -> pl.DataFrame:
    """Every free text of the responses, long: (id, landing_date, scope, field, text)."""
    keys = [pl.col("response_id").alias("id"), pl.col("landing_date"), scope.alias(_SCOPE)]
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


def feedback_texts(rows: pl.DataFrame, scope: pl.Expr = UNSCOPED) -> pl.DataFrame:
    """Every free text of the feedback events, long: (id, landing_date, scope, field, text)."""
    return (
        rows.filter(pl.col("signal").is_in(FREE_TEXT_SIGNALS))
        .select(
            id=pl.col("event_id"),
            landing_date=pl.col("landing_date"),
            scope=scope,
            field=pl.lit("value"),
            text=pl.col("value"),
        )
        .drop_nulls("text")
    )


def placeholder_counts(redacted_texts: pl.DataFrame) -> pl.DataFrame:
    """(id, landing_date, entity_type, entities): the placeholders or pseudonyms each row's texts hold.

    Counting placeholders in the output, rather than asking the engine, keeps the audit true for texts
    served from the redaction cache, and keeps every raw value out of it.
    """
    return (
        redacted_texts.select(
            "id", "landing_date", entity_type=pl.col("text").str.extract_all(PLACEHOLDER.pattern)
        )
        .explode("entity_type")
        .drop_nulls("entity_type")
        .with_columns(pl.col("entity_type").str.extract(PLACEHOLDER.pattern))
        .group_by("id", "landing_date", "entity_type")
        .agg(entities=pl.len().cast(pl.Int64))
        .sort("landing_date", "id", "entity_type")
    )


def residual_pii(texts: pl.DataFrame, find: Callable[[str], list[tuple[str, str]]]) -> pl.DataFrame:
    """Findings of `find` in long texts, as (id, field, kind, masked): the value itself never leaves.

    Each distinct text is scanned once, its findings joined back to every row that holds it: system
    prompts and knowledge-base documents repeat across thousands of rows."""
    distinct = texts.select("text").unique()
    findings = (
        distinct.with_columns(
            found=pl.col("text").map_elements(
                lambda text: [{"kind": kind, "masked": _mask(value)} for kind, value in find(text)],
                return_dtype=pl.List(pl.Struct({"kind": pl.String, "masked": pl.String})),
            )
        )
        .explode("found")
        .drop_nulls("found")
    )
    return (
        texts.join(findings, on="text", how="inner", maintain_order="left_right")
        .select("id", "field", "found")
        .unnest("found")
    )


def _mask(value: str) -> str:
    return value[:2] + "*" * max(len(value) - 2, 0)


def _redaction_lookup(texts: pl.DataFrame, redact: TextRedactor) -> pl.DataFrame:
    """Distinct (scope, text) pairs and their redactions: the right side of the joins that apply them."""
    distinct = texts.select(_SCOPE, "text").unique(maintain_order=True)
    if distinct.get_column(_SCOPE).has_nulls():
        raise ValueError("every text needs a scope: a null scope would leave its text unredacted")
    redacted = redact(distinct.get_column("text").to_list(), distinct.get_column(_SCOPE).to_list())
    if len(redacted) != distinct.height:
        raise ValueError(f"redactor returned {len(redacted)} texts for {distinct.height}")
    return distinct.with_columns(redacted=pl.Series(redacted, dtype=pl.String))


def _replaced(texts: pl.DataFrame, redacted: pl.DataFrame) -> pl.Series:
    """The redaction of each (scope, text) row, in order; null texts stay null."""
    return texts.join(redacted, on=[_SCOPE, "text"], how="left", maintain_order="left").get_column("redacted")


def _replace_in_struct_list(
    scoped: pl.DataFrame, column: str, field: str, redacted: pl.DataFrame
) -> pl.Series:
    """`column` (a list of structs) with `field` of every element replaced by its redaction.

    The lists are exploded to one row per element (where each element can see its row's scope), the field
    is replaced by a join, and the elements are gathered back in order; empty and null lists stay so.
    """
    elements = scoped.select(_ROW, _SCOPE, column).explode(column).drop_nulls(column)
    texts = elements.select(_SCOPE, text=pl.col(column).struct.field(field))
    elements = elements.with_columns(
        pl.col(column).struct.with_fields(_replaced(texts, redacted).alias(field))
    )
    gathered = elements.group_by(_ROW, maintain_order=True).agg(column)
    original = scoped.select(_ROW, pl.col(column).alias("__original"))
    return (
        original.join(gathered, on=_ROW, how="left", maintain_order="left")
        .select(pl.coalesce(column, "__original").alias(column))
        .get_column(column)
    )
