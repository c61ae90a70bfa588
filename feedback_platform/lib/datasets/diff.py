"""What changed between two versions of a dataset, row by row, and which rule admitted each changed row.

Rows are matched on the key column. Row ids are derived from a row's content and evidence, so a row that a
new rule version admits differently usually shows up as one row removed and another added; ``changed``
counts the rows whose key stayed while other columns moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from feedback_platform.lib.datasets.catalog import DatasetRef, admission_columns, resolve_version
from feedback_platform.lib.datasets.store import read_dataset_version


@dataclass(frozen=True)
class DatasetDiff:
    """``added`` / ``removed``: the key column and the admission columns of rows only in ``new`` / ``old``."""

    old: dict[str, Any]
    new: dict[str, Any]
    key_column: str
    added: pl.DataFrame
    removed: pl.DataFrame
    changed: int
    unchanged: int

    def as_dict(self) -> dict[str, Any]:
        def version(manifest: dict[str, Any]) -> dict[str, Any]:
            return {key: manifest[key] for key in ("name", "version", "row_count", "rule_version")}

        return {
            "old": version(self.old),
            "new": version(self.new),
            "key_column": self.key_column,
            "added": self.added.to_dicts(),
            "removed": self.removed.to_dicts(),
            "changed": self.changed,
            "unchanged": self.unchanged,
        }


def diff_dataset_versions(datasets_root: Path, old: DatasetRef, new: DatasetRef) -> DatasetDiff:
    """Rows added and removed going from ``old`` to ``new`` (both resolved, so either may be the latest).

    Raises ``DatasetNotFoundError`` for an unknown version and ``ValueError`` when the two are keyed by
    different columns and so cannot be matched.
    """
    old_manifest, new_manifest = (resolve_version(datasets_root, ref) for ref in (old, new))
    key = old_manifest["key_column"]
    if new_manifest["key_column"] != key:
        raise ValueError(
            f"cannot diff {old} (keyed by {key}) with {new} (keyed by {new_manifest['key_column']})"
        )
    old_rows, new_rows = (
        read_dataset_version(datasets_root, manifest["name"], manifest["version"])
        for manifest in (old_manifest, new_manifest)
    )
    shared = [column for column in old_rows.columns if column in new_rows.columns]
    fingerprints = [rows.select(key, fingerprint=pl.struct(shared).hash()) for rows in (old_rows, new_rows)]
    both = fingerprints[0].join(fingerprints[1], on=key, how="inner", suffix="_new")
    changed = both.filter(pl.col("fingerprint") != pl.col("fingerprint_new")).height
    return DatasetDiff(
        old=old_manifest,
        new=new_manifest,
        key_column=key,
        added=_summary(new_rows.join(old_rows.select(key), on=key, how="anti"), key),
        removed=_summary(old_rows.join(new_rows.select(key), on=key, how="anti"), key),
        changed=changed,
        unchanged=both.height - changed,
    )


def _summary(rows: pl.DataFrame, key: str) -> pl.DataFrame:
    return rows.select(key, *admission_columns(rows)).sort(key)
