"""What a dataset materialisation shows an auditor in the Dagster UI: the version, where its manifest is,
how many rows each signal and tenant contributed, and a preview of the rows."""

import json

import dagster as dg
import polars as pl

from feedback_platform.lib.dataset_catalog import rows_by_rule, value_tally
from feedback_platform.lib.dataset_store import MANIFEST, DatasetVersion

PREVIEW_ROWS = 5
PREVIEW_CELL_CHARS = 80


def version_metadata(
    version: DatasetVersion, rows: pl.DataFrame, tenant_versions: dict[str, str]
) -> dict[str, object]:
    """Metadata of one dataset materialisation; ``tenant_versions`` maps tenant → its per-tenant version."""
    manifest = version.manifest
    return {
        "version": version.version,
        "content_hash": version.content_hash,
        "dagster/row_count": version.row_count,
        "new_version": version.created,
        "rule_version": manifest["rule_version"],
        "rules_sha256": manifest.get("rules", {}).get("sha256"),  # absent before rules 1.1.0
        "code_version": dg.MetadataValue.json(manifest.get("code_version", {})),
        "path": dg.MetadataValue.path(str(version.path)),
        "manifest_path": dg.MetadataValue.path(str(version.path / MANIFEST)),
        "rows_by_signal": dg.MetadataValue.json(rows_by_rule(rows)),
        "rows_by_tenant": dg.MetadataValue.json(rows_by_tenant(rows)),
        "tenant_versions": dg.MetadataValue.json(tenant_versions),
        "preview": preview_table(rows),
    }


def rows_by_tenant(rows: pl.DataFrame) -> dict[str, int]:
    """Row count per tenant, largest first; ``{}`` for rows without a tenant column."""
    return value_tally(rows.get_column("tenant_id")) if "tenant_id" in rows.columns else {}


def preview_table(rows: pl.DataFrame) -> dg.TableMetadataValue:
    """The first rows, every column as shortened text (lists and messages as JSON), for the UI's table."""
    head = rows.head(PREVIEW_ROWS)
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
