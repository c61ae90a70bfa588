"""Immutable dataset versions, written, audited and published; and the registry and row lineage.

Write-audit-publish, for each kind of `feedback_platform.lib.datasets.kinds`: `staged_<name>_dataset`
writes the curated rows as a content-addressed version into staging; the blocking checks on it
(defs/datasets/staged_audits.py) audit the staged files; `published_datasets` then publishes the versions of
every kind (the `<name>_dataset` assets) and points `latest.json` at them in one commit. When a blocking
check fails, Dagster does not run the publishing step, so every previous version stays latest (a night's
datasets never mix versions of two nights) and the failed check says why.

The version folders on disk are the source of truth: `dataset_versions` is rebuilt from every published
manifest, and `dataset_row_lineage` traces the shards it does not hold yet, so either can be lost and rebuilt
but a published version never changes.
"""

from functools import partial

import dagster as dg
import duckdb
import polars as pl

from feedback_platform.defs.curate.rules_file import CurationRulesFile
from feedback_platform.defs.datasets.metadata import staged_metadata, version_metadata
from feedback_platform.defs.datasets.provenance import upstream_code_versions, upstream_data_versions
from feedback_platform.defs.datasets.publication_gate import audited_staged_version
from feedback_platform.lib.curation import CurationRules
from feedback_platform.lib.datasets.index import list_dataset_versions
from feedback_platform.lib.datasets.kinds import DATASET_KINDS, DatasetKind
from feedback_platform.lib.datasets.publication import latest_version, publish_dataset_versions
from feedback_platform.lib.datasets.row_lineage_table import LINEAGE_TABLE, sync_row_lineage
from feedback_platform.lib.datasets.store import (
    DATASET_WRITER_VERSION,
    write_dataset_version,
)
from feedback_platform.lib.datasets.unused_files import remove_unused_files
from feedback_platform.lib.warehouse import quote_identifier, read_table_parts
from feedback_platform.resources import DUCKDB_POOL, DatasetStore, Warehouse


def _staged_dataset_asset(kind: DatasetKind) -> dg.AssetsDefinition:
    name, source_table = kind.name, kind.curated_table

    @dg.asset(
        name=kind.staged_asset,
        tags=kind.asset_tags,
        deps=[source_table],
        group_name="datasets",
        pool=DUCKDB_POOL,
        kinds={"parquet", "json"},
        code_version=DATASET_WRITER_VERSION,
        description=(
            f"The {name} dataset written as a content-addressed version into staging, to be audited: one "
            f"shard per {kind.shard_column}, the unchanged ones those of the latest published version. "
            "Staged versions it supersedes and shards no version lists are removed."
        ),
    )
    def _staged(
        context: dg.AssetExecutionContext,
        dataset_store: DatasetStore,
        curation_rules: CurationRulesFile,
        warehouse: Warehouse,
    ) -> dg.MaterializeResult:
        rules = curation_rules.rules
        _require_rows_made_by(context, source_table, rules)
        root = dataset_store.path
        write = partial(
            write_dataset_version,
            datasets_root=root,
            staged=True,
            rule_version=rules.version,
            rules_sha256=rules.sha256,
            key_column=kind.key_column,
            shard_column=kind.shard_column,
            code_version=upstream_code_versions(context),
            upstream=upstream_data_versions(context),
        )
        with warehouse.connect() as con:
            version = write(
                read_table_parts(con, source_table, kind.shard_column),
                name=name,
                inputs={"table": source_table},
                reuse_shards_of=latest_version(root, name),
            )
            tenant_versions = {}
            if rules.per_tenant_datasets:
                for tenant in _tenants_of(con, source_table):
                    tenant_versions[tenant] = write(
                        read_table_parts(con, source_table, kind.shard_column, {"tenant_id": tenant}),
                        name=f"{name}-{tenant}",
                        inputs={"table": source_table, "tenant_id": tenant},
                        reuse_shards_of=latest_version(root, f"{name}-{tenant}"),
                    ).version
        removed = [
            remove_unused_files(root, name, version.version),
            *(remove_unused_files(root, f"{name}-{t}", v) for t, v in tenant_versions.items()),
        ]
        return dg.MaterializeResult(
            metadata=staged_metadata(version, tenant_versions, removed),
            data_version=dg.DataVersion(version.version),
        )

    return _staged


def _tenants_of(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    query = f"select distinct tenant_id from {quote_identifier(table)} order by 1"
    return [tenant for (tenant,) in con.execute(query).fetchall()]


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


@dg.multi_asset(
    name="published_datasets",
    specs=[
        dg.AssetSpec(
            kind.published_asset,
            deps=[kind.staged_asset],
            group_name="datasets",
            tags=kind.asset_tags,
            kinds={"parquet", "json"},
            code_version=DATASET_WRITER_VERSION,
            description=(
                f"The latest {kind.name} dataset version: the staged version, published once every blocking "
                f"check on {kind.staged_asset} passed, together with the other datasets of the run."
            ),
        )
        for kind in DATASET_KINDS.values()
    ],
    can_subset=True,
    pool=DUCKDB_POOL,
)
def published_datasets(context: dg.AssetExecutionContext, dataset_store: DatasetStore):
    """Publish the audited staged version of every selected dataset kind, and its per-tenant versions, in one
    commit (`publish_dataset_versions`): they become latest together or, when one audit fails, none does."""
    selected = context.selected_asset_keys
    kinds = [kind for kind in DATASET_KINDS.values() if dg.AssetKey(kind.published_asset) in selected]
    audited = {kind.name: audited_staged_version(context, dg.AssetKey(kind.staged_asset)) for kind in kinds}
    root = dataset_store.path
    publications = publish_dataset_versions(
        root,
        {
            **{name: version.version for name, version in audited.items()},
            **{
                f"{name}-{tenant}": tenant_version
                for name, version in audited.items()
                for tenant, tenant_version in version.tenant_versions.items()
            },
        },
    )
    for kind in kinds:
        publication = publications[kind.name]
        yield dg.MaterializeResult(
            asset_key=kind.published_asset,
            metadata=version_metadata(publication, root, audited[kind.name].tenant_versions),
            data_version=dg.DataVersion(publication.version),
        )


_staged_dataset_assets = [_staged_dataset_asset(kind) for kind in DATASET_KINDS.values()]
"""Per dataset kind, the staged version (`published_datasets` publishes them all)."""
PUBLISHED_DATASETS = [dg.AssetKey(kind.published_asset) for kind in DATASET_KINDS.values()]


@dg.asset(
    deps=PUBLISHED_DATASETS,
    group_name="datasets",
    pool=DUCKDB_POOL,
    kinds={"duckdb"},
)
def dataset_versions(dataset_store: DatasetStore) -> pl.DataFrame:
    """The registry: one row per dataset version ever written, from its manifest."""
    return list_dataset_versions(dataset_store.path)


@dg.asset(
    deps=PUBLISHED_DATASETS,
    group_name="datasets",
    pool=DUCKDB_POOL,
    kinds={"duckdb"},
)
def dataset_row_lineage(
    dataset_versions: pl.DataFrame, dataset_store: DatasetStore, warehouse: Warehouse
) -> dg.MaterializeResult:
    """For every row of every version, the response and feedback events it came from: a view over the
    lineage of each shard, kept once however many versions list the shard.

    Appended: only shards not traced yet are read (see `feedback_platform.lib.datasets.row_lineage_table`)."""
    with warehouse.connect() as con:
        sync = sync_row_lineage(con, dataset_versions, dataset_store.path)
    return dg.MaterializeResult(
        metadata={
            "table": LINEAGE_TABLE,
            "dagster/row_count": sync.rows,
            "versions_traced": dg.MetadataValue.json(sync.traced),
            "versions_dropped": dg.MetadataValue.json(sync.dropped),
            "shards_traced": dg.MetadataValue.json(sync.shards_traced),
        }
    )
