"""Eval examples: responses whose output visibly failed the user, to measure the next model against."""

from __future__ import annotations

import polars as pl

from feedback_platform.lib.curation import rules
from feedback_platform.lib.curation.config import CurationRules, TrainingDataset
from feedback_platform.lib.curation.finishing import finish_rows
from feedback_platform.lib.curation.signals import EXAMPLE_CONTEXT_COLUMNS, trainable_response_signals
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


def select_eval_examples(mart: pl.LazyFrame | pl.DataFrame, curation: CurationRules) -> pl.DataFrame:
    """One eval example per admitted response of the ``feedback_with_responses`` mart, sorted by example_id.

    A response is admitted when one of the labels of ``curation.eval.admitted_by`` fires. ``reference`` is
    the user's latest edit, when there is one: what the user wanted instead of ``output``.
    ``feedback_event_ids`` holds the events that admitted the response plus the edit event behind
    ``reference``, so that every event whose content is in the row can be traced. Eval rows have no split:
    the whole set is held out.
    """
    eval_rules = rules.eval_rules(curation)
    admitted = (
        _admitted_responses(mart, curation)
        .with_columns(
            reference=pl.col("latest_edit_text"),
            reasons=rules.reasons(eval_rules),
            feedback_event_ids=rules.evidence_event_ids(eval_rules, rules.REFERENCE_EVIDENCE),
        )
        .with_columns(
            example_id=row_id_expr(EVAL_KIND, pl.col("response_id"), id_list(pl.col("feedback_event_ids")))
        )
    )
    return (
        finish_rows(admitted, curation, id_column="example_id", with_split=False)
        .select(EVAL_COLUMNS)
        .sort("example_id")
        .collect()
    )


def held_out_prompt_keys(
    mart: pl.LazyFrame | pl.DataFrame, curation: CurationRules, dataset: TrainingDataset
) -> pl.LazyFrame | None:
    """The normalised prompts of the eval set when ``dataset`` leaves them out (``eval_holdout``), else None.

    Eval keeps every admitted prompt (it has no completion floor, and dedup keeps one row per prompt), so
    these are exactly the prompts of :func:`select_eval_examples` under the same rules.
    """
    if dataset not in curation.eval_holdout.datasets:
        return None
    return _admitted_responses(mart, curation).select("prompt_key").unique()


def _admitted_responses(mart: pl.LazyFrame | pl.DataFrame, curation: CurationRules) -> pl.LazyFrame:
    return trainable_response_signals(mart, curation).filter(rules.any_fires(rules.eval_rules(curation)))
