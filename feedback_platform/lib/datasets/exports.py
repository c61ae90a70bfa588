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

The record shapes carry no ``split``, so the rows of a kind a model trains on (sft, dpo, kto) are written one
file per split that has rows, the split being the last part of the name before the extension:
``sft-<version>.trl.train.jsonl`` and ``sft-<version>.trl.validation.jsonl``, ``dpo-<version>.train.parquet``.
Hugging Face ``datasets`` infers the splits of a folder from such names (``train`` or ``validation`` between
``-._``, spaces or digits), so ``load_dataset("json", data_dir=out)`` gives a ``train`` and a ``validation``
split, and nobody trains on the validation rows unawares. Beside them the export manifest,
``<stem>.<format>.export.json``, names the dataset, its version, kind and format, and each split's file and
rows. Its name adds only ``export``, which is no split keyword, to the stem and format the data files' names
hold, so ``datasets`` takes it for data only where a keyword in the stem itself already puts every data file
in one split. Eval rows are not split: an eval export is the one file it always was, without a manifest,
which ``datasets`` would load with it (``eval`` is one of its keywords for the ``test`` split, and an eval
stem starts with it).

Rows are sorted by the kind's key column before writing, so the same rows in any order give the same bytes.
A file appears under its final name only once complete (written to a hidden temporary sibling, synced, then
renamed over any earlier export), so a consumer never loads half an export. JSON lines are canonical (sorted
keys, fixed separators and float text) and Parquet uses the dataset store's pinned writer settings.
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
from feedback_platform.lib.hashing import canonical_json

PARQUET = "parquet"
"""The format that writes the rows themselves rather than a record shape."""

JSONL = "jsonl"
"""The eval format, named as the extension of every JSON lines export."""

SPLIT_COLUMN = "split"
"""The column of a training kind's rows that holds ``train`` or ``validation``; each value gets a file."""

MANIFEST_SUFFIX = ".export.json"
"""The end of an export manifest's name: ``<stem>.<format>.export.json``."""


class UnsupportedExportError(ValueError):
    """The kind of rows cannot be exported in the requested format (the message lists what can)."""


def export_formats() -> dict[str, list[str]]:
    """Every kind with the formats it can be exported in, e.g. to offer as CLI choices."""
    return {name: [*kind.record_shapes, PARQUET] for name, kind in sorted(DATASET_KINDS.items())}


def export_file_name(kind: str, fmt: str, stem: str | None = None, split: str | None = None) -> str:
    """A data file's name: ``<stem>.<format>[.<split>].jsonl``, or ``<stem>[.<split>].jsonl`` for ``jsonl``
    and ``<stem>[.<split>].parquet`` for ``parquet`` (whose format is the extension).

    ``stem`` defaults to the kind. The split comes last before the extension, between dots, where
    ``datasets`` finds it.
    """
    extension = PARQUET if fmt == PARQUET else JSONL
    parts = [stem or kind, *([] if fmt == extension else [fmt]), *([split] if split else []), extension]
    return ".".join(parts)


def export_manifest_name(kind: str, fmt: str, stem: str | None = None) -> str:
    """The export manifest's name, ``<stem>.<format>.export.json``: one per stem and format, as the files."""
    return f"{stem or kind}.{fmt}{MANIFEST_SUFFIX}"


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


def _rows_by_split(rows: pl.DataFrame, kind: str, spec: DatasetKind) -> dict[str | None, pl.DataFrame]:
    """The rows of each data file by split, in key order; one file (split None) for a kind that is not split.

    Only the splits the curation makes are written: ``datasets`` infers those from the names and would leave
    a file of any other split out of the folder's splits without a word.
    """
    if not spec.for_training:
        return {None: rows}
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
    """Write ``rows`` of dataset kind ``kind`` in format ``fmt`` into ``out_dir``; return the files written.

    A training kind (sft, dpo, kto) gets one file per split that has rows, then the export manifest, which
    records ``name`` and ``version`` (the dataset's, null when not given); the paths come in that order. Eval
    gets one file. Raises :class:`UnsupportedExportError` (a ``ValueError``) listing the valid combinations
    when the kind cannot be exported in that format, and ``ValueError`` when columns the format needs are
    missing, the key column is not unique or a split is not ``train`` or ``validation``.
    ``stem`` starts the file names (default: the kind), e.g. ``sft-6a204e3824c58fce`` for one version. An
    existing file of the same name is replaced atomically; the same rows, in any order, always give the same
    bytes.
    """
    spec = _kind(kind, fmt)
    rows_by_split = _rows_by_split(_sorted_rows(rows, kind, spec), kind, spec)
    # Every file is shaped before any is written, so a refusal (an OpenAI role, say) leaves nothing behind.
    records = {split: _shape(split_rows, spec, fmt) for split, split_rows in rows_by_split.items()}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {split: out_dir / export_file_name(kind, fmt, stem, split) for split in records}
    for split, path in files.items():
        _write_records(records[split], fmt, path)
    if not spec.for_training:
        return list(files.values())
    manifest_path = out_dir / export_manifest_name(kind, fmt, stem)
    manifest = {
        "name": name,
        "version": version,
        "kind": kind,
        "format": fmt,
        "splits": _splits(files, records),
    }
    _write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", manifest_path)
    return [*files.values(), manifest_path]


def _splits(files: dict[str | None, Path], records: dict[str | None, pl.DataFrame]) -> dict[str, Any]:
    """The manifest's word on which file is which: each split's file name and records."""
    return {split: {"file": path.name, "rows": records[split].height} for split, path in files.items()}


def read_export_manifest(path: Path) -> dict[str, Any]:
    """The export manifest at ``path``, as :func:`export_dataset` wrote it."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ExportedFile:
    """One file of an export, as a report lists it."""

    path: Path
    split: str | None
    """The split whose records the file holds; None for an unsplit export's one file and for the manifest."""
    rows: int | None
    """The records in the file; None for the manifest."""


def exported_files(paths: list[Path]) -> list[ExportedFile]:
    """What each of the paths :func:`export_dataset` returned holds, in their order.

    A split export's manifest (the last path) says it for the data files; the one file of an unsplit export
    has no manifest and is counted.
    """
    *data, last = paths
    if not last.name.endswith(MANIFEST_SUFFIX):
        return [ExportedFile(last, None, _record_count(last))]
    splits = read_export_manifest(last)["splits"]
    by_file = {entry["file"]: (split, entry["rows"]) for split, entry in splits.items()}
    return [*(ExportedFile(path, *by_file[path.name]) for path in data), ExportedFile(last, None, None)]


def _record_count(path: Path) -> int:
    """The records in a data file, read back from the file itself."""
    if path.suffix == f".{PARQUET}":
        return pl.scan_parquet(path).select(pl.len()).collect().item()
    # Canonical JSON escapes newlines inside values: one line per record.
    return path.read_bytes().count(b"\n")


def _write_records(records: pl.DataFrame, fmt: str, path: Path) -> None:
    if fmt == PARQUET:
        _write_parquet(records, path)
    else:
        _write_jsonl(records, path)


def _write_jsonl(records: pl.DataFrame, path: Path) -> None:
    """One canonical JSON object per row of ``records``, in row order."""
    # Polars' JSON writer promises neither key order nor float text across versions; this one pass over the
    # rows is the only per-row Python of an export, as in the dataset store.
    _write_text("".join(canonical_json(record) + "\n" for record in records.iter_rows(named=True)), path)


def _write_text(text: str, path: Path) -> None:
    write_file_atomically(path, lambda temp: temp.write_bytes(text.encode("utf-8")), overwrite=True)


def _write_parquet(rows: pl.DataFrame, path: Path) -> None:
    """``rows`` as one Parquet file, with the same settings as the stored versions."""
    write_file_atomically(path, lambda temp: rows.write_parquet(temp, **PARQUET_OPTIONS), overwrite=True)
