"""Eval examples: responses whose output visibly failed the user, to measure the next model against."""

from __future__ import annotations

from functools import partial

import polars as pl

from feedback_platform.lib.curation import rules
from feedback_platform.lib.curation.attached_texts import AttachedText
from feedback_platform.lib.curation.config import CurationRules, TrainingDataset
from feedback_platform.lib.curation.finishing import finish_rows
from feedback_platform.lib.curation.selection import Curation, curate_frame
from feedback_platform.lib.curation.signals import (
    EXAMPLE_CONTEXT_COLUMNS,
    EXAMPLE_CONTEXT_TEXTS,
    trainable_response_signals,
)
from feedback_platform.lib.hashing import id_list, row_id_expr

EVAL_KIND = "eval"

EVAL_COLUMNS = [
    "example_id",
    *EXAMPLE_CONTEXT_COLUMNS,
    "output",
    "reference",
    "reasons",
    "feedback_event_ids",
]


def select_eval_rows(facts: pl.LazyFrame, curation: CurationRules) -> pl.LazyFrame:
    """One eval example per admitted response.

    A response is admitted when one of the labels of ``curation.eval.admitted_by`` fires. ``reference`` is
    the user's latest edit (``latest_edit_event_id``), when there is one: what the user wanted instead of
    ``output``. ``feedback_event_ids`` holds the events that admitted the response plus the edit event behind
    ``reference``, so that every event whose content is in the row can be traced. Eval rows have no split:
    the whole set is held out.
    """
    eval_rules = rules.eval_rules(curation)
    admitted = (
        _admitted_responses(facts, curation)
        .with_columns(
            reasons=rules.reasons(eval_rules),
            feedback_event_ids=rules.evidence_event_ids(eval_rules, rules.REFERENCE_EVIDENCE),
        )
        .with_columns(
            example_id=row_id_expr(EVAL_KIND, pl.col("response_id"), id_list(pl.col("feedback_event_ids")))
        )
    )
    return finish_rows(admitted, curation, id_column="example_id", with_split=False)


def held_out_prompt_keys(
    facts: pl.LazyFrame, curation: CurationRules, dataset: TrainingDataset
) -> pl.LazyFrame | None:
    """The normalised prompts of the eval set when ``dataset`` leaves them out (``eval_holdout``), else None.

    Eval keeps every admitted prompt (it has no completion floor, and dedup keeps one row per prompt), so
    these are exactly the prompts of :func:`select_eval_rows` under the same rules.
    """
    if dataset not in curation.eval_holdout.datasets:
        return None
    return _admitted_responses(facts, curation).select("prompt_key").unique()


def _admitted_responses(facts: pl.LazyFrame, curation: CurationRules) -> pl.LazyFrame:
    return trainable_response_signals(facts, curation).filter(rules.any_fires(rules.eval_rules(curation)))


EVAL_CURATION = Curation(
    kind=EVAL_KIND,
    columns=tuple(EVAL_COLUMNS),
    id_column="example_id",
    select=select_eval_rows,
    texts=(
        *EXAMPLE_CONTEXT_TEXTS,
        AttachedText("output", response_column="response_id", response_field="output"),
        AttachedText("reference", edit_event_column="latest_edit_event_id"),
    ),
)

select_eval_examples = partial(curate_frame, EVAL_CURATION)
"""One eval example per admitted response of a ``feedback_with_responses`` frame, sorted by example_id."""
