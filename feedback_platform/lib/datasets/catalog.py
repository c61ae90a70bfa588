"""Finding stored dataset versions by the names ML teams type: ``NAME`` (the latest) or ``NAME@VERSION``.

Everything here reads the version folders that :mod:`feedback_platform.lib.datasets.store` writes, never the
warehouse, so it works while a Dagster run holds the DuckDB file and on a copy of the datasets folder alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from feedback_platform.lib.datasets.exports import export_dataset, export_formats
from feedback_platform.lib.datasets.index import list_dataset_versions
from feedback_platform.lib.datasets.kinds import DATASET_KINDS
from feedback_platform.lib.datasets.store import MANIFEST, read_dataset_version, read_manifest

ADMISSION_COLUMNS = ("reasons", "target_source", "pair_source", "label_reason")
"""Row columns that say which curation rule admitted a row: eval and SFT rows list the rules that fired
(``reasons``), an SFT row also says where its completion came from, a DPO row which source paired it, a KTO
row which signal labelled it."""

_REF_PATTERN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]*)(?:@(?P<version>[A-Za-z0-9][A-Za-z0-9_.-]*))?$"
)


class DatasetNotFoundError(LookupError):
    """No such dataset, or no such version of it; the message lists what exists."""


@dataclass(frozen=True)
class DatasetRef:
    """A dataset as named on a command line; ``version`` None means the latest."""

    name: str
    version: str | None = None

    def __str__(self) -> str:
        return self.name if self.version is None else f"{self.name}@{self.version}"


def parse_dataset_ref(text: str, *, require_version: bool = False) -> DatasetRef:
    """``NAME`` or ``NAME@VERSION`` as a :class:`DatasetRef`; ``ValueError`` on anything else."""
    match = _REF_PATTERN.match(text.strip())
    if match is None:
        raise ValueError(
            f"not a dataset reference: {text!r}; expected NAME or NAME@VERSION, e.g. sft@6a204e38"
        )
    if require_version and match["version"] is None:
        raise ValueError(f"{text!r} names no version; pin one as NAME@VERSION (see `datasets list`)")
    return DatasetRef(match["name"], match["version"])


def latest_versions(datasets_root: Path) -> pl.DataFrame:
    """The registry's latest row per dataset, with ``versions``: how many versions the dataset has."""
    registry = list_dataset_versions(datasets_root).with_columns(versions=pl.len().over("name"))
    return _with_written_at(registry.filter(pl.col("latest")).sort("name"))


def resolve_version(datasets_root: Path, ref: DatasetRef) -> dict[str, Any]:
    """The manifest of ``ref`` (its latest version when it names none).

    Raises :class:`DatasetNotFoundError` naming the datasets, or the versions of the dataset, that exist.
    """
    root = Path(datasets_root)
    return read_manifest(root, ref.name, _registered(_stored_versions(root, ref.name), ref)["version"])


def _registered(registry: pl.DataFrame, ref: DatasetRef) -> dict[str, Any]:
    """The registry row of ``ref`` among the rows of its dataset; :class:`DatasetNotFoundError` naming the
    versions that exist when it has no such version."""
    versions = registry.get_column("version").to_list()
    version = registry.filter(pl.col("latest"))["version"].item() if ref.version is None else ref.version
    if version not in versions:
        raise DatasetNotFoundError(
            f"dataset {ref.name!r} has no version {version!r}; its versions: {', '.join(versions)}"
        )
    return registry.row(by_predicate=pl.col("version") == version, named=True)


def version_history(datasets_root: Path, name: str) -> pl.DataFrame:
    """Every stored version of dataset ``name``, newest first, with its sequence, rows, when it was written,
    rules version, whether it is the latest and its status (``withdrawn`` by the erasure ``withdrawn_by``,
    or ``published``); :class:`DatasetNotFoundError` when there is no such dataset."""
    registry = _with_written_at(_stored_versions(Path(datasets_root), name))
    return registry.sort(["sequence", "version"], descending=True).select(
        "version", "sequence", "row_count", "written_at", "rule_version", "latest", "status", "withdrawn_by"
    )


def _with_written_at(registry: pl.DataFrame) -> pl.DataFrame:
    """Registry rows with ``written_at``: their manifest file's modification time (UTC, to the second).
    The manifest itself holds no time, so that the same input always gives the same bytes."""
    written = [
        datetime.fromtimestamp((Path(path) / MANIFEST).stat().st_mtime, UTC).isoformat(timespec="seconds")
        for path in registry.get_column("path")
    ]
    return registry.with_columns(written_at=pl.Series(written, dtype=pl.String))


def _stored_versions(root: Path, name: str) -> pl.DataFrame:
    """The registry rows of dataset ``name``; :class:`DatasetNotFoundError` naming what exists otherwise."""
    if not (root / name).is_dir():
        known = ", ".join(latest_versions(root).get_column("name")) or "none yet"
        raise DatasetNotFoundError(f"no dataset {name!r} under {root}; datasets: {known}")
    registry = list_dataset_versions(root, name)
    if registry.is_empty():
        raise DatasetNotFoundError(f"dataset {name!r} has no stored version under {root}")
    return registry


def dataset_kind(manifest: dict[str, Any]) -> str | None:
    """The export kind of a version (``eval``, ``sft``, ``dpo``, ...), None when it cannot be told.

    A ``kind`` recorded in the manifest wins; otherwise the name is the kind (``sft``), or starts with it
    (``sft_acme_retail``, ``sft_dataset``).
    """
    if manifest.get("kind"):
        return manifest["kind"]
    name = manifest["name"]
    leading = re.split(r"[_.-]", name, maxsplit=1)[0]
    return next((kind for kind in (name, leading) if kind in DATASET_KINDS), None)


def admission_columns(rows: pl.DataFrame) -> list[str]:
    """The :data:`ADMISSION_COLUMNS` these rows have."""
    return [column for column in ADMISSION_COLUMNS if column in rows.columns]


def value_tally(values: pl.Series) -> dict[Any, int]:
    """How often each non-null value occurs, most frequent first (ties by value); the items of a list column
    are counted one by one."""
    if isinstance(values.dtype, pl.List):
        values = values.explode()
    tally = (
        values.drop_nulls().value_counts(name="rows").sort(["rows", values.name], descending=[True, False])
    )
    return dict(zip(tally.get_column(values.name), tally.get_column("rows"), strict=True))


def rows_by_rule(rows: pl.DataFrame) -> dict[str, dict[str, int]]:
    """For each admission column, how many rows each rule (or source) admitted; a row may count under
    several rules of a list column."""
    return {column: value_tally(rows.get_column(column)) for column in admission_columns(rows)}


def version_summary(datasets_root: Path, ref: DatasetRef) -> dict[str, Any]:
    """The manifest of ``ref`` with what a consumer asks next: its sequence and when it was written, its
    kind, folder, the formats it exports to and how many rows each curation rule admitted."""
    root = Path(datasets_root)
    registered = _registered(_with_written_at(_stored_versions(root, ref.name)), ref)
    manifest = read_manifest(root, ref.name, registered["version"])
    kind = dataset_kind(manifest)
    rows = read_dataset_version(datasets_root, manifest["name"], manifest["version"])
    return {
        **manifest,
        "sequence": registered["sequence"],
        "written_at": registered["written_at"],
        "kind": kind,
        "path": str(Path(datasets_root) / manifest["name"] / manifest["version"]),
        "export_formats": export_formats().get(kind, []) if kind else [],
        "rows_by_rule": rows_by_rule(rows),
    }


def export_version(datasets_root: Path, manifest: dict[str, Any], fmt: str, out_dir: Path) -> list[Path]:
    """Export the version ``manifest`` describes as ``fmt`` into ``<out_dir>/<name>-<version>.<fmt>/``.

    Returns the files written, as :func:`~feedback_platform.lib.datasets.exports.export_dataset` does; the
    export manifest names the version. Raises
    :class:`~feedback_platform.lib.datasets.exports.UnsupportedExportError` naming the valid kinds and formats
    when the version's kind cannot be exported so.
    """
    name, version = manifest["name"], manifest["version"]
    rows = read_dataset_version(datasets_root, name, version)
    kind = dataset_kind(manifest) or "unknown"
    return export_dataset(rows, kind, fmt, out_dir, stem=f"{name}-{version}", name=name, version=version)
