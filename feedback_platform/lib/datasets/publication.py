"""Write, audit, publish: a dataset version is staged, checked, and only then published.

Layout under the datasets root (see :mod:`feedback_platform.lib.datasets.store` for the shards)::

    .staging/<name>/<version>/   a version's manifest written by a dataset asset, awaiting its checks
    <name>/<version>/            published: moved here from staging in one rename
    latest.json                  {"<name>": {"version", "previous"}, ...}: what a bare ``NAME`` means, for
                                 every dataset in one file (no time: the same nights write the same bytes;
                                 pointers written before hold a ``published_at`` until they next move)

Consumers (the registry, ``datasets list``, training-run registration) only ever see published versions, so
a version whose checks failed is never read by mistake; it stays under ``.staging`` for inspection, and the
previous version stays latest. Publishing the same content again only moves the pointer back to it.

The versions of one night are published together (:func:`publish_dataset_versions`): each is moved into the
store first, where no one reads it as latest, and then one atomic rewrite of ``latest.json`` makes them all
latest at once. A crash before that rewrite leaves every dataset at its previous version; the next run
publishes them again. Stores written before the shared pointer have a ``<name>/latest.json`` per dataset:
those are read where the shared file has no entry, and folded into it at the next publication.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from feedback_platform.lib.atomic_files import write_file_atomically
from feedback_platform.lib.datasets.store import (
    STAGING_DIR,
    read_dataset_version,
    read_manifest,
    read_withdrawal,
    shard_paths,
    shards_by_value,
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
    pointer = _latest_pointers(Path(datasets_root)).get(name)
    return pointer["version"] if pointer else None


def _latest_pointers(datasets_root: Path) -> dict[str, dict[str, Any]]:
    """Every dataset's pointer: the shared file's, and a per-dataset file's where the shared one has none."""
    shared = datasets_root / LATEST_POINTER
    pointers = json.loads(shared.read_text(encoding="utf-8")) if shared.exists() else {}
    for legacy in sorted(_legacy_pointer_files(datasets_root)):
        pointers.setdefault(legacy.parent.name, json.loads(legacy.read_text(encoding="utf-8")))
    return pointers


def _legacy_pointer_files(datasets_root: Path) -> list[Path]:
    return list(datasets_root.glob(f"*/{LATEST_POINTER}"))


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


def staged_shard_paths(datasets_root: Path, name: str, version: str) -> list[Path]:
    """The Parquet files of a staged version's shards, or of the published version once publishing has
    moved it."""
    staged = is_staged(datasets_root, name, version)
    manifest = read_manifest(datasets_root, name, version, staged=staged)
    return shard_paths(datasets_root, name, manifest, staged=staged)


@dataclass(frozen=True)
class ShardToAudit:
    """A shard of a staged version that an audit judging each row alone has not passed, and the shard of
    the same date (``value``) in the version it last passed, whose rows it has judged, if there is one."""

    shard: str
    judged_shard: str | None


def shards_to_audit(
    datasets_root: Path, name: str, version: str, audited_version: str | None
) -> list[ShardToAudit]:
    """The shards of ``version`` that ``audited_version`` does not list: what an audit that judges each row
    alone and passed ``audited_version`` has not judged yet, each with the shard of the same date
    ``audited_version`` holds. Every shard, without such shards, when there is no such version or when it
    is gone (erased), and without shards to compare with when an erasure withdrew it. Stored shards never
    change, so a shard it passed once passes again."""
    manifest = read_staged_manifest(datasets_root, name, version)
    audited: dict[str, str] = {}
    if audited_version is not None:
        try:
            audited_manifest = read_staged_manifest(datasets_root, name, audited_version)
        except FileNotFoundError:
            audited_manifest = None
        if audited_manifest is not None:
            audited = shards_by_value(audited_manifest)
    judged = set(audited.values())
    # An erasure's withdrawal deletes the version's rows: its shards still count as judged (those left are
    # the bytes it passed), but none can be read to compare rows with.
    readable = audited_version is not None and read_withdrawal(datasets_root, name, audited_version) is None
    return [
        ShardToAudit(shard, audited.get(value) if readable else None)
        for value, shard in shards_by_value(manifest).items()
        if shard not in judged
    ]


def is_staged(datasets_root: Path, name: str, version: str) -> bool:
    """Whether ``version`` of ``name`` is in staging (not yet published, or published again)."""
    return version_dir(datasets_root, name, version, staged=True).exists()


def publish_dataset_versions(datasets_root: Path, versions: Mapping[str, str]) -> dict[str, Publication]:
    """Make each staged ``versions[name]`` the latest of ``name``, all in one rewrite of ``latest.json``.

    Each version is moved into the published store first (a version published before, the same content, is
    not moved again: its staged copy is dropped), then the pointers of all of them change together. Pointers
    that already name their version keep their bytes and their rollback target, and a publication that
    changes no pointer leaves ``latest.json`` as it was. Raises FileNotFoundError when a version is neither
    staged nor published, and RuntimeError when a staged and a published copy of one version id disagree on
    their content hash; either before any pointer changes.
    """
    root = Path(datasets_root)
    created = {name: _move_into_store(root, name, version) for name, version in versions.items()}
    pointers = _latest_pointers(root)
    publications, changed = {}, False
    for name, version in versions.items():
        pointer = pointers.get(name)
        if pointer is not None and pointer["version"] == version:
            previous = pointer["previous"]
        else:
            previous = pointer["version"] if pointer else None
            pointers[name] = {"version": version, "previous": previous}
            changed = True
        publications[name] = Publication(name=name, version=version, created=created[name], previous=previous)
    legacy = _legacy_pointer_files(root)
    if changed or legacy:
        _write_pointers(root, pointers)
        for path in legacy:  # folded into the shared file just written
            path.unlink()
    return publications


def publish_dataset_version(datasets_root: Path, name: str, version: str) -> Publication:
    """Publish one version: :func:`publish_dataset_versions` for ``name`` alone."""
    return publish_dataset_versions(datasets_root, {name: version})[name]


def _move_into_store(root: Path, name: str, version: str) -> bool:
    """Move the staged ``version`` into the published store; False when it was published before."""
    staged = version_dir(root, name, version, staged=True)
    published = version_dir(root, name, version)
    if published.exists():
        if staged.exists():
            _require_same_content(root, name, version)
            shutil.rmtree(staged)
        return False
    if not staged.exists():
        raise FileNotFoundError(f"no staged version {version} of dataset {name} under {staging_root(root)}")
    published.parent.mkdir(parents=True, exist_ok=True)
    staged.rename(published)
    return True


def _require_same_content(datasets_root: Path, name: str, version: str) -> None:
    staged_hash = read_manifest(datasets_root, name, version, staged=True)["content_hash"]
    published_hash = read_manifest(datasets_root, name, version)["content_hash"]
    if staged_hash != published_hash:
        raise RuntimeError(
            f"dataset {name} version {version}: staged content hash {staged_hash} differs from the published "
            f"{published_hash}: a version id collision, or the store was altered by hand"
        )


def _write_pointers(datasets_root: Path, pointers: Mapping[str, dict[str, Any]]) -> None:
    text = json.dumps(dict(sorted(pointers.items())), indent=2) + "\n"
    write_file_atomically(
        datasets_root / LATEST_POINTER, lambda path: path.write_text(text, encoding="utf-8"), overwrite=True
    )
