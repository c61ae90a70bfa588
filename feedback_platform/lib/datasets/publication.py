"""Write, audit, publish: a dataset version is staged, checked, and only then published.

Layout under the datasets root::

    .staging/<name>/<version>/   written by a dataset asset, awaiting its checks (same files as published)
    <name>/<version>/            published: moved here from staging in one rename
    <name>/latest.json           {"version", "published_at", "previous"}: what a bare ``NAME`` means

Consumers (the registry, ``datasets list``, training-run registration) only ever see published versions, so
a version whose checks failed is never read by mistake; it stays under ``.staging`` for inspection, and the
previous version stays latest. Publishing the same content again only moves the pointer back to it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from feedback_platform.lib.atomic_files import write_file_atomically
from feedback_platform.lib.datasets.store import read_dataset_version, read_manifest

STAGING_DIR = ".staging"
LATEST_POINTER = "latest.json"


@dataclass(frozen=True)
class Publication:
    """A version made latest; ``created`` is False when it had been published before."""

    name: str
    version: str
    created: bool
    previous: str | None


def staging_root(datasets_root: Path) -> Path:
    """The datasets root staged versions are written under (hidden, so never listed as published)."""
    return Path(datasets_root) / STAGING_DIR


def latest_version(datasets_root: Path, name: str) -> str | None:
    """The version ``latest.json`` points at, or None when ``name`` was never published."""
    pointer = Path(datasets_root) / name / LATEST_POINTER
    if not pointer.exists():
        return None
    return json.loads(pointer.read_text(encoding="utf-8"))["version"]


def latest_version_dir(datasets_root: Path, name: str) -> Path | None:
    """The folder of the version ``latest.json`` points at, or None when ``name`` was never published."""
    version = latest_version(datasets_root, name)
    return None if version is None else Path(datasets_root) / name / version


def read_staged_version(
    datasets_root: Path, name: str, version: str, columns: Sequence[str] | None = None
) -> pl.DataFrame:
    """The rows of a staged version (only ``columns`` when given); from the published store once publishing
    has moved it there."""
    staged = staging_root(datasets_root) / name / version
    return read_dataset_version(
        staging_root(datasets_root) if staged.exists() else datasets_root, name, version, columns
    )


def publish_dataset_version(datasets_root: Path, name: str, version: str) -> Publication:
    """Move the staged ``version`` of ``name`` into the published store and point ``latest.json`` at it.

    A version published before (the same content) is not moved again: its staged copy is dropped and only the
    pointer changes. Raises FileNotFoundError when the version is neither staged nor published, and
    RuntimeError when a staged and a published copy of one version id disagree on their content hash.
    """
    root = Path(datasets_root)
    staged = staging_root(root) / name / version
    published = root / name / version
    created = not published.exists()
    if created:
        if not staged.exists():
            raise FileNotFoundError(
                f"no staged version {version} of dataset {name} under {staging_root(root)}"
            )
        published.parent.mkdir(parents=True, exist_ok=True)
        staged.rename(published)
    elif staged.exists():
        _require_same_content(root, name, version)
        shutil.rmtree(staged)
    previous = latest_version(root, name)
    _point_latest_at(root, name, version, previous)
    return Publication(name=name, version=version, created=created, previous=previous)


def _require_same_content(datasets_root: Path, name: str, version: str) -> None:
    staged_hash = read_manifest(staging_root(datasets_root), name, version)["content_hash"]
    published_hash = read_manifest(datasets_root, name, version)["content_hash"]
    if staged_hash != published_hash:
        raise RuntimeError(
            f"dataset {name} version {version}: staged content hash {staged_hash} differs from the published "
            f"{published_hash}: a version id collision, or the store was altered by hand"
        )


def _point_latest_at(datasets_root: Path, name: str, version: str, previous: str | None) -> None:
    pointer = {"version": version, "published_at": datetime.now(UTC).isoformat(), "previous": previous}
    write_file_atomically(
        datasets_root / name / LATEST_POINTER,
        lambda path: path.write_text(json.dumps(pointer, indent=2) + "\n", encoding="utf-8"),
        overwrite=True,
    )
