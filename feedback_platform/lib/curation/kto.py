"""KTO examples: single completions labelled desirable or not, for trainers that need no pairs.

Every response with a verdict gives one row for its output; the verdict is the first label of the rules'
``kto.output_label_precedence`` that fires, which is how conflicting signals on one response are settled
(an edit or a regenerate outweighs an earlier thumbs-up or rating 5). An edit that changed the output is
also a desirable row of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import polars as pl

from feedback_platform.lib.curation import rules
from feedback_platform.lib.curation.config import CurationRules, KtoLabel
from feedback_platform.lib.curation.eval import held_out_prompt_keys
from feedback_platform.lib.curation.finishing import finish_rows
from feedback_platform.lib.curation.selection import Curation, curate_frame
from feedback_platform.lib.curation.signals import (
    COMPLETION_TEXT,
    EXAMPLE_CONTEXT_COLUMNS,
    EXAMPLE_CONTEXT_TEXTS,
    trainable_response_signals,
)
from feedback_platform.lib.hashing import id_list, row_id_expr

KTO_KIND = "kto"

KTO_COLUMNS = [
    "example_id",
    *EXAMPLE_CONTEXT_COLUMNS,
    "completion",
    "completion_source",
    "label",
    "weight",
    "label_reason",
    "feedback_event_ids",
    "split",
]

_TEXTS = (*EXAMPLE_CONTEXT_TEXTS, COMPLETION_TEXT)
_ROW_COLUMNS = [
    *(c for c in KTO_COLUMNS if c not in ("example_id", "split", *(text.column for text in _TEXTS))),
    "completion_edit_event_id",
    "completion_chars",
    "prompt_key",
]
_LABEL_TYPES = {
    "label": pl.Boolean,
    "weight": pl.Float64,
    "label_reason": pl.String,
    "feedback_event_ids": pl.List(pl.String),
}


def _first_firing(curation: CurationRules, value: Callable[[KtoLabel, rules.Rule], pl.Expr]) -> pl.Expr:
    """The value of the first precedence entry whose label fires; null when none does."""
    named = rules.labels(curation.thresholds)
    entries = curation.kto.output_label_precedence
    if not entries:
        return pl.lit(None)
    chain = pl.when(named[entries[0].label].fires).then(value(entries[0], named[entries[0].label]))
    for entry in entries[1:]:
        chain = chain.when(named[entry.label].fires).then(value(entry, named[entry.label]))
    return chain


def _output_rows(signals: pl.LazyFrame, curation: CurationRules) -> pl.LazyFrame:
    return (
        signals.with_columns(
            completion_edit_event_id=pl.lit(None, dtype=pl.String),
            completion_chars=pl.col("output_chars"),
            completion_source=pl.lit(rules.SOURCE_OUTPUT),
            label=_first_firing(curation, lambda entry, _: pl.lit(entry.desirable)),
            weight=_first_firing(curation, lambda entry, _: pl.lit(entry.weight, dtype=pl.Float64)),
            label_reason=_first_firing(curation, lambda entry, _: pl.lit(entry.label)),
            feedback_event_ids=_first_firing(curation, lambda _, rule: rule.evidence),
        )
        .cast(_LABEL_TYPES)  # typed even when the precedence list is empty
        .filter(pl.col("label").is_not_null())
        .select(_ROW_COLUMNS)
    )


def _edit_rows(signals: pl.LazyFrame, curation: CurationRules) -> pl.LazyFrame:
    return (
        signals.filter(rules.changed_by_edit & pl.lit(curation.kto.user_edits.enabled))
        .with_columns(
            completion_edit_event_id=pl.col("latest_edit_event_id"),
            completion_chars=pl.col("latest_edit_chars"),
            completion_source=pl.lit(rules.SOURCE_USER_EDIT),
            label=pl.lit(True),
            weight=pl.lit(curation.kto.user_edits.weight, dtype=pl.Float64),
            label_reason=pl.lit(rules.SOURCE_USER_EDIT),
            feedback_event_ids=pl.concat_list(pl.col("latest_edit_event_id")),
        )
        .select(_ROW_COLUMNS)
    )


def select_kto_rows(facts: pl.LazyFrame, curation: CurationRules) -> pl.LazyFrame:
    """Unpaired (prompt, completion, label) rows, the completion an edit's (``completion_edit_event_id``) or
    the output's.

    ``label`` is true for a desirable completion; ``weight`` and ``label_reason`` come from the rule that
    decided it; ``feedback_event_ids`` are that rule's evidence.
    """
    signals = trainable_response_signals(facts, curation)
    labelled = (
        pl.concat([_output_rows(signals, curation), _edit_rows(signals, curation)], how="vertical")
        .with_columns(pl.col("feedback_event_ids").list.drop_nulls().list.unique().list.sort())
        .with_columns(
            example_id=row_id_expr(
                KTO_KIND,
                pl.col("response_id"),
                pl.col("completion_source"),
                id_list(pl.col("feedback_event_ids")),
            )
        )
    )
    return finish_rows(
        labelled,
        curation,
        id_column="example_id",
        completion_chars_columns=["completion_chars"],
        held_out_prompt_keys=held_out_prompt_keys(facts, curation, "kto"),
    )


KTO_CURATION = Curation(
    kind=KTO_KIND,
    columns=tuple(KTO_COLUMNS),
    id_column="example_id",
    select=select_kto_rows,
    texts=_TEXTS,
)

select_kto_examples = partial(curate_frame, KTO_CURATION)
"""Unpaired (prompt, completion, label) rows of a ``feedback_with_responses`` frame, by example_id."""
