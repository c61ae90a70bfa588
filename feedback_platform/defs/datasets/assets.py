"""Immutable dataset versions, and the registry and row lineage that index them.

The version folders on disk are the source of truth: a dataset asset writes a new folder only when the
content changes, and `dataset_versions` / `dataset_row_lineage` are rebuilt from every folder ever
written, so a table can be lost and rebuilt but a published version never changes.
"""

import dagster as dg
import polars as pl

from feedback_platform.lib.curation import RULE_VERSION
from feedback_platform.lib.dataset_index import LINEAGE_SCHEMA, lineage_rows, list_dataset_versions
from feedback_platform.lib.dataset_store import DatasetVersion, read_dataset_version, write_dataset_version
from feedback_platform.resources import DUCKDB_POOL, DatasetStore

DATASETS = {
    "eval": ("eval_examples", "example_id"),
    "sft": ("sft_examples", "example_id"),
    "dpo": ("dpo_pairs", "pair_id"),
}
"""Dataset name → (the curated table it versions, the column that identifies a row)."""


def _dataset_asset(name: str, source_table: str, key_column: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"{name}_dataset",
        ins={"rows": dg.AssetIn(source_table)},
        group_name="datasets",
        pool=DUCKDB_POOL,
        kinds={"parquet", "json"},
        code_version=RULE_VERSION,
        description=f"The {name} dataset as an immutable, content-addressed version (Parquet, JSONL).",
    )
    def _dataset(rows: pl.DataFrame, dataset_store: DatasetStore) -> dg.MaterializeResult:
        version = write_dataset_version(
            rows,
            name=name,
            datasets_root=dataset_store.path,
            rule_version=RULE_VERSION,
            inputs={"table": source_table, "rows": rows.height},
            key_column=key_column,
        )
        return dg.MaterializeResult(
            metadata=_version_metadata(version), data_version=dg.DataVersion(version.version)
        )

    return _dataset


def _version_metadata(version: DatasetVersion) -> dict[str, object]:
    return {
        "version": version.version,
        "content_hash": version.content_hash,
        "dagster/row_count": version.row_count,
        "new_version": version.created,
        "rule_version": version.manifest["rule_version"],
        "path": dg.MetadataValue.path(str(version.path)),
    }


eval_dataset, sft_dataset, dpo_dataset = (_dataset_asset(name, *source) for name, source in DATASETS.items())


@dg.asset(
    deps=[eval_dataset, sft_dataset, dpo_dataset], group_name="datasets", pool=DUCKDB_POOL, kinds={"duckdb"}
)
def dataset_versions(dataset_store: DatasetStore) -> pl.DataFrame:
    """The registry: one row per dataset version ever written, from its manifest."""
    return list_dataset_versions(dataset_store.path)


@dg.asset(
    deps=[eval_dataset, sft_dataset, dpo_dataset], group_name="datasets", pool=DUCKDB_POOL, kinds={"duckdb"}
)
def dataset_row_lineage(dataset_versions: pl.DataFrame, dataset_store: DatasetStore) -> pl.DataFrame:
    """For every row of every version, the response and feedback events it came from."""
    frames = [
        lineage_rows(
            read_dataset_version(dataset_store.path, name, version),
            name=name,
            version=version,
            key_column=key,
        )
        for name, version, key in dataset_versions.select("name", "version", "key_column").iter_rows()
    ]
    return pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=LINEAGE_SCHEMA)
