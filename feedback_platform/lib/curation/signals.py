"""The per-response view of feedback that every curation rule reads.

The mart ``feedback_with_responses`` has one row per feedback event, with the response's columns repeated.
The rules need one row per response instead: what its latest thumb, rating and edit are, and which events
regenerated, abandoned or copied it. Building that once, here, keeps the eval, SFT and DPO selections
consistent with each other (a response cannot count as thumbs-down for eval and thumbs-up for DPO).
"""

from __future__ import annotations

import polars as pl

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


def prompt_id_expr(messages: pl.Expr) -> pl.Expr:
    """Identity of a prompt: a hash over the roles and contents of its messages, in order.

    Each role and content is length-prefixed (``4:user5:hello``), so no choice of text can make two different
    message lists produce the same string.
    """
    role = pl.element().struct.field("role").fill_null("")
    content = pl.element().struct.field("content").fill_null("")
    encoded = pl.concat_str(
        [role.str.len_chars(), pl.lit(":"), role, content.str.len_chars(), pl.lit(":"), content]
    )
    return sha256_expr(messages.list.eval(encoded).list.join(""))


def _latest(column: str, signal: str) -> pl.Expr:
    return pl.col(column).filter((pl.col("signal") == signal) & pl.col("is_latest_of_signal")).first()


def _event_ids(signal: str) -> pl.Expr:
    return pl.col("event_id").filter(pl.col("signal") == signal).sort()


def response_signals(mart: pl.LazyFrame | pl.DataFrame) -> pl.LazyFrame:
    """One row per response: its columns, its consent flag and the aggregated feedback signals.

    Thumbs, ratings and edits are states the user can change, so only the latest of each counts
    (``latest_thumb``, ``latest_rating``, ``latest_edit_text`` and the id of the event that set it).
    Regenerate, abandon and copy are actions: every such event is kept, as a sorted list of event ids.
    An edit whose text is empty or only whitespace is ignored. ``training_allowed`` is true only when every
    row of the response says so (a null counts as not allowed).
    """
    usable_events = mart.lazy().filter(
        (pl.col("signal") != "edit") | (pl.col("edit_text").str.strip_chars().fill_null("") != "")
    )
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
            copy_event_ids=_event_ids("copy"),
        )
        .with_columns(prompt_id=prompt_id_expr(pl.col("messages")))
    )


def trainable_response_signals(mart: pl.LazyFrame | pl.DataFrame) -> pl.LazyFrame:
    """The rows of :func:`response_signals` whose user allows training: the only ones any dataset uses."""
    return response_signals(mart).filter(pl.col("training_allowed"))
