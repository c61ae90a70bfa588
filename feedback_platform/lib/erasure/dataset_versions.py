"""The datasets step: every dataset version holding a row in an erasure's scope is withdrawn, and the latest
version of each dataset is replaced by one without those rows.

A dataset row is in scope when it was built from a response or a feedback event in scope: any of its
response id columns (a DPO pair has two) or its `feedback_event_ids` names one. It is judged on the stored
rows themselves, so versions made by earlier rules, whose rows the curated tables no longer hold, are judged
too. Each shard is read once (its id columns only), however many versions list it.

In an order that a kill at any point leaves resumable:
1. the latest version of each dataset, if it holds such a row, is replaced: the same shards, with the rows
   in scope left out of the shards that held them (only those are written again); the replacements of all
   datasets are then published as the new latest together, in one commit;
2. per dataset, every version holding such a row gets a withdrawal record (the erasure, the reason, the
   version latest now) and loses its row files; its manifest stays, so the registry keeps it as `withdrawn`;
3. staged versions holding such a row are deleted (never published, so nothing records them);
4. the shards holding such rows are deleted.
The replacement is not audited again: it holds a subset of rows of a version that passed its audits.
"""

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from feedback_platform.lib.datasets.index import response_id_columns
from feedback_platform.lib.datasets.publication import latest_version, publish_dataset_versions
from feedback_platform.lib.datasets.store import (
    read_dataset_version,
    read_manifest,
    read_withdrawal,
    shard_ids,
    shard_paths,
    shards_dir_of,
    stored_versions,
    version_dir,
    withdraw_version,
    write_dataset_version,
)


@dataclass
class DatasetsErased:
    """What the datasets step did, per dataset and version."""

    versions_withdrawn: list[str] = field(default_factory=list)
    """`name@version` of each version withdrawn."""
    versions_published: list[str] = field(default_factory=list)
    """`name@version` of each replacement made latest."""
    staged_versions_removed: list[str] = field(default_factory=list)
    shards_removed: int = 0
    rows_removed: int = 0
    """Rows left out of the replacements."""


@dataclass(frozen=True)
class RowsInScope:
    """The ids that put a dataset row in an erasure's scope."""

    responses: frozenset[str]
    events: frozenset[str]

    def of(self, rows: pl.DataFrame | pl.LazyFrame) -> pl.Expr:
        """True for each row built from a response or an event in scope."""
        columns = rows.collect_schema().names()
        matches = [pl.col(column).is_in(list(self.responses)) for column in response_id_columns(columns)]
        if "feedback_event_ids" in columns:
            matches.append(
                pl.col("feedback_event_ids").list.eval(pl.element().is_in(list(self.events))).list.any()
            )
        return pl.any_horizontal(pl.lit(False), *matches).fill_null(False)


def erase_dataset_rows(
    datasets_root: Path, in_scope: RowsInScope, erasure_id: str, reason: str, requested_at: str
) -> DatasetsErased:
    """Withdraw and replace the versions of every dataset under `datasets_root` that hold rows in scope.
    The withdrawal records name the erasure, its reason and when it was requested (not when it ran: the
    erasure's log keeps that, and the store holds no wall-clock time).

    The replacements of all datasets become latest in one commit (`publish_dataset_versions`), as a night's
    versions do: no consumer sees the erasure done in one dataset and not yet in another."""
    erased = DatasetsErased()
    root = Path(datasets_root)
    folders = sorted(root.iterdir()) if root.is_dir() else []
    names = [folder.name for folder in folders if folder.is_dir() and not folder.name.startswith(".")]
    judges = {name: _ShardJudge(root, name, in_scope) for name in names}
    holding = {name: _versions_holding_rows_in_scope(root, name, judges[name]) for name in names}
    replaced = {name: latest for name in names if (latest := latest_version(root, name)) in holding[name]}
    replacements = {
        name: _replacement(root, name, latest, in_scope, erasure_id) for name, latest in replaced.items()
    }
    publish_dataset_versions(root, replacements)
    for name, replacement in replacements.items():
        erased.versions_published.append(f"{name}@{replacement}")
        erased.rows_removed += (
            read_manifest(root, name, replaced[name])["row_count"]
            - read_manifest(root, name, replacement)["row_count"]
        )
    for name in names:
        withdrawal = {
            "erasure_id": erasure_id,
            "reason": reason,
            "erasure_requested_at": requested_at,
            "replaced_by": latest_version(root, name),
        }
        _withdraw_from_dataset(root, name, holding[name], judges[name], withdrawal, erased)
    return erased


def _versions_holding_rows_in_scope(root: Path, name: str, judged: "_ShardJudge") -> list[str]:
    """The published versions of `name` holding a row in scope, withdrawn ones too: a resumed erasure still
    removes the shards they held; those already withdrawn are not withdrawn again."""
    return [
        version
        for version in stored_versions(root, name)
        if judged.any_in_scope(read_manifest(root, name, version))
        and read_withdrawal(root, name, version) is None
    ]


def _withdraw_from_dataset(
    root: Path,
    name: str,
    holding: list[str],
    judged: "_ShardJudge",
    withdrawal: dict[str, Any],
    erased: DatasetsErased,
) -> None:
    for version in holding:
        withdraw_version(root, name, version, withdrawal)
        erased.versions_withdrawn.append(f"{name}@{version}")
    for version in stored_versions(root, name, staged=True):
        if judged.any_in_scope(read_manifest(root, name, version, staged=True), staged=True):
            _remove_folder(version_dir(root, name, version, staged=True))
            erased.staged_versions_removed.append(f"{name}@{version}")
    for shard in judged.shards_in_scope:
        erased.shards_removed += _remove_folder(shards_dir_of(root, name) / shard)


def _replacement(root: Path, name: str, version: str, in_scope: RowsInScope, erasure_id: str) -> str:
    """A staged version of `name` with the rows of `version` that are not in scope, written shard by shard;
    the shards without such rows are taken over as they are."""
    manifest = read_manifest(root, name, version)
    shards = (read_dataset_version(root, name, version, only_shards=[shard]) for shard in shard_ids(manifest))
    written = write_dataset_version(
        (rows.filter(~in_scope.of(rows)) for rows in shards),
        name=name,
        datasets_root=root,
        rule_version=manifest["rule_version"],
        inputs={**manifest["inputs"], "erasure": {"erasure_id": erasure_id, "replaces": version}},
        key_column=manifest["key_column"],
        shard_column=manifest.get("shard_column"),
        staged=True,
        rules_sha256=manifest.get("rules", {}).get("sha256"),
        code_version=manifest.get("code_version"),
        upstream=manifest.get("upstream"),
        reuse_shards_of=version,
    )
    return written.version


class _ShardJudge:
    """Whether a dataset's shards hold rows in scope, each shard read once (id columns only)."""

    def __init__(self, root: Path, name: str, in_scope: RowsInScope) -> None:
        self._root, self._name, self._in_scope = root, name, in_scope
        self._judged: dict[str, bool] = {}

    @property
    def shards_in_scope(self) -> list[str]:
        return sorted(shard for shard, holds in self._judged.items() if holds)

    def any_in_scope(self, manifest: dict[str, Any], staged: bool = False) -> bool:
        """Whether a shard of the version holds a row in scope; every shard is judged (not only up to the
        first that does), so `shards_in_scope` lists them all."""
        judged = [self._holds_rows_in_scope(manifest, shard, staged) for shard in shard_ids(manifest)]
        return any(judged)

    def _holds_rows_in_scope(self, manifest: dict[str, Any], shard: str, staged: bool) -> bool:
        if shard not in self._judged:
            paths = shard_paths(self._root, self._name, manifest, [shard], staged=staged)
            self._judged[shard] = any(self._file_holds_rows_in_scope(path) for path in paths)
        return self._judged[shard]

    def _file_holds_rows_in_scope(self, path: Path) -> bool:
        if not path.exists():  # a shard an interrupted erasure already removed
            return False
        rows = pl.scan_parquet(path)
        return bool(rows.select(self._in_scope.of(rows).any()).collect().item())


def _remove_folder(folder: Path) -> int:
    """Delete `folder` and what it holds; 1 if it was there."""
    if not folder.is_dir():
        return 0
    shutil.rmtree(folder)
    return 1
