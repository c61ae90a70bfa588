"""Curated examples: the feedback-linked responses that the rules file admits to eval, SFT, DPO and KTO.

The rules are configuration (`feedback_platform/curation_rules.yaml`, read through the `curation_rules`
resource) applied by `feedback_platform.lib.curation` (see docs/curation-rules.md); these assets only feed
them the `feedback_with_responses` mart and store what they select, tagged with the rules' version and hash.
"""

from collections.abc import Callable

import dagster as dg
import polars as pl

from feedback_platform.defs.curate.rules_file import CurationRulesFile
from feedback_platform.lib.curation import (
    CURATION_CODE_VERSION,
    CurationRules,
    select_dpo_pairs,
    select_eval_examples,
    select_kto_examples,
    select_sft_examples,
)
from feedback_platform.resources import DUCKDB_POOL

_curated_table = {
    "deps": ["curation_rules"],
    "group_name": "curate",
    "pool": DUCKDB_POOL,
    "kinds": {"duckdb", "polars"},
    "code_version": CURATION_CODE_VERSION,
}


@dg.asset(name="curation_rules", group_name="curate", kinds={"yaml"}, code_version=CURATION_CODE_VERSION)
def record_curation_rules(curation_rules: CurationRulesFile) -> dg.MaterializeResult:
    """The curation rules in force, validated, with their hash as the data version: each curated table's
    provenance in the UI names the rules it was selected under, and a rules edit shows as a new version."""
    rules = curation_rules.rules
    return dg.MaterializeResult(
        metadata={
            "rules_version": rules.version,
            "rules_sha256": rules.sha256,
            "path": dg.MetadataValue.path(curation_rules.path),
        },
        data_version=dg.DataVersion(rules.sha256),
    )


def _selected(
    select: Callable[[pl.DataFrame, CurationRules], pl.DataFrame],
    mart: pl.DataFrame,
    curation_rules: CurationRulesFile,
) -> dg.Output[pl.DataFrame]:
    rules = curation_rules.rules
    return dg.Output(
        select(mart, rules), metadata={"rules_version": rules.version, "rules_sha256": rules.sha256}
    )


@dg.asset(**_curated_table)
def eval_examples(
    feedback_with_responses: pl.DataFrame, curation_rules: CurationRulesFile
) -> dg.Output[pl.DataFrame]:
    """Responses users were unhappy with (by default thumbs-down, rating ≤ 2, regenerated, abandoned)."""
    return _selected(select_eval_examples, feedback_with_responses, curation_rules)


@dg.asset(**_curated_table)
def sft_examples(
    feedback_with_responses: pl.DataFrame, curation_rules: CurationRulesFile
) -> dg.Output[pl.DataFrame]:
    """Prompt → target pairs: well-rated outputs, and users' edits as the better target."""
    return _selected(select_sft_examples, feedback_with_responses, curation_rules)


@dg.asset(**_curated_table)
def dpo_pairs(
    feedback_with_responses: pl.DataFrame, curation_rules: CurationRulesFile
) -> dg.Output[pl.DataFrame]:
    """Chosen/rejected pairs: an edit over its output, thumbs-up over thumbs-down, a copied retry."""
    return _selected(select_dpo_pairs, feedback_with_responses, curation_rules)


@dg.asset(**_curated_table)
def kto_examples(
    feedback_with_responses: pl.DataFrame, curation_rules: CurationRulesFile
) -> dg.Output[pl.DataFrame]:
    """Single completions labelled desirable or not, from thumbs, ratings, edits and implicit signals."""
    return _selected(select_kto_examples, feedback_with_responses, curation_rules)
