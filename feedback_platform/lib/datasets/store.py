"""Immutable, content-addressed dataset versions on disk.

A version is named by the hash of its content, so writing the same rows twice (in any order, in any run)
lands on the same version and never rewrites it: a training run that recorded a version id can always read
back exactly the rows it trained on. Layout::

    <datasets_root>/<name>/<version>/data.parquet   rows, sorted by the key column
                                     data.jsonl     the same rows as canonical JSON lines (what is hashed)
                                     manifest.json  what, from which inputs, by which rules, when

A version directory appears only complete: files are written into a hidden temporary sibling and renamed
into place in one step.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

from feedback_platform.lib.hashing import canonical_json, file_sha256

VERSION_HEX_CHARS = 16
DATASET_WRITER_VERSION = "1.0.0"
"""The code version of the writing and hashing here: bump it when a change would give other bytes or ids."""
DATA_PARQUET = "data.parquet"
DATA_JSONL = "data.jsonl"
MANIFEST = "manifest.json"

_TEMP_PREFIX = ".tmp-"

JSONL_CHUNK_ROWS = 10_000
"""Rows serialised and written at a time, so a version's canonical lines are never in memory whole."""
_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

# Parquet settings pinned here rather than left to Polars' defaults, so that a change of default cannot
# change the bytes of a version. The file also records the Polars version ("created_by"), so byte equality
# holds within one Polars build; the version id itself comes from the canonical JSON and never depends on it.
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "statistics": True,
    "row_group_size": 100_000,
}


@dataclass(frozen=True)
class DatasetVersion:
    """One stored version of a dataset; ``created`` is False when the version already existed."""

    name: str
    version: str
    content_hash: str
    row_count: int
    path: Path
    manifest: dict[str, Any]
    created: bool
    serialised_rows: int
    """Rows this write serialised to canonical JSON; the others' lines came from ``reuse_lines_of``."""


def dataset_schema(rows: pl.DataFrame) -> dict[str, str]:
    """Column name to Polars type string, in column order."""
    return {column: str(dtype) for column, dtype in rows.schema.items()}


def _canonical_rows(rows: pl.DataFrame, key_column: str) -> pl.DataFrame:
    if key_column not in rows.columns:
        raise ValueError(f"key column {key_column!r} is not a column of the rows: {rows.columns}")
    keys = rows.get_column(key_column)
    if keys.null_count():
        raise ValueError(f"key column {key_column!r} has null values")
    if keys.n_unique() != rows.height:
        raise ValueError(f"key column {key_column!r} has duplicate values")
    return rows.sort(key_column).rechunk()


def _canonical_jsonl(rows: pl.DataFrame) -> bytes:
    # Canonical text needs exact control over key order and float formatting, which Polars' JSON writer does
    # not promise across versions; serialisation is one pass over the rows and is what gets hashed.
    return "".join(canonical_json(row) + "\n" for row in rows.iter_rows(named=True)).encode("utf-8")


def identical_row_positions(
    rows: pl.DataFrame, reference: pl.DataFrame | pl.LazyFrame, key_column: str
) -> pl.Series:
    """For each row of ``rows``, the position in ``reference`` of the row with the same key and the same
    content, or null: what a later version can take over from an earlier one (its canonical line, its audit).

    Rows are compared by key and by a hash over every column, both frames hashed in this process; a
    reference of another schema holds no identical row. A lazy reference (a stored version's Parquet file,
    scanned) is hashed by the streaming engine and only its keys and hashes are kept, though decoding still
    holds whole row groups (100,000 rows) at a time.
    """
    if reference.collect_schema() != rows.schema:
        return pl.Series("_position", [None] * rows.height, dtype=pl.UInt32)
    return (
        _row_fingerprints(rows, key_column)
        .join(
            _row_fingerprints(reference, key_column).with_row_index("_position"),
            on=[key_column, "_row_hash"],
            how="left",
            maintain_order="left",
        )
        .collect(engine="streaming")
        .get_column("_position")
    )


def _row_fingerprints(rows: pl.DataFrame | pl.LazyFrame, key_column: str) -> pl.LazyFrame:
    return rows.lazy().select(pl.col(key_column), _row_hash=pl.struct(pl.all()).hash())


def _canonical_line_chunks(
    canonical: pl.DataFrame, key_column: str, reference: Path | None
) -> Iterator[tuple[bytes, int]]:
    """The canonical lines of ``canonical`` (sorted by key), :data:`JSONL_CHUNK_ROWS` rows at a time, each
    chunk with how many of its rows were serialised; a row's line is taken from the stored version
    ``reference`` when that version holds the identical row.

    Serialising a row in Python costs far more than comparing frames, and a nightly version repeats most rows
    of the one before: this serialises only the rows that are new or changed. The lines of a reference are
    reused only when its manifest names this writer version and its files have the recorded digests.
    """
    reference_lines = _reusable_lines(reference)
    if reference_lines is None:
        for offset in range(0, canonical.height, JSONL_CHUNK_ROWS):
            chunk = canonical.slice(offset, JSONL_CHUNK_ROWS)
            yield _canonical_jsonl(chunk), chunk.height
        return
    reference_rows, stored_lines = reference_lines
    positions = identical_row_positions(canonical, reference_rows, key_column)
    for offset in range(0, canonical.height, JSONL_CHUNK_ROWS):
        chunk_positions = positions.slice(offset, JSONL_CHUNK_ROWS)
        chunk = canonical.slice(offset, JSONL_CHUNK_ROWS).filter(chunk_positions.is_null())
        fresh = iter(_lines(_canonical_jsonl(chunk)))
        reused = iter(stored_lines.take(chunk_positions.drop_nulls().to_list()))
        jsonl = b"".join(next(fresh) if line is None else next(reused) for line in chunk_positions.to_list())
        yield jsonl, chunk.height


def _hash_lines(
    header: bytes, chunks: Iterable[tuple[bytes, int]], out: BinaryIO | None = None
) -> tuple[str, int]:
    """SHA-256 of ``header`` and the chunks' lines, which go to ``out`` as well when given; and the number of
    rows serialised."""
    digest = hashlib.sha256(header)
    serialised = 0
    for lines, serialised_rows in chunks:
        digest.update(lines)
        if out is not None:
            out.write(lines)
        serialised += serialised_rows
    return digest.hexdigest(), serialised


def _lines(jsonl: bytes) -> list[bytes]:
    """The lines of canonical JSONL, each with its newline (JSON escapes every other line break)."""
    return [line + b"\n" for line in jsonl.split(b"\n")[:-1]]


def _reusable_lines(reference: Path | None) -> tuple[pl.LazyFrame, _StoredLines] | None:
    """The rows of a stored version, scanned, and its canonical lines, when a later version may reuse them."""
    if reference is None or not (reference / MANIFEST).exists():
        return None
    manifest = json.loads((reference / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("writer_version") != DATASET_WRITER_VERSION or _altered_files(reference, manifest):
        return None
    rows, lines = pl.scan_parquet(reference / DATA_PARQUET), _StoredLines(reference / DATA_JSONL)
    return (rows, lines) if len(lines) == rows.select(pl.len()).collect().item() else None


class _StoredLines:
    """The canonical lines of a stored version, read from its file when asked for, not held in memory.

    Rows reused by a later version come in key order, as the lines are stored, so the chunks of a write read
    the file once, front to back.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._offsets = _line_offsets(path)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def take(self, positions: list[int]) -> list[bytes]:
        """The lines at ``positions`` (0-based), each with its newline, read in one span of the file."""
        if not positions:
            return []
        start, end = self._offsets[min(positions)], self._offsets[max(positions) + 1]
        with self._path.open("rb") as file:
            file.seek(start)
            span = file.read(end - start)
        return [span[self._offsets[p] - start : self._offsets[p + 1] - start] for p in positions]


def _line_offsets(path: Path) -> list[int]:
    """0, then the end of each newline-terminated line: line ``i`` spans ``offsets[i]:offsets[i + 1]``."""
    offsets, read = [0], 0
    with path.open("rb") as file:
        while block := file.read(1 << 24):
            newline = block.find(b"\n")
            while newline != -1:
                offsets.append(read + newline + 1)
                newline = block.find(b"\n", newline + 1)
            read += len(block)
    return offsets


def content_hash(rows: pl.DataFrame, key_column: str) -> str:
    """SHA-256 of the schema and the rows in canonical order: the identity of a dataset's content."""
    canonical = _canonical_rows(rows, key_column)
    full_hash, _ = _hash_lines(
        _hash_header(dataset_schema(canonical)), _canonical_line_chunks(canonical, key_column, None)
    )
    return full_hash


def _hash_header(schema: dict[str, str]) -> bytes:
    return canonical_json([[column, dtype] for column, dtype in schema.items()]).encode("utf-8") + b"\n"


def version_problems(datasets_root: Path, name: str, version: str) -> list[str]:
    """What does not hold of a stored version (empty when it is intact): each file has the digest its
    manifest recorded, the canonical rows (``data.jsonl``) hash to the content hash, and the version id is
    that hash's prefix.

    Files are hashed in chunks as bytes, never parsed into rows: verifying a version costs a read of its
    files, whatever its size, and the parquet file is checked byte for byte against what was written.
    """
    version_dir = _version_dir(datasets_root, name, version)
    manifest = read_manifest(datasets_root, name, version)
    problems = [
        f"{file_name} does not have the digest its manifest recorded"
        for file_name in _altered_files(version_dir, manifest)
    ]
    if (
        _file_digest(version_dir / DATA_JSONL, prefix=_hash_header(manifest["schema"]))
        != manifest["content_hash"]
    ):
        problems.append("the rows do not hash to the manifest's content hash")
    if not manifest["content_hash"].startswith(version):
        problems.append(f"the content hash {manifest['content_hash']} does not start with the version id")
    return problems


def _altered_files(version_dir: Path, manifest: dict[str, Any]) -> list[str]:
    """The files of the version whose bytes no longer have the digest its manifest recorded."""
    return [
        file_name
        for file_name, digest in manifest["files"].items()
        if _file_digest(version_dir / file_name) != digest
    ]


def _file_digest(path: Path, prefix: bytes = b"") -> str | None:
    """SHA-256 of ``prefix`` and the file's bytes, or None when the file is missing."""
    return file_sha256(path, prefix) if path.exists() else None


def _fsync_directory_files(directory: Path) -> None:
    # Without this, a power cut soon after the rename could leave a complete-looking version with empty files.
    for path in (*directory.iterdir(), directory):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _version_dir(datasets_root: Path, name: str, version: str) -> Path:
    if not _NAME_PATTERN.match(version):
        raise ValueError(f"not a valid dataset version: {version!r}")
    return _dataset_dir(datasets_root, name) / version


def _dataset_dir(datasets_root: Path, name: str) -> Path:
    if not _NAME_PATTERN.match(name):
        raise ValueError(f"not a valid dataset name: {name!r}")
    return Path(datasets_root) / name


def read_manifest(datasets_root: Path, name: str, version: str) -> dict[str, Any]:
    """The manifest of a stored version."""
    return json.loads((_version_dir(datasets_root, name, version) / MANIFEST).read_text(encoding="utf-8"))


def _existing(
    datasets_root: Path, name: str, version: str, expected_hash: str, serialised_rows: int
) -> DatasetVersion:
    manifest = read_manifest(datasets_root, name, version)
    if manifest["content_hash"] != expected_hash:
        raise RuntimeError(
            f"dataset {name} version {version} exists with content hash {manifest['content_hash']}, "
            f"not {expected_hash}: a version id collision, or the store was altered by hand"
        )
    return DatasetVersion(
        name=name,
        version=version,
        content_hash=expected_hash,
        row_count=manifest["row_count"],
        path=_version_dir(datasets_root, name, version),
        manifest=manifest,
        created=False,
        serialised_rows=serialised_rows,
    )


def write_dataset_version(
    rows: pl.DataFrame,
    *,
    name: str,
    datasets_root: Path,
    rule_version: str,
    inputs: dict,
    key_column: str,
    rules_sha256: str | None = None,
    code_version: dict[str, str | None] | None = None,
    upstream: dict[str, Any] | None = None,
    reuse_lines_of: Path | None = None,
) -> DatasetVersion:
    """Store ``rows`` as a version of dataset ``name``, or return the existing version with the same content.

    The version id is the first 16 hex characters of the content hash: SHA-256 over the schema and the rows
    sorted by ``key_column`` (which must be unique and non-null) as canonical JSON. Row order in ``rows``
    therefore does not matter. ``rule_version``, ``rules_sha256`` (the curation rules file's hash) and
    ``inputs`` describe how the rows were made; they go into the manifest (the first two also as ``rules``:
    ``{"version", "sha256"}``) but not into the hash, so when the same content is written again the existing
    version and its first manifest are returned unchanged (``created=False``). So do ``code_version`` (the
    versions of the code that made the rows) and ``upstream`` (the data versions read, see
    ``feedback_platform.defs.datasets.provenance``). ``reuse_lines_of``, a stored version's folder (say the
    latest published one), lends the canonical lines of the rows it holds unchanged; the bytes written are
    the same with or without it.
    """
    canonical = _canonical_rows(rows, key_column)
    schema = dataset_schema(canonical)
    dataset_dir = _dataset_dir(datasets_root, name)
    dataset_dir.mkdir(parents=True, exist_ok=True)
    temp_dir = dataset_dir / f"{_TEMP_PREFIX}{uuid.uuid4().hex}"
    temp_dir.mkdir()
    try:
        with (temp_dir / DATA_JSONL).open("wb") as jsonl:
            full_hash, serialised_rows = _hash_lines(
                _hash_header(schema), _canonical_line_chunks(canonical, key_column, reuse_lines_of), jsonl
            )
        version = full_hash[:VERSION_HEX_CHARS]
        final_dir = _version_dir(datasets_root, name, version)
        if final_dir.exists():
            shutil.rmtree(temp_dir, ignore_errors=True)
            return _existing(datasets_root, name, version, full_hash, serialised_rows)
        canonical.write_parquet(temp_dir / DATA_PARQUET, **PARQUET_OPTIONS)
        manifest = {
            "name": name,
            "version": version,
            "content_hash": full_hash,
            "row_count": canonical.height,
            "key_column": key_column,
            "writer_version": DATASET_WRITER_VERSION,
            "schema": schema,
            "rule_version": rule_version,
            "rules": {"version": rule_version, "sha256": rules_sha256},
            "inputs": inputs,
            "code_version": code_version or {},
            "upstream": upstream or {},
            "files": {
                file_name: file_sha256(temp_dir / file_name) for file_name in (DATA_PARQUET, DATA_JSONL)
            },
            "created_at": datetime.now(UTC).isoformat(),
        }
        # Key order as built (schema in column order), not sorted.
        manifest_text = json.dumps(manifest, indent=2, ensure_ascii=False, default=str)
        (temp_dir / MANIFEST).write_text(manifest_text + "\n", encoding="utf-8")
        _fsync_directory_files(temp_dir)
        try:
            temp_dir.rename(final_dir)
        except OSError:
            if not final_dir.exists():
                raise
            # Another writer stored the same content first: theirs stands.
            shutil.rmtree(temp_dir, ignore_errors=True)
            return _existing(datasets_root, name, version, full_hash, serialised_rows)
    except BaseException:
        shutil.rmtree(temp_dir, ignore_errors=True)
        raise
    return DatasetVersion(
        name=name,
        version=version,
        content_hash=full_hash,
        row_count=canonical.height,
        path=final_dir,
        manifest=json.loads(manifest_text),
        created=True,
        serialised_rows=serialised_rows,
    )


def read_dataset_version(
    datasets_root: Path, name: str, version: str, columns: Sequence[str] | None = None
) -> pl.DataFrame:
    """The rows of a stored version, in canonical (key column) order; only ``columns`` when given."""
    path = _version_dir(datasets_root, name, version) / DATA_PARQUET
    if not path.exists():
        raise FileNotFoundError(f"no version {version} of dataset {name} under {datasets_root}")
    return pl.read_parquet(path, columns=list(columns) if columns is not None else None)
