"""The curation rules: which responses become eval examples, SFT examples or DPO pairs, and why.

Every rule is a named Polars expression over the per-response frame built by
:func:`feedback_platform.lib.curation.signals.response_signals`, together with the expression listing the
feedback events that are its evidence. ``docs/curation-rules.md`` states the same rules in prose; change
both together and bump :data:`RULE_VERSION`, which is recorded in every dataset manifest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

RULE_VERSION = "1.0.0"
"""Version of these rules. Bump it whenever a rule changes what is selected or how a row is built."""

LOW_RATING_MAX = 2
"""A rating at or below this is negative feedback."""

HIGH_RATING_MIN = 4
"""A rating at or above this approves the output."""

# Rule names, as they appear in the ``reasons`` column.
THUMB_DOWN = "thumb_down"
LOW_RATING = "low_rating"
REGENERATED = "regenerated"
ABANDONED = "abandoned"
HIGH_RATING = "high_rating"
THUMB_UP_COPIED = "thumb_up_copied"
USER_EDIT = "user_edit"

# Sources of a target or a preference pair.
SOURCE_OUTPUT = "output"
SOURCE_USER_EDIT = "user_edit"
SOURCE_THUMBS = "thumbs"

_EMPTY_IDS = pl.lit([], dtype=pl.List(pl.String))


@dataclass(frozen=True)
class Rule:
    """A named rule: when it fires for a response, and which events are its evidence."""

    name: str
    fires: pl.Expr
    evidence: pl.Expr  # list of event ids (a scalar event id is wrapped into a one-element list)


# Facts about one response, read from the per-response signal frame.
thumb_down = pl.col("latest_thumb").eq("down").fill_null(False)
thumb_up = pl.col("latest_thumb").eq("up").fill_null(False)
low_rating = pl.col("latest_rating").le(LOW_RATING_MAX).fill_null(False)
high_rating = pl.col("latest_rating").ge(HIGH_RATING_MIN).fill_null(False)
regenerated = pl.col("regenerate_event_ids").list.len() > 0
abandoned = pl.col("abandon_event_ids").list.len() > 0
copied = pl.col("copy_event_ids").list.len() > 0
has_edit = pl.col("latest_edit_event_id").is_not_null()

negative_feedback = thumb_down | low_rating | regenerated
"""Signals that contradict an approval of the output: they veto the output as an SFT target."""

_thumb_event = pl.concat_list(pl.col("latest_thumb_event_id"))
_rating_event = pl.concat_list(pl.col("latest_rating_event_id"))
_edit_event = pl.concat_list(pl.col("latest_edit_event_id"))

EVAL_RULES: tuple[Rule, ...] = (
    Rule(THUMB_DOWN, thumb_down, _thumb_event),
    Rule(LOW_RATING, low_rating, _rating_event),
    Rule(REGENERATED, regenerated, pl.col("regenerate_event_ids")),
    Rule(ABANDONED, abandoned, pl.col("abandon_event_ids")),
)
"""A response is an eval example when any of these fires: the output failed the user."""

SFT_OUTPUT_RULES: tuple[Rule, ...] = (
    Rule(HIGH_RATING, high_rating & ~negative_feedback, _rating_event),
    Rule(
        THUMB_UP_COPIED,
        thumb_up & copied & ~regenerated & ~negative_feedback,
        pl.concat_list(pl.col("latest_thumb_event_id"), pl.col("copy_event_ids")),
    ),
)
"""The output itself is an SFT target when one of these fires (each already includes the negative veto)."""

SFT_EDIT_RULE = Rule(USER_EDIT, has_edit, _edit_event)
"""The user's latest edit is an SFT target; it wins over the output and is not vetoed by negative feedback."""

REFERENCE_EVIDENCE = pl.when(has_edit).then(_edit_event).otherwise(_EMPTY_IDS)
"""The edit event behind an eval example's reference answer, so lineage reaches it too."""


def any_fires(rules: Sequence[Rule]) -> pl.Expr:
    """True when at least one rule fires."""
    return pl.any_horizontal([rule.fires for rule in rules])


def reasons(rules: Sequence[Rule]) -> pl.Expr:
    """The sorted names of the rules that fire."""
    return (
        pl.concat_list([pl.when(rule.fires).then(pl.lit(rule.name)) for rule in rules])
        .list.drop_nulls()
        .list.sort()
    )


def evidence_event_ids(rules: Sequence[Rule], *extra: pl.Expr) -> pl.Expr:
    """The sorted, distinct event ids behind the rules that fire, plus any extra lists of event ids."""
    parts = [pl.when(rule.fires).then(rule.evidence).otherwise(_EMPTY_IDS) for rule in rules]
    return pl.concat_list([*parts, *extra]).list.drop_nulls().list.unique().list.sort()


def normalised_whitespace(text: pl.Expr) -> pl.Expr:
    """Text with surrounding whitespace removed and inner runs collapsed to one space, to spot no-op edits."""
    return text.str.replace_all(r"\s+", " ").str.strip_chars()
