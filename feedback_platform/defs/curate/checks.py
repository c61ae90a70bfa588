"""Checks on the curated examples: well-formed rows, real preferences, and no opted-out user's data; and on
the rules: a version names one content."""

import dagster as dg
import polars as pl

from feedback_platform.defs.expectation_checks import expectation_suite_check, predicate_check
from feedback_platform.lib.curation.suites import ROW_SUITES
from feedback_platform.lib.datasets.audits import pairs_without_a_preference, rows_of_withheld_users
from feedback_platform.resources import DUCKDB_POOL


def _curated_suite_check(kind: str, table: str, name: str) -> dg.AssetChecksDefinition:
    suite = ROW_SUITES[kind]
    return expectation_suite_check(
        asset=table,
        name=name,
        description=suite.description,
        expectations=suite.expectations,
        prepare=suite.prepare,
    )


eval_examples_have_unique_ids_and_outputs = _curated_suite_check(
    "eval", "eval_examples", "eval_examples_have_unique_ids_and_outputs"
)
sft_examples_have_unique_ids_and_non_empty_targets = _curated_suite_check(
    "sft", "sft_examples", "sft_examples_have_unique_ids_and_non_empty_targets"
)
dpo_pairs_have_unique_ids_and_both_sides = _curated_suite_check(
    "dpo", "dpo_pairs", "dpo_pairs_have_unique_ids_and_both_sides"
)
kto_examples_have_unique_ids_labels_and_splits = _curated_suite_check(
    "kto", "kto_examples", "kto_examples_have_unique_ids_labels_and_splits"
)

dpo_chosen_differs_from_rejected = predicate_check(
    asset="dpo_pairs",
    name="dpo_chosen_differs_from_rejected",
    description="No pair prefers a text over itself (whitespace normalised), nor an empty text.",
    find_violations=pairs_without_a_preference,
)


def _excludes_withheld_users(asset: str, response_id_columns: list[str]) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset,
        name=f"{asset}_exclude_users_who_opted_out",
        description="No row comes from a response whose user opted out of training or asked for erasure.",
        additional_ins={"response_signals": dg.AssetIn("response_signals")},
        blocking=True,
        pool=DUCKDB_POOL,
    )
    def _check(rows: pl.DataFrame, response_signals: pl.DataFrame) -> dg.AssetCheckResult:
        offending = rows_of_withheld_users(rows, response_id_columns, response_signals)
        return dg.AssetCheckResult(
            passed=offending.height == 0,
            metadata={
                "withheld_responses": response_signals.filter(~pl.col("training_allowed")).height,
                "offending_responses": offending.height,
                "sample": ", ".join(offending["response_id"].head(5).to_list()) or "none",
            },
        )

    return _check


sft_examples_exclude_users_who_opted_out = _excludes_withheld_users("sft_examples", ["response_id"])
dpo_pairs_exclude_users_who_opted_out = _excludes_withheld_users(
    "dpo_pairs", ["chosen_response_id", "rejected_response_id"]
)
kto_examples_exclude_users_who_opted_out = _excludes_withheld_users("kto_examples", ["response_id"])


RULES_HISTORY_LIMIT = 1000
"""How many earlier materialisations of the rules the version check compares with (newest first)."""


@dg.asset_check(asset="curation_rules", blocking=True)
def curation_rules_version_changes_with_content(
    context: dg.AssetCheckExecutionContext,
) -> dg.AssetCheckResult:
    """A rules version published earlier with other content fails: manifests name rules by version, so an
    edit without a version bump would make two different selections look alike. Blocking, so nothing is
    curated under the edited rules until their version is raised."""
    records = context.instance.fetch_materializations(
        dg.AssetKey("curation_rules"), limit=RULES_HISTORY_LIMIT
    ).records
    current, *earlier = [record.asset_materialization.metadata for record in records]
    version, sha256 = current["rules_version"].value, current["rules_sha256"].value
    other_contents = sorted(
        {
            metadata["rules_sha256"].value
            for metadata in earlier
            if metadata["rules_version"].value == version and metadata["rules_sha256"].value != sha256
        }
    )
    return dg.AssetCheckResult(
        passed=not other_contents,
        metadata={
            "rules_version": version,
            "rules_sha256": sha256,
            "same_version_other_content": dg.MetadataValue.json(other_contents),
        },
        description=(
            f"rules version {version} was published before with other content: raise its `version`"
            if other_contents
            else None
        ),
    )
