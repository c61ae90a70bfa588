"""SFT examples: prompts paired with a completion the user approved of, or corrected into shape."""

from __future__ import annotations

from functools import partial

import polars as pl

from feedback_platform.lib.curation import rules
from feedback_platform.lib.curation.config import CurationRules
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

SFT_KIND = "sft"

SFT_COLUMNS = [
    "example_id",
    *EXAMPLE_CONTEXT_COLUMNS,
    "completion",
    "target_source",
    "reasons",
    "feedback_event_ids",
    "split",
]


def select_sft_rows(facts: pl.LazyFrame, curation: CurationRules) -> pl.LazyFrame:
    """One SFT example per admitted response, its completion named by ``completion_edit_event_id``.

    The completion is the user's latest edit when there is one and edits are targets
    (``target_source='user_edit'``), otherwise the model output (``'output'``). ``reasons`` lists every rule
    that fired, so an edited response that was also rated 5 shows both ``high_rating`` and ``user_edit``.
    """
    sft_rules = rules.sft_rules(curation)
    edit_is_target = rules.has_edit & pl.lit(curation.sft.user_edits)
    admitted = (
        trainable_response_signals(facts, curation)
        .filter(rules.any_fires(sft_rules))
        .with_columns(
            completion_edit_event_id=pl.when(edit_is_target).then(pl.col("latest_edit_event_id")),
            completion_chars=pl.when(edit_is_target)
            .then(pl.col("latest_edit_chars"))
            .otherwise(pl.col("output_chars")),
            target_source=pl.when(edit_is_target)
            .then(pl.lit(rules.SOURCE_USER_EDIT))
            .otherwise(pl.lit(rules.SOURCE_OUTPUT)),
            reasons=rules.reasons(sft_rules),
            feedback_event_ids=rules.evidence_event_ids(sft_rules),
        )
        .with_columns(
            example_id=row_id_expr(SFT_KIND, pl.col("response_id"), id_list(pl.col("feedback_event_ids")))
        )
    )
    return finish_rows(
        admitted,
        curation,
        id_column="example_id",
        completion_chars_columns=["completion_chars"],
        held_out_prompt_keys=held_out_prompt_keys(facts, curation, "sft"),
    )


SFT_CURATION = Curation(
    kind=SFT_KIND,
    columns=tuple(SFT_COLUMNS),
    id_column="example_id",
    select=select_sft_rows,
    texts=(*EXAMPLE_CONTEXT_TEXTS, COMPLETION_TEXT),
)

select_sft_examples = partial(curate_frame, SFT_CURATION)
"""One SFT example per admitted response of a ``feedback_with_responses`` frame, sorted by example_id."""
