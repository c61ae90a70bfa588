"""Checks on the published datasets: files unchanged since written, and lineage for every row."""

import dagster as dg
import polars as pl
from great_expectations import expectations as gxe

from feedback_platform.defs.datasets.assets import DATASETS
from feedback_platform.defs.expectation_checks import expectation_suite_check
from feedback_platform.lib.dataset_store import content_hash, read_dataset_version, read_manifest
from feedback_platform.resources import DUCKDB_POOL, DatasetStore


def _files_match_their_version(name: str, key_column: str) -> dg.AssetChecksDefinition:
    asset_key = dg.AssetKey(f"{name}_dataset")

    @dg.asset_check(
        asset=asset_key,
        name=f"{name}_dataset_files_match_their_version",
        description="Re-hashing the stored rows gives the content hash the version was published under.",
        blocking=True,
    )
    def _check(context: dg.AssetCheckExecutionContext, dataset_store: DatasetStore) -> dg.AssetCheckResult:
        materialization = context.instance.get_latest_materialization_event(asset_key)
        version = materialization.asset_materialization.metadata["version"].value
        manifest = read_manifest(dataset_store.path, name, version)
        recomputed = content_hash(read_dataset_version(dataset_store.path, name, version), key_column)
        return dg.AssetCheckResult(
            passed=recomputed == manifest["content_hash"] and manifest["content_hash"].startswith(version),
            metadata={
                "version": version,
                "manifest_hash": manifest["content_hash"],
                "recomputed_hash": recomputed,
            },
        )

    return _check


(
    eval_dataset_files_match_their_version,
    sft_dataset_files_match_their_version,
    dpo_dataset_files_match_their_version,
    kto_dataset_files_match_their_version,
) = (_files_match_their_version(name, key) for name, (_, key) in DATASETS.items())


dataset_versions_are_unique_and_complete = expectation_suite_check(
    asset="dataset_versions",
    name="dataset_versions_are_unique_and_complete",
    description="Each (name, version) is listed once, with its content hash, row count and rule version.",
    expectations=[
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["name", "version"]),
        *(
            gxe.ExpectColumnValuesToNotBeNull(column=column)
            for column in ("content_hash", "rule_version", "path")
        ),
        gxe.ExpectColumnValuesToBeBetween(column="row_count", min_value=0),
    ],
)


@dg.asset_check(
    asset="dataset_row_lineage",
    additional_ins={"dataset_versions": dg.AssetIn("dataset_versions")},
    blocking=True,
    pool=DUCKDB_POOL,
)
def every_dataset_row_has_lineage(
    dataset_row_lineage: pl.DataFrame, dataset_versions: pl.DataFrame
) -> dg.AssetCheckResult:
    """Each version's rows all appear in the lineage, and each traces to at least one feedback event."""
    traced = dataset_row_lineage.group_by("dataset", "version").agg(
        rows_traced=pl.col("row_id").n_unique(),
        rows_with_events=pl.col("row_id").filter(pl.col("feedback_event_id").is_not_null()).n_unique(),
    )
    coverage = (
        dataset_versions.select(dataset="name", version="version", rows="row_count")
        .join(traced, on=["dataset", "version"], how="left")
        .fill_null(0)
    )
    incomplete = coverage.filter(
        (pl.col("rows_traced") != pl.col("rows")) | (pl.col("rows_with_events") != pl.col("rows"))
    )
    return dg.AssetCheckResult(
        passed=incomplete.height == 0,
        metadata={
            "versions": coverage.height,
            "incomplete_versions": dg.MetadataValue.json(incomplete.to_dicts()),
        },
    )
