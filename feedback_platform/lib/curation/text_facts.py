"""What curation needs to know about the mart's texts: a few facts per text, so selection never holds texts.

The rules decide from signals and a few facts about each text: the prompt's identity (``prompt_id``,
``prompt_key``) and length, and for an output or an edit its length without surrounding whitespace and the
digest of its whitespace-normalised form (an edit that changed the output, two outputs that differ).
:func:`text_facts` computes them from a batch of mart rows; :mod:`feedback_platform.lib.curation.facts_table`
keeps them per feedback event in the warehouse, and the texts themselves are joined back in DuckDB when a
curated table is written (:mod:`feedback_platform.lib.curation.attached_texts`).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from feedback_platform.lib.hashing import sha256_expr

MART_TABLE = "feedback_with_responses"
"""The dbt mart curation reads: one row per feedback event, with the columns of the response it rates."""

RESPONSE_ATTRIBUTES = ["model", "model_version", "prompt_version", "feature", "language"]
"""What a response was served by and for: the slices quality, curation and eval results are cut by."""

SIGNAL_COLUMNS = [
    "event_id",
    "response_id",
    "conversation_id",
    "tenant_id",
    *RESPONSE_ATTRIBUTES,
    "training_allowed",
    "author_allows_training",
    "signal",
    "thumb",
    "rating",
    "dwell_seconds",
    "outcome_name",
    "outcome_succeeded",
    "feedback_created_at",
    "response_created_at",
]
"""Mart columns curation reads as they are."""

TEXT_COLUMNS = ["messages", "output", "edit_text"]
"""Mart columns curation reads only through their facts."""

FINGERPRINTED_COLUMNS = [*TEXT_COLUMNS, "retrieved_context"]
"""Mart columns a row's text fingerprint covers: every text a curated row can carry, so that a changed text
shows in the fingerprint whether or not a fact reads it."""

FACT_COLUMNS = [
    "prompt_id",
    "prompt_key",
    "prompt_chars",
    "output_chars",
    "output_shape",
    "edit_chars",
    "edit_shape",
]
"""What :func:`text_facts` computes from :data:`TEXT_COLUMNS`."""


def _messages_text(messages: pl.Expr, content_form: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    role = pl.element().struct.field("role").fill_null("")
    content = content_form(pl.element().struct.field("content").fill_null(""))
    encoded = pl.concat_str(
        [role.str.len_chars(), pl.lit(":"), role, content.str.len_chars(), pl.lit(":"), content]
    )
    return messages.list.eval(encoded).list.join("")


def prompt_id_expr(messages: pl.Expr) -> pl.Expr:
    """Identity of a prompt: a hash over the roles and contents of its messages, in order.

    Each role and content is length-prefixed (``4:user5:hello``), so no choice of text can make two different
    message lists produce the same string.
    """
    return sha256_expr(_messages_text(messages, lambda content: content))


def normalised_prompt_text(text: pl.Expr) -> pl.Expr:
    """What "near-identical" means: equal after NFKC, lower-casing, dropping punctuation and symbols, and
    collapsing whitespace. "Reset my password?" and "reset my  password" are the same prompt."""
    return (
        text.str.normalize("NFKC")
        .str.to_lowercase()
        .str.replace_all(r"[\p{P}\p{S}]+", " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def prompt_key_expr(messages: pl.Expr) -> pl.Expr:
    """Identity of a prompt up to near-duplicates: :func:`prompt_id_expr` over normalised contents.

    Deduplication and the train/validation split use it, so near-duplicates are kept once and never straddle
    the two splits.
    """
    return sha256_expr(_messages_text(messages, normalised_prompt_text))


def stripped_chars(text: pl.Expr) -> pl.Expr:
    """Length of a completion without its surrounding whitespace: what the length floors compare."""
    return text.str.strip_chars().str.len_chars()


def text_shape(text: pl.Expr) -> pl.Expr:
    """Digest of a text with surrounding whitespace removed and inner runs collapsed to one space: two texts
    with the same shape differ at most in whitespace (a no-op edit, a pair without a preference)."""
    return sha256_expr(text.str.replace_all(r"\s+", " ").str.strip_chars())


def text_facts(rows: pl.DataFrame) -> pl.DataFrame:
    """The facts (:data:`FACT_COLUMNS`) of the texts of mart rows in place of the texts; the rest is kept."""
    messages, output, edit = pl.col("messages"), pl.col("output"), pl.col("edit_text")
    return rows.select(
        pl.exclude(TEXT_COLUMNS),
        prompt_id=prompt_id_expr(messages),
        prompt_key=prompt_key_expr(messages),
        prompt_chars=messages.list.eval(pl.element().struct.field("content").fill_null("").str.len_chars())
        .list.sum()
        .cast(pl.Int64),
        output_chars=stripped_chars(output),
        output_shape=text_shape(output),
        edit_chars=stripped_chars(edit),
        edit_shape=text_shape(edit),
    )
