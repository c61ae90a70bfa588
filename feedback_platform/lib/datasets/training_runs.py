"""The training-run registry: which dataset versions each training run consumed.

A run is one JSON file, ``<runs_dir>/<name>.json``, written once and never replaced. Files rather than a
warehouse table because a training pipeline registers its run from its own process, often while a Dagster
run holds DuckDB's single-writer lock, and because a folder of small immutable files is append-only by
construction: the file is written under a temporary name and hard-linked to its final name, which fails if
the name is taken, so two pipelines registering the same name cannot overwrite each other. A table can
always be rebuilt from the folder, as ``dataset_versions`` is from the manifests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feedback_platform.lib.atomic_files import write_file_atomically
from feedback_platform.lib.datasets.catalog import (
    DatasetRef,
    dataset_kind,
    parse_dataset_ref,
    resolve_version,
)
from feedback_platform.lib.datasets.store import VersionWithdrawnError, read_withdrawal, withdrawal_message

_RUN_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


class TrainingRunExistsError(FileExistsError):
    """A run of that name is already registered; runs are never replaced."""


class TrainingRunNotFoundError(LookupError):
    """No run of that name is registered."""


@dataclass(frozen=True)
class PinnedDataset:
    """One dataset version a run trained on, with the content hash that proves which rows those were."""

    name: str
    version: str
    kind: str | None
    content_hash: str
    row_count: int
    rule_version: str


@dataclass(frozen=True)
class TrainingRun:
    name: str
    datasets: tuple[PinnedDataset, ...]
    model: str | None
    notes: str | None
    registered_at: str
    """ISO 8601, UTC."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> TrainingRun:
        return cls(**{**record, "datasets": tuple(PinnedDataset(**pin) for pin in record["datasets"])})


def _run_path(runs_dir: Path, name: str) -> Path:
    if not _RUN_NAME_PATTERN.match(name):
        raise ValueError(
            f"not a valid run name: {name!r}; use letters, digits, '_', '.', '-' (up to 128 characters)"
        )
    return Path(runs_dir) / f"{name}.json"


def _pin(datasets_root: Path, dataset: str | DatasetRef) -> PinnedDataset:
    ref = dataset if isinstance(dataset, DatasetRef) else parse_dataset_ref(dataset, require_version=True)
    if ref.version is None:
        raise ValueError(f"{ref} names no version; a training run pins NAME@VERSION")
    manifest = resolve_version(datasets_root, ref)
    withdrawal = read_withdrawal(datasets_root, manifest["name"], manifest["version"])
    if withdrawal is not None:
        raise VersionWithdrawnError(withdrawal_message(manifest["name"], manifest["version"], withdrawal))
    return PinnedDataset(
        name=manifest["name"],
        version=manifest["version"],
        kind=dataset_kind(manifest),
        content_hash=manifest["content_hash"],
        row_count=manifest["row_count"],
        rule_version=manifest["rule_version"],
    )


def register_training_run(
    runs_dir: Path,
    datasets_root: Path,
    name: str,
    datasets: Sequence[str | DatasetRef],
    *,
    model: str | None = None,
    notes: str | None = None,
) -> TrainingRun:
    """Record that training run ``name`` used ``datasets`` (``"sft@6a204e3824c58fce"`` or a DatasetRef).

    Every dataset must name a version that exists in ``datasets_root``: ``DatasetNotFoundError`` otherwise,
    ``ValueError`` for a malformed reference or run name, :class:`TrainingRunExistsError` when the name is
    taken. Returns the stored run.
    """
    path = _run_path(runs_dir, name)
    if not datasets:
        raise ValueError("a training run needs at least one dataset version")
    pins = tuple(dict.fromkeys(_pin(datasets_root, dataset) for dataset in datasets))
    run = TrainingRun(
        name=name,
        datasets=pins,
        model=model,
        notes=notes,
        registered_at=datetime.now(UTC).isoformat(),
    )
    record = json.dumps(run.as_dict(), indent=2, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_file_atomically(path, lambda temp: temp.write_text(record, encoding="utf-8"), overwrite=False)
    except FileExistsError as taken:
        raise TrainingRunExistsError(f"training run {name!r} is already registered ({path})") from taken
    return run


def erased_pins(datasets_root: Path, run: TrainingRun) -> list[dict[str, Any]]:
    """The versions ``run`` trained on that an erasure has withdrawn since, each with its withdrawal (the
    erasure, when, why, the replacement): a model cannot be untrained, but an auditor must see that it was
    trained on data later erased."""
    return [
        {"dataset": pin.name, "version": pin.version, **withdrawal}
        for pin in run.datasets
        if (withdrawal := read_withdrawal(datasets_root, pin.name, pin.version)) is not None
    ]


def training_run_exists(runs_dir: Path, name: str) -> bool:
    """Whether ``name`` is a valid run name with a registered run."""
    return bool(_RUN_NAME_PATTERN.match(name)) and (Path(runs_dir) / f"{name}.json").is_file()


def read_training_run(runs_dir: Path, name: str) -> TrainingRun:
    """The registered run ``name``; :class:`TrainingRunNotFoundError` when there is none."""
    path = _run_path(runs_dir, name)
    if not path.is_file():
        raise TrainingRunNotFoundError(f"no training run {name!r} registered under {runs_dir}")
    return TrainingRun.from_dict(json.loads(path.read_text(encoding="utf-8")))


def list_training_runs(runs_dir: Path) -> list[TrainingRun]:
    """Every registered run, oldest first (temporary files of an interrupted registration are skipped)."""
    runs_dir = Path(runs_dir)
    paths = sorted(runs_dir.glob("*.json")) if runs_dir.is_dir() else []
    runs = [TrainingRun.from_dict(json.loads(path.read_text(encoding="utf-8"))) for path in paths]
    return sorted(runs, key=lambda run: (run.registered_at, run.name))
