"""Fingerprints of what a run reads from outside the warehouse: source trees, configuration files, the
landing logs of a day, and the versions of installed packages.

A fingerprint is a SHA-256 hex digest that changes whenever any of its inputs changes in content (not in
modification time), so two runs with the same fingerprint read the same bytes.
"""

import hashlib
import importlib.metadata
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from feedback_platform.lib.hashing import file_sha256

SKIPPED_FOLDERS = frozenset({"__pycache__", "target", "logs", "dbt_packages", ".pytest_cache"})
"""Folders of build output and caches inside a source tree: what they hold does not change behaviour."""

_REQUIREMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def combined(*parts: str) -> str:
    """One fingerprint of several, order-sensitive."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def files_fingerprint(files: Iterable[Path], root: Path) -> str:
    """The names (relative to `root`) and contents of `files`, in name order."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda file: file.relative_to(root).as_posix()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(f"{file_sha256(path)}\0".encode())
    return digest.hexdigest()


def source_tree_fingerprint(roots: Sequence[Path]) -> str:
    """Every file under `roots` outside build and cache folders (`SKIPPED_FOLDERS`) and compiled Python."""
    parts = []
    for root in roots:
        files = []
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = [name for name in subfolders if name not in SKIPPED_FOLDERS]
            files.extend(Path(folder, name) for name in names if not name.endswith(".pyc"))
        parts.append(f"{root.name}:{files_fingerprint(files, root)}")
    return combined(*parts)


def declared_dependency_versions(distribution: str) -> list[str]:
    """`name==version` of each installed package `distribution` declares (extras included), sorted."""
    names = {
        match.group(0).lower()
        for requirement in importlib.metadata.requires(distribution) or []
        if (match := _REQUIREMENT_NAME.match(requirement))
    }
    installed = []
    for name in sorted(names):
        try:
            installed.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return installed
