"""What a dataset materialisation shows an auditor in the Dagster UI: the version, where its manifest is,
how many rows each signal and tenant contributed, and a preview of the rows without their texts."""

import json
from collections.abc import Mapping
from pathlib import Path

import dagster as dg
import polars as pl

from feedback_platform.lib.datasets.catalog import ADMISSION_COLUMNS, rows_by_rule, value_tally
from feedback_platform.lib.datasets.publication import Publication
from feedback_platform.lib.datasets.store import (
    MANIFEST,
    DatasetVersion,
    read_dataset_version,
    read_manifest,
    shard_ids,
    version_dir,
)
from feedback_platform.lib.datasets.unused_files import RemovedFiles
from feedback_platform.lib.shown_values import shown_frame

PREVIEW_ROWS = 5
PREVIEW_CELL_CHARS = 80


def recorded_metadata(instance: dg.DagsterInstance, asset_key: dg.AssetKey) -> Mapping[str, dg.MetadataValue]:
    """The metadata of the asset's latest materialisation: the checks on a dataset read the version from it.

    LookupError when this instance recorded none, e.g. for checks run on a copied data folder without its
    Dagster home.
    """
    event = instance.get_latest_materialization_event(asset_key)
    if event is None or event.asset_materialization is None:
        raise LookupError(
            f"this Dagster instance holds no materialisation of {asset_key.to_user_string()}, so it cannot"
            " tell which version to check: materialise it (or use the data folder's dagster_home) first"
        )
    return event.asset_materialization.metadata


def version_metadata(
    publication: Publication, datasets_root: Path, tenant_versions: dict[str, str]
) -> dict[str, object]:
    """Metadata of one dataset publication; ``tenant_versions`` maps tenant → its per-tenant version.

    Reads only the columns it tallies and the first shard for the preview, not the whole version.
    """
    name, version = publication.name, publication.version
    manifest = read_manifest(datasets_root, name, version)
    tallied = [column for column in (*ADMISSION_COLUMNS, "tenant_id") if column in manifest["schema"]]
    rows = read_dataset_version(datasets_root, name, version, tallied)
    first_shard = read_dataset_version(datasets_root, name, version, only_shards=shard_ids(manifest)[:1])
    folder = version_dir(datasets_root, name, version)
    return {
        "dataset": name,
        "version": version,
        "content_hash": manifest["content_hash"],
        "dagster/row_count": manifest["row_count"],
        "shards": len(manifest["shards"]),
        "new_version": publication.created,
        "previous_latest": publication.previous or "none",
        "rule_version": manifest["rule_version"],
        "rules_sha256": manifest.get("rules", {}).get("sha256"),  # absent before rules 1.1.0
        "code_version": dg.MetadataValue.json(manifest.get("code_version", {})),
        "path": dg.MetadataValue.path(str(folder)),
        "manifest_path": dg.MetadataValue.path(str(folder / MANIFEST)),
        "rows_by_signal": dg.MetadataValue.json(rows_by_rule(rows)),
        "rows_by_tenant": dg.MetadataValue.json(rows_by_tenant(rows)),
        "tenant_versions": dg.MetadataValue.json(tenant_versions),
        "preview": preview_table(first_shard),
    }


def staged_metadata(
    stored: DatasetVersion, tenant_versions: dict[str, str], removed: list[RemovedFiles]
) -> dict[str, object]:
    """Metadata of a staged version: what its checks read, what publishing will move, how many rows were
    serialised anew and how many shards written (the others were the latest published version's), and what
    no version needed any more and was removed (over the dataset and its per-tenant datasets)."""
    return {
        "version": stored.version,
        "dagster/row_count": stored.row_count,
        "shards": len(stored.manifest["shards"]),
        "shards_written": stored.shards_written,
        "rows_serialised": stored.serialised_rows,
        "path": dg.MetadataValue.path(str(stored.path)),
        "tenant_versions": dg.MetadataValue.json(tenant_versions),
        "superseded_staged_versions_removed": sum(len(each.staged_versions) for each in removed),
        "unlisted_shards_removed": sum(len(each.shards) for each in removed),
        "temporary_folders_removed": sum(each.temporary_folders for each in removed),
    }


def rows_by_tenant(rows: pl.DataFrame) -> dict[str, int]:
    """Row count per tenant, largest first; ``{}`` for rows without a tenant column."""
    return value_tally(rows.get_column("tenant_id")) if "tenant_id" in rows.columns else {}


def preview_table(rows: pl.DataFrame) -> dg.TableMetadataValue:
    """The first rows as `shown_frame` lets metadata show them (ids, dates, numbers and names; each text
    column by its length, e.g. `completion_chars`), every column as shortened text (lists as JSON), for the
    UI's table. The texts stay in the version's files, which an erasure rewrites; Dagster's storage could not
    forget them."""
    head = shown_frame(rows.head(PREVIEW_ROWS))
    return dg.MetadataValue.table(
        records=[
            dg.TableRecord({column: _cell_text(value) for column, value in row.items()})
            for row in head.iter_rows(named=True)
        ],
        schema=dg.TableSchema(columns=[dg.TableColumn(column, "string") for column in head.columns]),
    )


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= PREVIEW_CELL_CHARS else text[: PREVIEW_CELL_CHARS - 1] + "…"
