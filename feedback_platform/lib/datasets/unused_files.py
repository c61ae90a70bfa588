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
    STAGING_DIR,
    TEMP_PREFIX,
    read_manifest,
    shard_ids,
    shards_dir_of,
    stored_versions,
    version_dir,
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
    superseded = [version for version in stored_versions(root, name, staged=True) if version != keep_staged]
    for version in superseded:
        shutil.rmtree(version_dir(root, name, version, staged=True))
    listed = set(shard_ids(read_manifest(root, name, keep_staged, staged=True)))
    for version in stored_versions(root, name):
        listed.update(shard_ids(read_manifest(root, name, version)))
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
        for parent in (root / name, root / STAGING_DIR / name, shards_dir)
        for folder in _subfolders(parent)
        if folder.name.startswith(TEMP_PREFIX)
    ]
    for folder in temporary:
        shutil.rmtree(folder)
    return RemovedFiles(staged_versions=superseded, shards=unlisted, temporary_folders=len(temporary))


def _subfolders(parent: Path) -> list[Path]:
    return sorted(path for path in parent.iterdir() if path.is_dir()) if parent.is_dir() else []
