"""Curated examples: the feedback-linked responses that the documented rules admit to eval, SFT and DPO.

The rules live in `feedback_platform.lib.curation` (see docs/curation-rules.md); these assets only feed
them the `feedback_with_responses` mart and store what they select.
"""

import dagster as dg
import polars as pl

from feedback_platform.lib.curation import (
    RULE_VERSION,
    select_dpo_pairs,
    select_eval_examples,
    select_sft_examples,
)
from feedback_platform.resources import DUCKDB_POOL

_curated_table = {
    "group_name": "curate",
    "pool": DUCKDB_POOL,
    "kinds": {"duckdb", "polars"},
    "code_version": RULE_VERSION,
}


@dg.asset(**_curated_table)
def eval_examples(feedback_with_responses: pl.DataFrame) -> pl.DataFrame:
    """Responses users were unhappy with (thumbs-down, rating ≤ 2, regenerated, abandoned)."""
    return select_eval_examples(feedback_with_responses)


@dg.asset(**_curated_table)
def sft_examples(feedback_with_responses: pl.DataFrame) -> pl.DataFrame:
    """Prompt → target pairs: well-rated outputs, and users' edits as the better target."""
    return select_sft_examples(feedback_with_responses)


@dg.asset(**_curated_table)
def dpo_pairs(feedback_with_responses: pl.DataFrame) -> pl.DataFrame:
    """Chosen/rejected pairs: a user's edit over the original output, thumbs-up over thumbs-down."""
    return select_dpo_pairs(feedback_with_responses)
