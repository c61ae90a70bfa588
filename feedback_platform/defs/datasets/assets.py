"""Immutable dataset versions, and the registry and row lineage that index them.

The version folders on disk are the source of truth: a dataset asset writes a new folder only when the
content changes, and `dataset_versions` / `dataset_row_lineage` are rebuilt from every folder ever
written, so a table can be lost and rebuilt but a published version never changes.
"""

from functools import partial

import dagster as dg
import polars as pl

from feedback_platform.defs.curate.rules_file import CurationRulesFile
from feedback_platform.defs.datasets.metadata import version_metadata
from feedback_platform.defs.datasets.provenance import upstream_code_versions, upstream_data_versions
from feedback_platform.lib.curation import CurationRules
from feedback_platform.lib.dataset_index import LINEAGE_SCHEMA, lineage_rows, list_dataset_versions
from feedback_platform.lib.dataset_store import (
    DATASET_WRITER_VERSION,
    read_dataset_version,
    write_dataset_version,
)
from feedback_platform.resources import DUCKDB_POOL, DatasetStore

DATASETS = {
    "eval": ("eval_examples", "example_id"),
    "sft": ("sft_examples", "example_id"),
    "dpo": ("dpo_pairs", "pair_id"),
    "kto": ("kto_examples", "example_id"),
}
"""Dataset name → (the curated table it versions, the column that identifies a row)."""


def _dataset_asset(name: str, source_table: str, key_column: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"{name}_dataset",
        ins={"rows": dg.AssetIn(source_table)},
        group_name="datasets",
        pool=DUCKDB_POOL,
        kinds={"parquet", "json"},
        code_version=DATASET_WRITER_VERSION,
        description=f"The {name} dataset as an immutable, content-addressed version (Parquet, JSONL).",
    )
    def _dataset(
        context: dg.AssetExecutionContext,
        rows: pl.DataFrame,
        dataset_store: DatasetStore,
        curation_rules: CurationRulesFile,
    ) -> dg.MaterializeResult:
        rules = curation_rules.rules
        _require_rows_made_by(context, source_table, rules)
        write = partial(
            write_dataset_version,
            datasets_root=dataset_store.path,
            rule_version=rules.version,
            rules_sha256=rules.sha256,
            key_column=key_column,
            code_version=upstream_code_versions(context),
            upstream=upstream_data_versions(context),
        )
        version = write(rows, name=name, inputs={"table": source_table, "rows": rows.height})
        tenant_versions = {}
        if rules.per_tenant_datasets:
            for (tenant,), tenant_rows in rows.partition_by(
                "tenant_id", as_dict=True, maintain_order=True
            ).items():
                tenant_versions[tenant] = write(
                    tenant_rows,
                    name=f"{name}-{tenant}",
                    inputs={"table": source_table, "tenant_id": tenant, "rows": tenant_rows.height},
                ).version
        return dg.MaterializeResult(
            metadata=version_metadata(version, rows, tenant_versions),
            data_version=dg.DataVersion(version.version),
        )

    return _dataset


def _require_rows_made_by(context: dg.AssetExecutionContext, source_table: str, rules: CurationRules) -> None:
    """The manifest names the rules that selected the rows: refuse rows curated under other rules."""
    event = context.instance.get_latest_materialization_event(dg.AssetKey(source_table))
    metadata = event.asset_materialization.metadata if event and event.asset_materialization else {}
    made_by = metadata["rules_sha256"].value if "rules_sha256" in metadata else "unknown"
    if made_by != rules.sha256:
        raise dg.Failure(
            f"{source_table} was curated under rules {made_by}, but the rules file is now {rules.version}"
            f" ({rules.sha256}): materialise {source_table} again first"
        )


eval_dataset, sft_dataset, dpo_dataset, kto_dataset = (
    _dataset_asset(name, *source) for name, source in DATASETS.items()
)


@dg.asset(
    deps=[eval_dataset, sft_dataset, dpo_dataset, kto_dataset],
    group_name="datasets",
    pool=DUCKDB_POOL,
    kinds={"duckdb"},
)
def dataset_versions(dataset_store: DatasetStore) -> pl.DataFrame:
    """The registry: one row per dataset version ever written, from its manifest."""
    return list_dataset_versions(dataset_store.path)


@dg.asset(
    deps=[eval_dataset, sft_dataset, dpo_dataset, kto_dataset],
    group_name="datasets",
    pool=DUCKDB_POOL,
    kinds={"duckdb"},
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
