"""What no version of a dataset needs any more, removed: staged versions that a newer staging supersedes
(the last one failed its audits, or its run stopped before publishing), the shards that no stored version
lists (the new shards of those versions), and the temporary folders of killed writers.

Published versions are never touched: they are immutable, and training runs pin old ones. Only the writer of
a dataset may call this, while no other writer of it is at work (the staged asset, inside the DuckDB pool):
a shard that a concurrent writer has stored but not yet listed in a manifest would look unused.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

from feedback_platform.lib.datasets.store import (
    MANIFEST,
    SHARDS_DIR,
    STAGING_DIR,
    TEMP_PREFIX,
    read_manifest,
    shard_ids,
    shards_dir_of,
)


@dataclass(frozen=True)
class RemovedFiles:
    """What `remove_unused_files` removed from one dataset."""

    staged_versions: list[str]
    """Staged versions superseded by the one kept."""
    shards: list[str]
    """Shards that no published version and not the kept staged one lists."""
    temporary_folders: int
    """Folders killed writers left behind."""


def remove_unused_files(datasets_root: Path, name: str, keep_staged: str) -> RemovedFiles:
    """Remove, for dataset `name`, every staged version but `keep_staged` (the one just written) and every
    stored shard and temporary folder that neither it nor any published version lists."""
    root = Path(datasets_root)
    published_dir, staged_dir = root / name, root / STAGING_DIR / name
    superseded = [folder.name for folder in _version_folders(staged_dir) if folder.name != keep_staged]
    for version in superseded:
        shutil.rmtree(staged_dir / version)
    listed = set(shard_ids(read_manifest(root, name, keep_staged, staged=True)))
    for folder in _version_folders(published_dir):
        listed.update(shard_ids(read_manifest(root, name, folder.name)))
    shards_dir = shards_dir_of(root, name)
    unlisted = [
        folder.name
        for folder in _subfolders(shards_dir)
        if not folder.name.startswith(TEMP_PREFIX) and folder.name not in listed
    ]
    for shard in unlisted:
        shutil.rmtree(shards_dir / shard)
    temporary = [
        folder
        for parent in (published_dir, staged_dir, shards_dir)
        for folder in _subfolders(parent)
        if folder.name.startswith(TEMP_PREFIX)
    ]
    for folder in temporary:
        shutil.rmtree(folder)
    return RemovedFiles(staged_versions=superseded, shards=unlisted, temporary_folders=len(temporary))


def _version_folders(parent: Path) -> list[Path]:
    """The folders under `parent` that hold a version's manifest."""
    return [
        folder
        for folder in _subfolders(parent)
        if folder.name != SHARDS_DIR and not folder.name.startswith(".") and (folder / MANIFEST).exists()
    ]


def _subfolders(parent: Path) -> list[Path]:
    return sorted(path for path in parent.iterdir() if path.is_dir()) if parent.is_dir() else []
