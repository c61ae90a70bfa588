"""DPO preference pairs: a better and a worse completion for the same prompt, as judged by the user."""

from __future__ import annotations

from functools import partial

import polars as pl

from feedback_platform.lib.curation import rules
from feedback_platform.lib.curation.attached_texts import AttachedText
from feedback_platform.lib.curation.config import CurationRules
from feedback_platform.lib.curation.eval import held_out_prompt_keys
from feedback_platform.lib.curation.finishing import finish_rows
from feedback_platform.lib.curation.selection import Curation, curate_frame
from feedback_platform.lib.curation.signals import RESPONSE_DATE, trainable_response_signals
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
    "weight",
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
    RESPONSE_DATE,
    "feedback_event_ids",
    "split",
]

_TEXTS = (
    # Both sides answer the same prompt (the same prompt_id), so either response's messages are the prompt.
    AttachedText("messages", response_column="chosen_response_id", response_field="messages"),
    AttachedText(
        "chosen",
        response_column="chosen_response_id",
        response_field="output",
        edit_event_column="chosen_edit_event_id",
    ),
    AttachedText("rejected", response_column="rejected_response_id", response_field="output"),
)
_PAIR_COLUMNS = [
    *(c for c in DPO_COLUMNS if c not in ("pair_id", "split", *(text.column for text in _TEXTS))),
    "chosen_edit_event_id",
    "chosen_chars",
    "rejected_chars",
    "prompt_key",
]
_MODEL_COLUMNS = ["model", "model_version", "prompt_version"]
_SHARED = ["tenant_id", "prompt_id", "prompt_key"]
_SIDE_COLUMNS = ["response_id", RESPONSE_DATE, "output_chars", "output_shape", *_MODEL_COLUMNS]


def _pair_id() -> pl.Expr:
    return row_id_expr(
        DPO_KIND,
        pl.col("pair_source"),
        pl.col("chosen_response_id"),
        pl.col("rejected_response_id"),
        id_list(pl.col("feedback_event_ids")),
    )


def _side(prefix: str, columns: list[str]) -> list[pl.Expr]:
    return [pl.col(column).alias(f"{prefix}_{column}") for column in columns]


def _user_edit_pairs(signals: pl.LazyFrame, weight: float) -> pl.LazyFrame:
    # The edit is written by the user, not by a model, so the chosen side has no model metadata.
    return signals.filter(rules.changed_by_edit).select(
        *_SHARED,
        chosen_edit_event_id=pl.col("latest_edit_event_id"),
        chosen_chars=pl.col("latest_edit_chars"),
        rejected_chars=pl.col("output_chars"),
        pair_source=pl.lit(rules.SOURCE_USER_EDIT),
        weight=pl.lit(weight),
        chosen_response_id=pl.col("response_id"),
        rejected_response_id=pl.col("response_id"),
        **{f"chosen_{column}": pl.lit(None, dtype=pl.String) for column in _MODEL_COLUMNS},
        **{f"rejected_{column}": pl.col(column) for column in _MODEL_COLUMNS},
        feature=pl.col("feature"),
        language=pl.col("language"),
        **{RESPONSE_DATE: pl.col(RESPONSE_DATE)},
        feedback_event_ids=pl.concat_list(pl.col("latest_edit_event_id")),
    )


def _preference_pairs(
    chosen: pl.LazyFrame,
    rejected: pl.LazyFrame,
    *,
    on: list[str],
    source: str,
    weight: float,
    evidence: tuple[str, str],
) -> pl.LazyFrame:
    """Join two sides (already prefixed ``chosen_`` / ``rejected_``) into pairs of outputs that differ in
    more than whitespace."""
    return (
        chosen.join(rejected, on=on, how="inner")
        .filter(pl.col("chosen_output_shape") != pl.col("rejected_output_shape"))
        .with_columns(
            chosen_edit_event_id=pl.lit(None, dtype=pl.String),
            chosen_chars=pl.col("chosen_output_chars"),
            rejected_chars=pl.col("rejected_output_chars"),
            pair_source=pl.lit(source),
            weight=pl.lit(weight),
            feedback_event_ids=pl.concat_list(*evidence).list.sort(),
            **{RESPONSE_DATE: pl.max_horizontal(f"chosen_{RESPONSE_DATE}", f"rejected_{RESPONSE_DATE}")},
        )
    )


def _thumbs_pairs(signals: pl.LazyFrame, weight: float) -> pl.LazyFrame:
    chosen = signals.filter(rules.thumb_up).select(
        *_SHARED, *_side("chosen", [*_SIDE_COLUMNS, "latest_thumb_event_id"])
    )
    rejected = signals.filter(rules.thumb_down).select(
        "tenant_id",
        "prompt_id",
        "feature",
        "language",
        *_side("rejected", [*_SIDE_COLUMNS, "latest_thumb_event_id"]),
    )
    return _preference_pairs(
        chosen,
        rejected,
        on=["tenant_id", "prompt_id"],
        source=rules.SOURCE_THUMBS,
        weight=weight,
        evidence=("chosen_latest_thumb_event_id", "rejected_latest_thumb_event_id"),
    )


def _regenerate_then_copy_pairs(signals: pl.LazyFrame, weight: float) -> pl.LazyFrame:
    # A regenerated response, and a later answer to the same prompt in the same conversation that the user
    # copied (and did not regenerate in turn): the copy says the new answer is the one the user wanted.
    chosen = signals.filter(rules.copied & ~rules.regenerated).select(
        *_SHARED,
        "conversation_id",
        *_side("chosen", [*_SIDE_COLUMNS, "response_created_at", "copy_event_ids"]),
    )
    rejected = signals.filter(rules.regenerated).select(
        "tenant_id",
        "conversation_id",
        "prompt_id",
        "feature",
        "language",
        *_side("rejected", [*_SIDE_COLUMNS, "response_created_at", "regenerate_event_ids"]),
    )
    return _preference_pairs(
        chosen,
        rejected,
        on=["tenant_id", "conversation_id", "prompt_id"],
        source=rules.SOURCE_REGENERATE_THEN_COPY,
        weight=weight,
        evidence=("chosen_copy_event_ids", "rejected_regenerate_event_ids"),
    ).filter(pl.col("chosen_response_created_at") > pl.col("rejected_response_created_at"))


def select_dpo_rows(facts: pl.LazyFrame, curation: CurationRules) -> pl.LazyFrame:
    """All preference pairs, the chosen text an edit's (``chosen_edit_event_id``) or an output's.

    Three sources, each switched on and weighted in ``curation.dpo``: the user's latest edit preferred over
    the output it changed (``pair_source='user_edit'``); every thumbs-up output preferred over every
    thumbs-down output to the same prompt (same ``prompt_id``) in the same tenant (``'thumbs'``); a later
    answer the user copied preferred over the one they regenerated, in one conversation
    (``'regenerate_then_copy'``). Pairs whose two texts differ only in whitespace are skipped. Model metadata
    is kept for both sides; ``feature`` and ``language`` are those of the rejected response.
    """
    signals = trainable_response_signals(facts, curation)
    sources = {
        rules.SOURCE_USER_EDIT: (_user_edit_pairs, curation.dpo.user_edit),
        rules.SOURCE_THUMBS: (_thumbs_pairs, curation.dpo.thumbs),
        rules.SOURCE_REGENERATE_THEN_COPY: (_regenerate_then_copy_pairs, curation.dpo.regenerate_then_copy),
    }
    enabled = [name for name, (_, source) in sources.items() if source.enabled]
    admitted = (
        pl.concat(
            [build(signals, source.weight).select(_PAIR_COLUMNS) for build, source in sources.values()],
            how="vertical",
        )
        .filter(pl.col("pair_source").is_in(enabled))
        .with_columns(pair_id=_pair_id())
    )
    return finish_rows(
        admitted,
        curation,
        id_column="pair_id",
        completion_chars_columns=["chosen_chars", "rejected_chars"],
        held_out_prompt_keys=held_out_prompt_keys(facts, curation, "dpo"),
    )


DPO_CURATION = Curation(
    kind=DPO_KIND, columns=tuple(DPO_COLUMNS), id_column="pair_id", select=select_dpo_rows, texts=_TEXTS
)

select_dpo_pairs = partial(curate_frame, DPO_CURATION)
"""All preference pairs of a ``feedback_with_responses`` frame, sorted by pair_id."""
