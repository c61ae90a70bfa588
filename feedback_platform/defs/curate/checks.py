"""Checks on the curated examples: well-formed rows, real preferences, and no opted-out user's data; and on
the rules: a version names one content."""

import dagster as dg
import polars as pl
from great_expectations import expectations as gxe

from feedback_platform.defs.expectation_checks import expectation_suite_check, predicate_check
from feedback_platform.resources import DUCKDB_POOL

eval_examples_have_unique_ids_and_outputs = expectation_suite_check(
    asset="eval_examples",
    name="eval_examples_have_unique_ids_and_outputs",
    description="example_id is unique; every example has the rated output and the reasons it was admitted.",
    expectations=[
        gxe.ExpectColumnValuesToBeUnique(column="example_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="example_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="output"),
        gxe.ExpectColumnValuesToNotBeNull(column="reasons"),
    ],
)

sft_examples_have_unique_ids_and_non_empty_targets = expectation_suite_check(
    asset="sft_examples",
    name="sft_examples_have_unique_ids_and_non_empty_targets",
    description="example_id is unique; every target is non-empty text from the output or the user's edit.",
    expectations=[
        gxe.ExpectColumnValuesToBeUnique(column="example_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="completion"),
        gxe.ExpectColumnValuesToBeBetween(column="completion_length", min_value=1),
        gxe.ExpectColumnValuesToBeInSet(column="target_source", value_set=["output", "user_edit"]),
        gxe.ExpectColumnValuesToBeInSet(column="split", value_set=["train", "validation"]),
    ],
    prepare=lambda rows: rows.with_columns(
        completion_length=pl.col("completion").str.strip_chars().str.len_chars()
    ),
)

dpo_pairs_have_unique_ids_and_both_sides = expectation_suite_check(
    asset="dpo_pairs",
    name="dpo_pairs_have_unique_ids_and_both_sides",
    description="pair_id is unique; chosen and rejected are both present.",
    expectations=[
        gxe.ExpectColumnValuesToBeUnique(column="pair_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="chosen"),
        gxe.ExpectColumnValuesToNotBeNull(column="rejected"),
        gxe.ExpectColumnValuesToBeInSet(
            column="pair_source", value_set=["user_edit", "thumbs", "regenerate_then_copy"]
        ),
        gxe.ExpectColumnValuesToBeInSet(column="split", value_set=["train", "validation"]),
    ],
)

kto_examples_have_unique_ids_labels_and_splits = expectation_suite_check(
    asset="kto_examples",
    name="kto_examples_have_unique_ids_labels_and_splits",
    description="example_id is unique; every row has a completion, a label, a weight in (0, 1] and a split.",
    expectations=[
        gxe.ExpectColumnValuesToBeUnique(column="example_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="completion"),
        gxe.ExpectColumnValuesToNotBeNull(column="label"),
        gxe.ExpectColumnValuesToBeBetween(column="weight", min_value=0, max_value=1, strict_min=True),
        gxe.ExpectColumnValuesToBeInSet(column="split", value_set=["train", "validation"]),
    ],
)

dpo_chosen_differs_from_rejected = predicate_check(
    asset="dpo_pairs",
    name="dpo_chosen_differs_from_rejected",
    description="No pair prefers a text over itself (whitespace normalised), nor an empty text.",
    find_violations=lambda rows: rows.filter(
        (_normalised("chosen") == _normalised("rejected")) | (_normalised("chosen") == "")
    ).select("pair_id", "pair_source", "chosen_response_id", "rejected_response_id"),
)


def _normalised(column: str) -> pl.Expr:
    return pl.col(column).str.replace_all(r"\s+", " ").str.strip_chars()


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
        withheld = response_signals.filter(~pl.col("training_allowed")).select("response_id")
        used = pl.concat([rows.select(response_id=pl.col(column)) for column in response_id_columns]).unique()
        offending = used.join(withheld, on="response_id", how="semi")
        return dg.AssetCheckResult(
            passed=offending.height == 0,
            metadata={
                "withheld_responses": withheld.height,
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
