"""Write, audit, publish: a dataset version is staged, checked, and only then published.

Layout under the datasets root (see :mod:`feedback_platform.lib.datasets.store` for the shards)::

    .staging/<name>/<version>/   a version's manifest written by a dataset asset, awaiting its checks
    <name>/<version>/            published: moved here from staging in one rename
    <name>/latest.json           {"version", "published_at", "previous"}: what a bare ``NAME`` means

Consumers (the registry, ``datasets list``, training-run registration) only ever see published versions, so
a version whose checks failed is never read by mistake; it stays under ``.staging`` for inspection, and the
previous version stays latest. Publishing the same content again only moves the pointer back to it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from feedback_platform.lib.atomic_files import write_file_atomically
from feedback_platform.lib.datasets.store import (
    STAGING_DIR,
    read_dataset_version,
    read_manifest,
    shard_ids,
    version_dir,
)

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
    pointer = _latest_pointer(datasets_root, name)
    return pointer["version"] if pointer else None


def _latest_pointer(datasets_root: Path, name: str) -> dict | None:
    pointer = Path(datasets_root) / name / LATEST_POINTER
    if not pointer.exists():
        return None
    return json.loads(pointer.read_text(encoding="utf-8"))


def read_staged_version(
    datasets_root: Path,
    name: str,
    version: str,
    columns: Sequence[str] | None = None,
    only_shards: Collection[str] | None = None,
) -> pl.DataFrame:
    """The rows of a staged version (only ``columns``, and only the shards of ``only_shards``, when given);
    from the published store once publishing has moved it there."""
    staged = is_staged(datasets_root, name, version)
    return read_dataset_version(datasets_root, name, version, columns, staged=staged, only_shards=only_shards)


def read_staged_manifest(datasets_root: Path, name: str, version: str) -> dict[str, Any]:
    """The manifest of a staged version, or of the published one once publishing has moved it there."""
    return read_manifest(datasets_root, name, version, staged=is_staged(datasets_root, name, version))


def unaudited_shards(datasets_root: Path, name: str, version: str, audited_version: str | None) -> list[str]:
    """The shards of ``version`` that ``audited_version`` does not list: what an audit that judges each row
    alone and passed ``audited_version`` has not judged yet. Every shard when there is no such version, or
    when it is gone (erased). Stored shards never change, so a shard it passed once passes again."""
    shards = shard_ids(read_staged_manifest(datasets_root, name, version))
    if audited_version is None:
        return shards
    try:
        audited = set(shard_ids(read_staged_manifest(datasets_root, name, audited_version)))
    except FileNotFoundError:
        return shards
    return [shard for shard in shards if shard not in audited]


def is_staged(datasets_root: Path, name: str, version: str) -> bool:
    """Whether ``version`` of ``name`` is in staging (not yet published, or published again)."""
    return version_dir(datasets_root, name, version, staged=True).exists()


def publish_dataset_version(datasets_root: Path, name: str, version: str) -> Publication:
    """Move the staged ``version`` of ``name`` into the published store and point ``latest.json`` at it.

    A version published before (the same content) is not moved again: its staged copy is dropped and only the
    pointer changes. Raises FileNotFoundError when the version is neither staged nor published, and
    RuntimeError when a staged and a published copy of one version id disagree on their content hash.
    """
    root = Path(datasets_root)
    staged = version_dir(root, name, version, staged=True)
    published = version_dir(root, name, version)
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
    pointer = _latest_pointer(root, name)
    if pointer is not None and pointer["version"] == version:
        # Already latest: the pointer keeps its bytes, and its rollback target.
        return Publication(name=name, version=version, created=created, previous=pointer["previous"])
    previous = pointer["version"] if pointer else None
    _point_latest_at(root, name, version, previous)
    return Publication(name=name, version=version, created=created, previous=previous)


def _require_same_content(datasets_root: Path, name: str, version: str) -> None:
    staged_hash = read_manifest(datasets_root, name, version, staged=True)["content_hash"]
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
