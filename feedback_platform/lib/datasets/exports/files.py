"""Export files written atomically and byte for byte reproducibly.

A file appears under its final name only once complete (written to a hidden temporary sibling, synced, then
renamed over any earlier export), so a consumer never loads half an export. The same records always give the
same bytes: JSON lines are canonical (sorted keys, fixed separators and float text) and Parquet uses the
dataset store's pinned writer settings.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from feedback_platform.lib.atomic_files import write_file_atomically
from feedback_platform.lib.datasets.store import PARQUET_OPTIONS
from feedback_platform.lib.hashing import canonical_json


def write_jsonl(records: pl.DataFrame, path: Path) -> None:
    """One canonical JSON object per row of ``records``, in row order."""
    # Polars' JSON writer promises neither key order nor float text across versions; this one pass over the
    # rows is the only per-row Python of an export, as in the dataset store.
    text = "".join(canonical_json(record) + "\n" for record in records.iter_rows(named=True))
    write_file_atomically(path, lambda temp: temp.write_bytes(text.encode("utf-8")), overwrite=True)


def write_parquet(rows: pl.DataFrame, path: Path) -> None:
    """``rows`` as one Parquet file, with the same settings as the stored versions."""
    write_file_atomically(path, lambda temp: rows.write_parquet(temp, **PARQUET_OPTIONS), overwrite=True)
