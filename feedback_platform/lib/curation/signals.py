"""The per-response view of feedback that every curation rule reads.

The mart ``feedback_with_responses`` has one row per feedback event, with the response's columns repeated.
The rules need one row per response instead: what its latest thumb, rating and edit are, and which events
regenerated, abandoned or copied it. Building that once, here, keeps the eval, SFT and DPO selections
consistent with each other (a response cannot count as thumbs-down for eval and thumbs-up for DPO).

It reads the mart's facts (:func:`feedback_platform.lib.curation.text_facts.text_facts`), not its texts:
selection decides from ids, signals, lengths and digests, and the texts are attached to the rows it keeps.
"""

from __future__ import annotations

import polars as pl

from feedback_platform.lib.curation.attached_texts import AttachedText
from feedback_platform.lib.curation.config import CurationRules, Thresholds
from feedback_platform.lib.curation.text_facts import RESPONSE_ATTRIBUTES

RESPONSE_COLUMNS = [
    "tenant_id",
    "conversation_id",
    *RESPONSE_ATTRIBUTES,
    "response_created_at",
    "prompt_id",
    "prompt_key",
    "prompt_chars",
    "output_chars",
    "output_shape",
]
"""Columns of the response itself and facts of its texts, identical on every feedback row of one response."""

RESPONSE_DATE = "response_date"
"""The UTC date the rated response was created (for a DPO pair, the later of its two): the column every
dataset kind carries and a dataset version is sharded by, so a night's new rows land in new shards."""

EXAMPLE_CONTEXT_COLUMNS = [
    "response_id",
    "tenant_id",
    *RESPONSE_ATTRIBUTES,
    RESPONSE_DATE,
    "messages",
    "retrieved_context",
]
"""What an eval or SFT example carries about the response it came from, ahead of its own columns."""

EXAMPLE_CONTEXT_TEXTS = tuple(
    AttachedText(field, response_column="response_id", response_field=field)
    for field in ("messages", "retrieved_context")
)
"""The texts among :data:`EXAMPLE_CONTEXT_COLUMNS`: the prompt and the retrieved context of the response."""

COMPLETION_TEXT = AttachedText(
    "completion",
    response_column="response_id",
    response_field="output",
    edit_event_column="completion_edit_event_id",
)
"""An SFT or KTO completion: the user's edit named in ``completion_edit_event_id``, else the output."""

_EVENT_ORDER = ["feedback_created_at", "event_id"]
"""Which event of a kind is the latest: the newest, ties broken by event id so the choice is deterministic."""


def _latest(column: str, signal: str) -> pl.Expr:
    return pl.col(column).filter((pl.col("signal") == signal) & pl.col("is_latest_of_signal")).first()


def _event_ids(signal: str) -> pl.Expr:
    return pl.col("event_id").filter(pl.col("signal") == signal).sort()


_LATEST_AMONG = ["response_id", "signal", "outcome_name", pl.col("outcome_succeeded").is_null()]
"""The events among which one is the latest: of a response and signal, and for an outcome of its name and
kind (verdict or measurement). Outside outcomes the last two are constant (NULL, true)."""
_LATEST_VERDICT = pl.col("outcome_succeeded").is_not_null() & pl.col("is_latest_of_signal")
"""The latest boolean outcome of its name on the response: a later verdict (tests re-run) replaces it, a
later measurement under the same name does not (the latest among verdicts, as in dbt's response_signals)."""


def _task_succeeded() -> pl.Expr:
    """True when every latest boolean outcome of the response succeeded, NULL without one (as
    ``response_signals.task_succeeded`` in dbt)."""
    verdicts = pl.col("outcome_succeeded").filter(_LATEST_VERDICT)
    return pl.when(verdicts.len() > 0).then(verdicts.all())


def response_signals(facts: pl.LazyFrame | pl.DataFrame, thresholds: Thresholds) -> pl.LazyFrame:
    """One row per response of the mart's facts: its columns, its consent flag and the aggregated signals.

    Thumbs, ratings and edits are states the user can change, so only the latest of each counts
    (``latest_thumb``, ``latest_rating``, ``latest_edit_chars`` and ``latest_edit_shape``, and the id of the
    event that set it).
    A task's outcome is measured per name (``tests_passed``) and can be re-measured: ``task_succeeded`` is
    true when the latest boolean outcome of every name succeeded, false when one failed, NULL without one;
    ``outcome_event_ids`` lists those latest outcomes. Numeric outcomes are measurements and decide nothing.
    Regenerate, abandon, copy and dwell are actions: every such event is kept, as a sorted list of event ids;
    abandons within ``quick_abandon_seconds`` of the response and dwells of at least ``long_dwell_seconds``
    are listed apart. An edit whose text is empty or only whitespace is ignored, and so is an event whose
    author does not allow training or that came from another tenant (``author_allows_training``).
    ``training_allowed`` is true only when every row of the response says so (a null counts as not
    allowed).
    """
    has_text = pl.col("edit_chars").fill_null(0) > 0
    usable_events = facts.lazy().filter(
        pl.col("author_allows_training") & ((pl.col("signal") != "edit") | has_text)
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
            == pl.col("event_id").sort_by(_EVENT_ORDER).last().over(_LATEST_AMONG)
        )
        .group_by("response_id")
        .agg(
            *[pl.col(column).first() for column in RESPONSE_COLUMNS],
            **{RESPONSE_DATE: pl.col("response_created_at").first().dt.date()},
            training_allowed=pl.col("training_allowed").fill_null(False).all(),
            latest_thumb=_latest("thumb", "thumb"),
            latest_thumb_event_id=_latest("event_id", "thumb"),
            latest_rating=_latest("rating", "rating"),
            latest_rating_event_id=_latest("event_id", "rating"),
            latest_edit_chars=_latest("edit_chars", "edit"),
            latest_edit_shape=_latest("edit_shape", "edit"),
            latest_edit_event_id=_latest("event_id", "edit"),
            regenerate_event_ids=_event_ids("regenerate"),
            abandon_event_ids=_event_ids("abandon"),
            quick_abandon_event_ids=pl.col("event_id").filter(quick_abandon).sort(),
            long_dwell_event_ids=pl.col("event_id").filter(long_dwell).sort(),
            copy_event_ids=_event_ids("copy"),
            task_succeeded=_task_succeeded(),
            outcome_event_ids=pl.col("event_id").filter(_LATEST_VERDICT).sort(),
        )
    )


def _in(column: str, allowed: tuple[str, ...]) -> pl.Expr:
    return pl.col(column).is_in(list(allowed)) if allowed else pl.lit(True)


def trainable_response_signals(facts: pl.LazyFrame | pl.DataFrame, rules: CurationRules) -> pl.LazyFrame:
    """The rows of :func:`response_signals` that any dataset may use.

    The user allows training, the response passes the tenant / feature / language filters of the rules, and
    its prompt is at least ``min_lengths.prompt_chars`` long.
    """
    filters = rules.filters
    return response_signals(facts, rules.thresholds).filter(
        pl.col("training_allowed")
        & _in("tenant_id", filters.tenants)
        & _in("feature", filters.features)
        & _in("language", filters.languages)
        & (pl.col("prompt_chars") >= rules.min_lengths.prompt_chars)
    )
