"""Checks on the datasets: the audit of each staged version, which gates its publication; and on the
published ones, files unchanged since written and lineage for every row."""

import dagster as dg
import polars as pl

from feedback_platform.defs.datasets.metadata import recorded_metadata
from feedback_platform.defs.expectation_checks import expectation_suite_check
from feedback_platform.lib.datasets.kinds import DATASET_KINDS, DatasetKind
from feedback_platform.lib.datasets.row_lineage_table import traced_row_counts
from feedback_platform.lib.datasets.store import version_problems
from feedback_platform.resources import DUCKDB_POOL, DatasetStore, Warehouse


def _files_match_their_version(kind: DatasetKind) -> dg.AssetChecksDefinition:
    name, asset_key = kind.name, dg.AssetKey(kind.published_asset)

    @dg.asset_check(
        asset=asset_key,
        name=f"{name}_dataset_files_match_their_version",
        description=(
            "The files of the version and of each per-tenant version have the digests their manifests "
            "recorded, and their canonical rows hash to the content hash each was published under."
        ),
        blocking=True,
    )
    def _check(context: dg.AssetCheckExecutionContext, dataset_store: DatasetStore) -> dg.AssetCheckResult:
        metadata = recorded_metadata(context.instance, asset_key)
        tenant_versions = metadata["tenant_versions"].value if "tenant_versions" in metadata else {}
        published = {
            name: metadata["version"].value,
            **{f"{name}-{tenant}": version for tenant, version in tenant_versions.items()},
        }
        problems = {
            dataset: version_problems(dataset_store.path, dataset, version)
            for dataset, version in published.items()
        }
        mismatched = {dataset: published[dataset] for dataset, found in problems.items() if found}
        return dg.AssetCheckResult(
            passed=not mismatched,
            metadata={
                "versions_checked": dg.MetadataValue.json(published),
                "mismatched": dg.MetadataValue.json(mismatched),
                "problems": dg.MetadataValue.json({dataset: problems[dataset] for dataset in mismatched}),
            },
        )

    return _check


_published_dataset_checks = [_files_match_their_version(kind) for kind in DATASET_KINDS.values()]


dataset_versions_are_unique_and_complete = expectation_suite_check(
    asset="dataset_versions",
    name="dataset_versions_are_unique_and_complete",
    description="Each (name, version) is listed once, with its content hash, row count and rule version.",
    expectations=lambda gxe: [
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
    dataset_versions: pl.DataFrame, warehouse: Warehouse
) -> dg.AssetCheckResult:
    """Each version's rows all appear in the lineage, and each traces to at least one feedback event
    (versions an erasure withdrew have no rows left)."""
    with warehouse.connect() as con:
        traced = traced_row_counts(con)
    coverage = (
        dataset_versions.filter(pl.col("status") == "published")
        .select(dataset="name", version="version", rows="row_count")
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
