"""The tables that index the stored dataset versions: the registry and row-level lineage.

Both are derived from the version folders that `feedback_platform.lib.datasets.store` writes, so they can
always be rebuilt from disk.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from feedback_platform.lib.datasets.publication import latest_version
from feedback_platform.lib.datasets.store import (
    MANIFEST,
    erasure_requested_at,
    read_withdrawal,
    stored_versions,
    version_dir,
)

REGISTRY_TABLE = "dataset_versions"
"""The warehouse table that holds :func:`list_dataset_versions` (the ``dataset_versions`` asset)."""

REGISTRY_SCHEMA = pl.Schema(
    {
        "name": pl.String,
        "version": pl.String,
        "content_hash": pl.String,
        "row_count": pl.Int64,
        "key_column": pl.String,
        "rule_version": pl.String,
        "sequence": pl.Int64,
        "path": pl.String,
        "schema_json": pl.String,
        "inputs_json": pl.String,
        "code_version_json": pl.String,
        "upstream_json": pl.String,
        "latest": pl.Boolean,
        "status": pl.String,
        "withdrawn_by": pl.String,
        "erasure_requested_at": pl.Datetime("us"),
        "replaced_by": pl.String,
    }
)
"""Columns of :func:`list_dataset_versions`: one row per stored version. ``sequence`` orders the versions
of a dataset (1 = its first; see :mod:`feedback_platform.lib.datasets.store`).
``code_version_json`` and ``upstream_json`` are ``{}`` for versions written before manifests held them.
``latest`` marks the version ``latest.json`` points at (see
:mod:`feedback_platform.lib.datasets.publication`), or the newest one of a dataset that has no pointer.
``status`` is ``published``, or ``withdrawn`` for a version an erasure withdrew (its rows deleted): then
``withdrawn_by`` names the erasure, ``erasure_requested_at`` (naive UTC) when it was requested and
``replaced_by`` the version that was latest after it."""


def _registry_row(folder: Path, latest: str | None) -> dict[str, Any]:
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    withdrawal = read_withdrawal(folder.parent.parent, manifest["name"], manifest["version"]) or {}
    return {
        "name": manifest["name"],
        "version": manifest["version"],
        "content_hash": manifest["content_hash"],
        "row_count": manifest["row_count"],
        "key_column": manifest["key_column"],
        "rule_version": manifest["rule_version"],
        "sequence": manifest.get("sequence"),
        "legacy_created_at": manifest.get("created_at"),
        "path": str(folder),
        "schema_json": json.dumps(manifest["schema"]),
        "inputs_json": json.dumps(manifest["inputs"], sort_keys=True, default=str),
        "code_version_json": json.dumps(manifest.get("code_version", {}), sort_keys=True),
        "upstream_json": json.dumps(manifest.get("upstream", {}), sort_keys=True),
        "latest": manifest["version"] == latest,
        "status": "withdrawn" if withdrawal else "published",
        "withdrawn_by": withdrawal.get("erasure_id"),
        "erasure_requested_at": _naive_utc(erasure_requested_at(withdrawal)) if withdrawal else None,
        "replaced_by": withdrawal.get("replaced_by"),
    }


def _naive_utc(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp).astimezone(UTC).replace(tzinfo=None)


def list_dataset_versions(datasets_root: Path, name: str | None = None) -> pl.DataFrame:
    """The registry: one row per published version (of every dataset, or of ``name``), from the manifests.

    Hidden directories (staged versions, temporary ones left by a killed writer) are not published versions
    and are skipped. Rows are sorted by dataset name, then sequence, then version id. Manifests written
    before versions had a sequence (they held their wall-clock ``created_at``) come first, numbered in the
    order they were written: the numbers later versions were given continue theirs.
    """
    root = Path(datasets_root)
    dataset_dirs = [root / name] if name is not None else (sorted(root.iterdir()) if root.is_dir() else [])
    rows = [
        _registry_row(version_dir(root, dataset_dir.name, version), latest)
        for dataset_dir in dataset_dirs
        if dataset_dir.is_dir() and not dataset_dir.name.startswith(".")
        for latest in [latest_version(root, dataset_dir.name)]
        for version in stored_versions(root, dataset_dir.name)
    ]
    registry = (
        pl.DataFrame(rows, schema={**REGISTRY_SCHEMA, "legacy_created_at": pl.String})
        .sort(["name", "sequence", "legacy_created_at", "version"], nulls_last=False)
        .with_columns(sequence=pl.col("sequence").fill_null(pl.int_range(1, pl.len() + 1).over("name")))
        .drop("legacy_created_at")
    )
    unpointed_newest = ~pl.col("latest").any().over("name") & (
        pl.int_range(pl.len()).over("name") == pl.len().over("name") - 1
    )
    return registry.with_columns(latest=pl.col("latest") | unpointed_newest)


def response_id_columns(columns: Sequence[str]) -> list[str]:
    """``response_id`` and every ``*_response_id`` among the columns of dataset rows (a DPO pair has two)."""
    return [column for column in columns if column == "response_id" or column.endswith("_response_id")]


LINEAGE_SCHEMA = pl.Schema(
    {
        "dataset": pl.String,
        "version": pl.String,
        "row_id": pl.String,
        "response_id": pl.String,
        "feedback_event_id": pl.String,
    }
)
"""Columns of :func:`lineage_rows` (use ``pl.DataFrame(schema=LINEAGE_SCHEMA)`` for an empty table)."""


def lineage_columns(columns: Sequence[str], key_column: str) -> list[str]:
    """The columns of dataset rows that :func:`lineage_rows` reads."""
    events = ["feedback_event_ids"] if "feedback_event_ids" in columns else []
    return list(dict.fromkeys([key_column, *response_id_columns(columns), *events]))


def lineage_rows(rows: pl.DataFrame, *, name: str, version: str, key_column: str) -> pl.DataFrame:
    """Row-level lineage: one row per (dataset, version, row_id, response_id, feedback_event_id).

    Response ids come from ``response_id`` and every ``*_response_id`` column (a DPO pair has two), event ids
    from ``feedback_event_ids``. Each row id is linked to every response and every event it was built from
    (their cross product within the row); a row without events keeps one lineage row with a null event id.
    Joining ``feedback_event_id`` back to the mart reaches the raw log file and line.
    """
    response_columns = response_id_columns(rows.columns)
    if not response_columns:
        raise ValueError(f"rows have no response id column: {rows.columns}")
    if "feedback_event_ids" not in rows.columns:
        raise ValueError(f"rows have no feedback_event_ids column: {rows.columns}")
    return (
        rows.lazy()
        .select(
            dataset=pl.lit(name, dtype=pl.String),
            version=pl.lit(version, dtype=pl.String),
            row_id=pl.col(key_column).cast(pl.String),
            response_id=pl.concat_list(response_columns).list.drop_nulls().list.unique(),
            feedback_event_id=pl.col("feedback_event_ids"),
        )
        .explode("response_id", empty_as_null=True)
        .explode("feedback_event_id", empty_as_null=True)
        .unique()
        .sort(["row_id", "response_id", "feedback_event_id"], nulls_last=True)
        .cast(dict(LINEAGE_SCHEMA))
        .collect()
    )
