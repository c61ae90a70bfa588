"""The per-response view of feedback that every curation rule reads.

The mart ``feedback_with_responses`` has one row per feedback event, with the response's columns repeated.
The rules need one row per response instead: what its latest thumb, rating and edit are, and which events
regenerated, abandoned or copied it. Building that once, here, keeps the eval, SFT and DPO selections
consistent with each other (a response cannot count as thumbs-down for eval and thumbs-up for DPO).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from feedback_platform.lib.curation.config import CurationRules, Thresholds
from feedback_platform.lib.hashing import sha256_expr

RESPONSE_COLUMNS = [
    "tenant_id",
    "conversation_id",
    "model",
    "model_version",
    "prompt_version",
    "feature",
    "language",
    "messages",
    "retrieved_context",
    "output",
    "response_created_at",
]
"""Columns of the response itself, identical on every feedback row of one response."""

EXAMPLE_CONTEXT_COLUMNS = [
    "response_id",
    "tenant_id",
    "model",
    "model_version",
    "prompt_version",
    "feature",
    "language",
    "messages",
    "retrieved_context",
]
"""What an eval or SFT example carries about the response it came from, ahead of its own columns."""

_EVENT_ORDER = ["feedback_created_at", "event_id"]
"""Which event of a kind is the latest: the newest, ties broken by event id so the choice is deterministic."""


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


def _latest(column: str, signal: str) -> pl.Expr:
    return pl.col(column).filter((pl.col("signal") == signal) & pl.col("is_latest_of_signal")).first()


def _event_ids(signal: str) -> pl.Expr:
    return pl.col("event_id").filter(pl.col("signal") == signal).sort()


def response_signals(mart: pl.LazyFrame | pl.DataFrame, thresholds: Thresholds) -> pl.LazyFrame:
    """One row per response: its columns, its consent flag and the aggregated feedback signals.

    Thumbs, ratings and edits are states the user can change, so only the latest of each counts
    (``latest_thumb``, ``latest_rating``, ``latest_edit_text`` and the id of the event that set it).
    Regenerate, abandon, copy and dwell are actions: every such event is kept, as a sorted list of event ids;
    abandons within ``quick_abandon_seconds`` of the response and dwells of at least ``long_dwell_seconds``
    are listed apart. An edit whose text is empty or only whitespace is ignored. ``training_allowed`` is true
    only when every row of the response says so (a null counts as not allowed).
    """
    usable_events = mart.lazy().filter(
        (pl.col("signal") != "edit") | (pl.col("edit_text").str.strip_chars().fill_null("") != "")
    )
    seconds_after_response = (pl.col("feedback_created_at") - pl.col("response_created_at")).dt.total_seconds(
        fractional=True
    )
    quick_abandon = (pl.col("signal") == "abandon") & (
        seconds_after_response <= thresholds.quick_abandon_seconds
    )
    long_dwell = (pl.col("signal") == "dwell") & (pl.col("dwell_seconds") >= thresholds.long_dwell_seconds)
    return (
        usable_events.with_columns(
            is_latest_of_signal=pl.col("event_id")
            == pl.col("event_id").sort_by(_EVENT_ORDER).last().over(["response_id", "signal"])
        )
        .group_by("response_id")
        .agg(
            *[pl.col(column).first() for column in RESPONSE_COLUMNS],
            training_allowed=pl.col("training_allowed").fill_null(False).all(),
            latest_thumb=_latest("thumb", "thumb"),
            latest_thumb_event_id=_latest("event_id", "thumb"),
            latest_rating=_latest("rating", "rating"),
            latest_rating_event_id=_latest("event_id", "rating"),
            latest_edit_text=_latest("edit_text", "edit"),
            latest_edit_event_id=_latest("event_id", "edit"),
            regenerate_event_ids=_event_ids("regenerate"),
            abandon_event_ids=_event_ids("abandon"),
            quick_abandon_event_ids=pl.col("event_id").filter(quick_abandon).sort(),
            long_dwell_event_ids=pl.col("event_id").filter(long_dwell).sort(),
            copy_event_ids=_event_ids("copy"),
        )
        .with_columns(
            prompt_id=prompt_id_expr(pl.col("messages")),
            prompt_key=prompt_key_expr(pl.col("messages")),
            prompt_chars=pl.col("messages")
            .list.eval(pl.element().struct.field("content").fill_null("").str.len_chars())
            .list.sum(),
        )
    )


def _in(column: str, allowed: tuple[str, ...]) -> pl.Expr:
    return pl.col(column).is_in(list(allowed)) if allowed else pl.lit(True)


def trainable_response_signals(mart: pl.LazyFrame | pl.DataFrame, rules: CurationRules) -> pl.LazyFrame:
    """The rows of :func:`response_signals` that any dataset may use.

    The user allows training, the response passes the tenant / feature / language filters of the rules, and
    its prompt is at least ``min_lengths.prompt_chars`` long.
    """
    filters = rules.filters
    return response_signals(mart, rules.thresholds).filter(
        pl.col("training_allowed")
        & _in("tenant_id", filters.tenants)
        & _in("feature", filters.features)
        & _in("language", filters.languages)
        & (pl.col("prompt_chars") >= rules.min_lengths.prompt_chars)
    )
