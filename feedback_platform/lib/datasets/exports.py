"""Dataset exports in formats ML tools load as they are: TRL, KTO, OpenAI fine-tuning, eval JSONL, Parquet.

:func:`export_dataset` turns the rows of one dataset version (as read back from the dataset store) into
files. What can be exported depends on the kind of rows (each kind's ``record_shapes`` in
:mod:`feedback_platform.lib.datasets.kinds`):

======  ==========================================================================
kind    formats
======  ==========================================================================
sft     ``trl`` (messages), ``trl-prompt-completion``, ``openai`` (chat), ``parquet``
dpo     ``trl`` (preference), ``openai`` (preference), ``parquet``
kto     ``kto`` (unpaired preference), ``parquet``
eval    ``jsonl`` (eval records), ``parquet``
======  ==========================================================================

SFT's ``trl`` is the ``messages`` form because it is the one shape every consumer reads (TRL's SFTTrainer,
OpenAI chat fine-tuning, chat templates); ``trl-prompt-completion`` is there for training with the loss on
the completion only. ``parquet`` writes the stored rows with every column (ids, metadata, feedback event
ids), the lossless form for anyone who wants to reshape them. ``kto`` is exported from the kto dataset only,
which the curation rules build from thumbs, ratings, edits and implicit signals; DPO pairs are not turned into
KTO rows, so there is one definition of a KTO row.

Every export is a folder of its own, ``<out>/<stem>.<format>/`` (``sft-<version>.trl/``), holding one file
per split, named by the split alone, and the export manifest ``export.json``:

* sft, dpo, kto: ``train.jsonl`` and ``validation.jsonl`` (``train.parquet`` ...), one per split with rows;
* eval: ``test.jsonl`` (``test.parquet``). Eval rows are not split, and ``datasets`` calls a held-out set
  ``test`` (its keyword ``eval`` is one of ``test``'s), so the folder loads as one ``test`` split, which no
  trainer takes for training data;
* ``export.json``: the dataset, its version, kind and format, and each split's file (relative to the folder)
  and rows. Every export has one, so a consumer reads the same manifest for every kind.

``datasets.load_dataset("<out>/<stem>.<format>")`` infers the splits from the paths below that folder only,
and matches split keywords (``train``, ``dev``, ``val``, ``test``, ``eval``, ...) anywhere in a name between
``-._``, spaces or digits. The folder's name is therefore the only place the stem appears: a per-tenant stem
such as ``sft-globex_dev-<version>`` would otherwise put every file in ``validation``. The files hold no
directory, so ``datasets`` falls through to its file-name patterns, and the manifest's name holds no keyword,
so it is no data. Loading ``<out>`` itself would bring the stems back into the paths and is not supported.

Rows are sorted by the kind's key column before writing, so the same rows in any order give the same bytes.
A file appears under its final name only once complete (written to a hidden temporary sibling, synced, then
renamed over any earlier export), so a consumer never loads half an export; a split file an earlier export
left in the folder and this one does not write is removed, so the folder holds this export's splits only.
JSON lines are canonical (sorted keys, fixed separators and float text) and Parquet uses the dataset store's
pinned writer settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from feedback_platform.lib.atomic_files import write_file_atomically
from feedback_platform.lib.curation.suites import SPLITS
from feedback_platform.lib.datasets.kinds import DATASET_KINDS, DatasetKind
from feedback_platform.lib.datasets.store import PARQUET_OPTIONS
from feedback_platform.lib.hashing import canonical_json_rows

PARQUET = "parquet"
"""The format that writes the rows themselves rather than a record shape."""

JSONL = "jsonl"
"""The eval format, named as the extension of every JSON lines export."""

SPLIT_COLUMN = "split"
"""The column of a training kind's rows that holds ``train`` or ``validation``; each value gets a file."""

EVAL_SPLIT = "test"
"""The split an unsplit (eval) export's one file is named for: the held-out split ``datasets`` knows."""

EXPORT_SPLITS = (*SPLITS, EVAL_SPLIT)
"""Every split a file in an export folder can be named for."""

MANIFEST_NAME = "export.json"
"""The export manifest's name in every export folder; it holds no split keyword, so ``datasets`` skips it."""


class UnsupportedExportError(ValueError):
    """The kind of rows cannot be exported in the requested format (the message lists what can)."""


def export_formats() -> dict[str, list[str]]:
    """Every kind with the formats it can be exported in, e.g. to offer as CLI choices."""
    return {name: [*kind.record_shapes, PARQUET] for name, kind in sorted(DATASET_KINDS.items())}


def export_folder(out_dir: Path, kind: str, fmt: str, stem: str | None = None) -> Path:
    """The folder of one export, ``<out_dir>/<stem>.<format>``, the path to give ``load_dataset``.

    ``stem`` defaults to the kind. It is named here and nowhere below, so no keyword in it reaches the paths
    ``datasets`` infers the splits from.
    """
    return Path(out_dir) / f"{stem or kind}.{fmt}"


def split_file_name(fmt: str, split: str) -> str:
    """A data file's name in its export folder: ``<split>.jsonl``, or ``<split>.parquet`` for ``parquet``."""
    return f"{split}.{PARQUET if fmt == PARQUET else JSONL}"


def _kind(kind: str, fmt: str) -> DatasetKind:
    spec = DATASET_KINDS.get(kind)
    if spec is None or (fmt != PARQUET and fmt not in spec.record_shapes):
        valid = "; ".join(f"{name}: {', '.join(formats)}" for name, formats in export_formats().items())
        raise UnsupportedExportError(
            f"cannot export {kind!r} rows as {fmt!r}; valid kinds and formats are {valid}"
        )
    return spec


def _sorted_rows(rows: pl.DataFrame, kind: str, spec: DatasetKind) -> pl.DataFrame:
    needed = [*spec.export_columns, *([SPLIT_COLUMN] if spec.for_training else [])]
    missing = [column for column in needed if column not in rows.columns]
    if missing:
        raise ValueError(f"{kind} rows lack the columns {missing}; they have {rows.columns}")
    keys = rows.get_column(spec.key_column)
    if keys.null_count() or keys.n_unique() != rows.height:
        # Only a unique key gives rows one order, and so an export one sequence of bytes.
        raise ValueError(f"{kind} rows need unique, non-null values in {spec.key_column!r}")
    return rows.sort(spec.key_column)


def _rows_by_split(rows: pl.DataFrame, kind: str, spec: DatasetKind) -> dict[str, pl.DataFrame]:
    """The rows of each data file by split, in key order; all of them under ``test`` for an unsplit kind.

    Only the splits the curation makes are written: ``datasets`` infers those from the names and would leave
    a file of any other split out of the folder's splits without a word.
    """
    if not spec.for_training:
        return {EVAL_SPLIT: rows}
    unknown = set(rows.get_column(SPLIT_COLUMN).unique()) - set(SPLITS)
    if unknown:
        raise ValueError(f"{kind} rows need a split in {SPLITS}; they also have {sorted(unknown, key=str)}")
    parts = rows.partition_by(SPLIT_COLUMN, as_dict=True, maintain_order=True)
    return {split: parts[(split,)] for split in SPLITS if (split,) in parts}


def _shape(rows: pl.DataFrame, spec: DatasetKind, fmt: str) -> pl.DataFrame:
    return rows if fmt == PARQUET else spec.record_shapes[fmt](rows)


def export_records(rows: pl.DataFrame, kind: str, fmt: str) -> pl.DataFrame:
    """What :func:`export_dataset` writes, as a frame: one row per record, one column per key.

    For ``parquet`` that is the rows themselves, sorted by the key column; a training kind's files each hold
    the records of one split's rows.
    """
    spec = _kind(kind, fmt)
    return _shape(_sorted_rows(rows, kind, spec), spec, fmt)


def export_dataset(
    rows: pl.DataFrame,
    kind: str,
    fmt: str,
    out_dir: Path,
    *,
    stem: str | None = None,
    name: str | None = None,
    version: str | None = None,
) -> list[Path]:
    """Write ``rows`` of dataset kind ``kind`` in format ``fmt`` into its folder under ``out_dir`` (see
    :func:`export_folder`); return the files written.

    A training kind (sft, dpo, kto) gets one file per split that has rows, eval one ``test`` file; then the
    export manifest, which records ``name`` and ``version`` (the dataset's, null when not given). The paths
    come in that order, so the folder is the last one's parent. Raises :class:`UnsupportedExportError` (a
    ``ValueError``) listing the valid combinations when the kind cannot be exported in that format, and
    ``ValueError`` when columns the format needs are missing, the key column is not unique or a split is not
    ``train`` or ``validation``. ``stem`` names the folder (default: the kind), e.g.
    ``sft-6a204e3824c58fce`` for one version. An existing file of the same name is replaced atomically; the
    same rows, in any order, always give the same bytes.
    """
    spec = _kind(kind, fmt)
    rows_by_split = _rows_by_split(_sorted_rows(rows, kind, spec), kind, spec)
    # Every file is shaped before any is written, so a refusal (an OpenAI role, say) leaves nothing behind.
    records = {split: _shape(split_rows, spec, fmt) for split, split_rows in rows_by_split.items()}
    folder = export_folder(out_dir, kind, fmt, stem)
    folder.mkdir(parents=True, exist_ok=True)
    files = {split: folder / split_file_name(fmt, split) for split in records}
    for split, path in files.items():
        _write_records(records[split], fmt, path)
    _remove_other_splits(folder, fmt, files)
    manifest_path = folder / MANIFEST_NAME
    manifest = {
        "name": name,
        "version": version,
        "kind": kind,
        "format": fmt,
        "splits": _splits(files, records),
    }
    _write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", manifest_path)
    return [*files.values(), manifest_path]


def _remove_other_splits(folder: Path, fmt: str, files: dict[str, Path]) -> None:
    """Remove the split files an earlier export left in ``folder`` that this one did not write.

    ``datasets`` loads every split file it finds, so a validation file of earlier rows that have none now
    would be loaded as this export's validation split.
    """
    for split in EXPORT_SPLITS:
        if split not in files:
            (folder / split_file_name(fmt, split)).unlink(missing_ok=True)


def _splits(files: dict[str, Path], records: dict[str, pl.DataFrame]) -> dict[str, Any]:
    """The manifest's word on which file is which: each split's file, relative to the folder, and records."""
    return {split: {"file": path.name, "rows": records[split].height} for split, path in files.items()}


def read_export_manifest(path: Path) -> dict[str, Any]:
    """The export manifest at ``path``, as :func:`export_dataset` wrote it."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ExportedFile:
    """One file of an export, as a report lists it."""

    path: Path
    split: str | None
    """The split whose records the file holds; None for the manifest."""
    rows: int | None
    """The records in the file; None for the manifest."""


def exported_files(paths: list[Path]) -> list[ExportedFile]:
    """What each of the paths :func:`export_dataset` returned holds, in their order, as its manifest (the
    last path) says."""
    *data, manifest_path = paths
    splits = read_export_manifest(manifest_path)["splits"]
    by_file = {entry["file"]: (split, entry["rows"]) for split, entry in splits.items()}
    return [
        *(ExportedFile(path, *by_file[path.name]) for path in data),
        ExportedFile(manifest_path, None, None),
    ]


def _write_records(records: pl.DataFrame, fmt: str, path: Path) -> None:
    if fmt == PARQUET:
        _write_parquet(records, path)
    else:
        _write_jsonl(records, path)


def _write_jsonl(records: pl.DataFrame, path: Path) -> None:
    """One canonical JSON object per row of ``records``, in row order."""
    # Polars' JSON writer promises neither key order nor float text across versions; this one pass over the
    # rows is the only per-row Python of an export, as in the dataset store.
    _write_text("".join(line + "\n" for line in canonical_json_rows(records)), path)


def _write_text(text: str, path: Path) -> None:
    write_file_atomically(path, lambda temp: temp.write_bytes(text.encode("utf-8")), overwrite=True)


def _write_parquet(rows: pl.DataFrame, path: Path) -> None:
    """``rows`` as one Parquet file, with the same settings as the stored versions."""
    write_file_atomically(path, lambda temp: rows.write_parquet(temp, **PARQUET_OPTIONS), overwrite=True)
