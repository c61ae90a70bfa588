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

Rows are sorted by the kind's key column before writing, so the same rows in any order give the same bytes.
A file appears under its final name only once complete (written to a hidden temporary sibling, synced, then
renamed over any earlier export), so a consumer never loads half an export. JSON lines are canonical (sorted
keys, fixed separators and float text) and Parquet uses the dataset store's pinned writer settings.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from feedback_platform.lib.atomic_files import write_file_atomically
from feedback_platform.lib.datasets.kinds import DATASET_KINDS, DatasetKind
from feedback_platform.lib.datasets.store import PARQUET_OPTIONS
from feedback_platform.lib.hashing import canonical_json

PARQUET = "parquet"
"""The format that writes the rows themselves rather than a record shape."""


class UnsupportedExportError(ValueError):
    """The kind of rows cannot be exported in the requested format (the message lists what can)."""


def export_formats() -> dict[str, list[str]]:
    """Every kind with the formats it can be exported in, e.g. to offer as CLI choices."""
    return {name: [*kind.record_shapes, PARQUET] for name, kind in sorted(DATASET_KINDS.items())}


def export_file_name(kind: str, fmt: str, stem: str | None = None) -> str:
    """The export's file name: ``<stem>.<format>.jsonl``, ``<stem>.jsonl`` (eval) or ``<stem>.parquet``.

    ``stem`` defaults to the kind.
    """
    stem = stem or kind
    if fmt == PARQUET:
        return f"{stem}.parquet"
    return f"{stem}.jsonl" if fmt == "jsonl" else f"{stem}.{fmt}.jsonl"


def _kind(kind: str, fmt: str) -> DatasetKind:
    spec = DATASET_KINDS.get(kind)
    if spec is None or (fmt != PARQUET and fmt not in spec.record_shapes):
        valid = "; ".join(f"{name}: {', '.join(formats)}" for name, formats in export_formats().items())
        raise UnsupportedExportError(
            f"cannot export {kind!r} rows as {fmt!r}; valid kinds and formats are {valid}"
        )
    return spec


def _sorted_rows(rows: pl.DataFrame, kind: str, spec: DatasetKind) -> pl.DataFrame:
    missing = [column for column in spec.export_columns if column not in rows.columns]
    if missing:
        raise ValueError(f"{kind} rows lack the columns {missing}; they have {rows.columns}")
    keys = rows.get_column(spec.key_column)
    if keys.null_count() or keys.n_unique() != rows.height:
        # Only a unique key gives rows one order, and so an export one sequence of bytes.
        raise ValueError(f"{kind} rows need unique, non-null values in {spec.key_column!r}")
    return rows.sort(spec.key_column)


def export_records(rows: pl.DataFrame, kind: str, fmt: str) -> pl.DataFrame:
    """What :func:`export_dataset` writes, as a frame: one row per record, one column per key.

    For ``parquet`` that is the rows themselves, sorted by the key column.
    """
    spec = _kind(kind, fmt)
    ordered = _sorted_rows(rows, kind, spec)
    return ordered if fmt == PARQUET else spec.record_shapes[fmt](ordered)


def export_dataset(
    rows: pl.DataFrame, kind: str, fmt: str, out_dir: Path, *, stem: str | None = None
) -> list[Path]:
    """Write ``rows`` of dataset kind ``kind`` in format ``fmt`` into ``out_dir``; return the files written.

    Raises :class:`UnsupportedExportError` (a ``ValueError``) listing the valid combinations when the kind
    cannot be exported in that format, and ``ValueError`` when columns the format needs are missing or the
    key column is not unique.
    ``stem`` names the file (default: the kind), e.g. ``sft-6a204e3824c58fce`` for one version. An existing
    file of the same name is replaced atomically; the same rows, in any order, always give the same bytes.
    """
    shaped = export_records(rows, kind, fmt)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / export_file_name(kind, fmt, stem)
    if fmt == PARQUET:
        _write_parquet(shaped, path)
    else:
        _write_jsonl(shaped, path)
    return [path]


def _write_jsonl(records: pl.DataFrame, path: Path) -> None:
    """One canonical JSON object per row of ``records``, in row order."""
    # Polars' JSON writer promises neither key order nor float text across versions; this one pass over the
    # rows is the only per-row Python of an export, as in the dataset store.
    text = "".join(canonical_json(record) + "\n" for record in records.iter_rows(named=True))
    write_file_atomically(path, lambda temp: temp.write_bytes(text.encode("utf-8")), overwrite=True)


def _write_parquet(rows: pl.DataFrame, path: Path) -> None:
    """``rows`` as one Parquet file, with the same settings as the stored versions."""
    write_file_atomically(path, lambda temp: rows.write_parquet(temp, **PARQUET_OPTIONS), overwrite=True)
