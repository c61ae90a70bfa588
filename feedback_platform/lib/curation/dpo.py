"""DPO preference pairs: a better and a worse completion for the same prompt, as judged by the user."""

from __future__ import annotations

import polars as pl

from feedback_platform.lib.curation import rules
from feedback_platform.lib.curation.signals import trainable_response_signals
from feedback_platform.lib.hashing import id_list, row_id_expr

DPO_KIND = "dpo"

DPO_COLUMNS = [
    "pair_id",
    "tenant_id",
    "prompt_id",
    "messages",
    "chosen",
    "rejected",
    "pair_source",
    "chosen_response_id",
    "rejected_response_id",
    "chosen_model",
    "chosen_model_version",
    "chosen_prompt_version",
    "rejected_model",
    "rejected_model_version",
    "rejected_prompt_version",
    "feature",
    "language",
    "feedback_event_ids",
]

_MODEL_COLUMNS = ["model", "model_version", "prompt_version"]


def _pair_id() -> pl.Expr:
    return row_id_expr(
        DPO_KIND,
        pl.col("pair_source"),
        pl.col("chosen_response_id"),
        pl.col("rejected_response_id"),
        id_list(pl.col("feedback_event_ids")),
    )


def _user_edit_pairs(signals: pl.LazyFrame) -> pl.LazyFrame:
    # The edit is written by the user, not by a model, so the chosen side has no model metadata.
    return signals.filter(
        rules.has_edit
        & (
            rules.normalised_whitespace(pl.col("latest_edit_text"))
            != rules.normalised_whitespace(pl.col("output"))
        )
    ).select(
        "tenant_id",
        "prompt_id",
        "messages",
        chosen=pl.col("latest_edit_text"),
        rejected=pl.col("output"),
        pair_source=pl.lit(rules.SOURCE_USER_EDIT),
        chosen_response_id=pl.col("response_id"),
        rejected_response_id=pl.col("response_id"),
        **{f"chosen_{column}": pl.lit(None, dtype=pl.String) for column in _MODEL_COLUMNS},
        **{f"rejected_{column}": pl.col(column) for column in _MODEL_COLUMNS},
        feature=pl.col("feature"),
        language=pl.col("language"),
        feedback_event_ids=pl.concat_list(pl.col("latest_edit_event_id")),
    )


def _thumbs_pairs(signals: pl.LazyFrame) -> pl.LazyFrame:
    side_columns = ["response_id", "output", "latest_thumb_event_id", *_MODEL_COLUMNS]
    chosen = signals.filter(rules.thumb_up).select(
        "tenant_id", "prompt_id", "messages", *[pl.col(c).alias(f"chosen_{c}") for c in side_columns]
    )
    rejected = signals.filter(rules.thumb_down).select(
        "tenant_id",
        "prompt_id",
        "feature",
        "language",
        *[pl.col(c).alias(f"rejected_{c}") for c in side_columns],
    )
    return (
        chosen.join(rejected, on=["tenant_id", "prompt_id"], how="inner")
        .filter(
            rules.normalised_whitespace(pl.col("chosen_output"))
            != rules.normalised_whitespace(pl.col("rejected_output"))
        )
        .with_columns(
            chosen=pl.col("chosen_output"),
            rejected=pl.col("rejected_output"),
            pair_source=pl.lit(rules.SOURCE_THUMBS),
            feedback_event_ids=pl.concat_list(
                pl.col("chosen_latest_thumb_event_id"), pl.col("rejected_latest_thumb_event_id")
            ).list.sort(),
        )
    )


def select_dpo_pairs(mart: pl.LazyFrame | pl.DataFrame) -> pl.DataFrame:
    """All preference pairs of the ``feedback_with_responses`` mart, sorted by pair_id.

    Two sources: the user's latest edit preferred over the output it edits (``pair_source='user_edit'``), and
    every thumbs-up output preferred over every thumbs-down output to the same prompt (same ``prompt_id``) in
    the same tenant (``'thumbs'``). Pairs whose two texts differ only in whitespace are skipped. Model
    metadata is kept for both sides; ``feature`` and ``language`` are those of the rejected response.
    """
    signals = trainable_response_signals(mart)
    return (
        pl.concat(
            [
                _user_edit_pairs(signals).select(DPO_COLUMNS[1:]),
                _thumbs_pairs(signals).select(DPO_COLUMNS[1:]),
            ],
            how="vertical",
        )
        .with_columns(pair_id=_pair_id())
        .select(DPO_COLUMNS)
        .sort("pair_id")
        .collect()
    )
