"""Immutable, content-addressed dataset versions on disk, made of content-addressed shards.

A version's rows are split by a shard column (for the dataset kinds, the date of the rated response) and
each part is stored once, as a shard named by the hash of its content. A version is a manifest listing its
shards; it is named by the hash of its schema and its shards' hashes, so the same rows give the same version
id in any order and in any run, and a training run that recorded a version id can always read back exactly
the rows it trained on. A nightly version repeats most shards of the one before: those are referenced, not
written again, and a later erasure rewrites only the shards that hold a user's rows. Layout::

    <datasets_root>/<name>/shards/<shard>/data.parquet   one shard's rows, sorted by the key column
                                          data.jsonl     the same rows as canonical JSON lines (hashed)
                                          shard.json     its content hash, row count and file digests
    <datasets_root>/<name>/<version>/manifest.json       a published version: its shards in shard order, and
                                                         what, from which inputs, by which rules, and
                                                         its place in the dataset's history (`sequence`)
    <datasets_root>/.staging/<name>/<version>/manifest.json   a staged version, awaiting its audits
    <datasets_root>/<name>/<version>/withdrawal.json     a version an erasure withdrew: its rows are gone,
                                                         its manifest stays for the record

Shards and version folders appear only complete: each is written into a hidden temporary sibling and renamed
into place in one step. A shard is content, not a version: it is only read through a manifest, so a shard
whose staged version failed its audits is never seen by a consumer of published versions.

Nothing written here holds a wall-clock time: the same nights on the same input give the same bytes. A
version's place in time is its ``sequence`` (1 for a dataset's first version, then one more than the
versions stored when it was written); when it was written is its manifest file's modification time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

from feedback_platform.lib.atomic_files import write_file_atomically
from feedback_platform.lib.batching import consecutive_groups
from feedback_platform.lib.hashing import canonical_json, canonical_json_rows, file_sha256

VERSION_HEX_CHARS = 16
"""Length of version and shard ids: the prefix of their content hash."""
DATASET_WRITER_VERSION = "2.0.0"
"""The code version of the writing and hashing here: bump it when a change would give other bytes or ids."""
DATA_PARQUET = "data.parquet"
DATA_JSONL = "data.jsonl"
MANIFEST = "manifest.json"
WITHDRAWAL = "withdrawal.json"
"""Beside a withdrawn version's manifest: which erasure withdrew it, why, when, and what replaced it."""
SHARD_MANIFEST = "shard.json"
SHARDS_DIR = "shards"
STAGING_DIR = ".staging"
WHOLE_VERSION = "all"
"""The shard value of a version written without a shard column (one shard), or without any row."""

TEMP_PREFIX = ".tmp-"
"""Names a folder a writer fills before renaming it into place; one left behind is a killed writer's."""

JSONL_CHUNK_ROWS = 10_000
"""Rows serialised and written at a time, so a shard's canonical lines are never in memory whole."""
_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

# Parquet settings pinned here rather than left to Polars' defaults, so that a change of default cannot
# change the bytes of a shard. The file also records the Polars version ("created_by"), so byte equality
# holds within one Polars build; the ids themselves come from the canonical JSON and never depend on it.
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "statistics": True,
    "row_group_size": 100_000,
}


class VersionWithdrawnError(LookupError):
    """The rows of a version that an erasure withdrew were asked for."""


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
    """Rows this write serialised to canonical JSON; the others' lines came from the reference version."""
    shards_written: int
    """Shards this write stored; the others were already in the store."""


def dataset_schema(rows: pl.DataFrame) -> dict[str, str]:
    """Column name to Polars type string, in column order."""
    return {column: str(dtype) for column, dtype in rows.schema.items()}


def shards_of(rows: pl.DataFrame, shard_column: str | None) -> list[pl.DataFrame]:
    """``rows`` split into the frames :func:`write_dataset_version` takes: one per value of ``shard_column``,
    or the whole frame when there is no shard column or no row."""
    if shard_column is None or rows.height == 0:
        return [rows]
    return rows.partition_by(shard_column, maintain_order=True)


def _shard_value(rows: pl.DataFrame, shard_column: str | None) -> str:
    if shard_column is None:
        return WHOLE_VERSION
    if shard_column not in rows.columns:
        raise ValueError(f"shard column {shard_column!r} is not a column of the rows: {rows.columns}")
    values = rows.get_column(shard_column)
    if values.null_count():
        raise ValueError(f"shard column {shard_column!r} has null values")
    distinct = values.unique().sort()
    if distinct.len() != 1:
        raise ValueError(f"a shard holds one value of {shard_column!r}, not {distinct.to_list()}")
    return str(distinct[0])


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
    return "".join(line + "\n" for line in canonical_json_rows(rows)).encode("utf-8")


def _identical_row_positions(
    rows: pl.DataFrame, reference: pl.DataFrame | pl.LazyFrame, key_column: str
) -> pl.Series:
    """For each row of ``rows``, the position in ``reference`` of the row with the same key and the same
    content, or null: what a later shard can take over from an earlier one (its canonical line).

    Rows are compared by key and by a hash over every column, both frames hashed in this process; a
    reference of another schema holds no identical row. A lazy reference (a stored shard's Parquet file,
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


def _rows_fingerprint(canonical: pl.DataFrame) -> str:
    """A digest of canonical rows (schema and values, in key order) by Polars' row hash.

    Far cheaper than serialising the rows, so a write recognises a shard unchanged since the reference
    version without serialising it or reading the stored one. Polars' hash is stable only within one Polars
    version, so the digest names that version and is only ever compared, never used as an identity.
    """
    digest = hashlib.sha256(f"polars {pl.__version__}\n".encode())
    digest.update(_hash_header(dataset_schema(canonical)))
    digest.update(canonical.hash_rows(seed=0).to_numpy().tobytes())
    return digest.hexdigest()


def _canonical_line_chunks(
    canonical: pl.DataFrame, key_column: str, reference: Path | None
) -> Iterator[tuple[bytes, int]]:
    """The canonical lines of ``canonical`` (sorted by key), :data:`JSONL_CHUNK_ROWS` rows at a time, each
    chunk with how many of its rows were serialised; a row's line is taken from the stored shard
    ``reference`` (verified intact) when that shard holds the identical row.

    Serialising a row in Python costs far more than comparing frames, and a changed shard repeats most rows
    of the one it replaces: this serialises only the rows that are new or changed.
    """
    reference_lines = _reusable_lines(reference)
    if reference_lines is None:
        for offset in range(0, canonical.height, JSONL_CHUNK_ROWS):
            chunk = canonical.slice(offset, JSONL_CHUNK_ROWS)
            yield _canonical_jsonl(chunk), chunk.height
        return
    reference_rows, stored_lines = reference_lines
    positions = _identical_row_positions(canonical, reference_rows, key_column)
    for offset in range(0, canonical.height, JSONL_CHUNK_ROWS):
        chunk_positions = positions.slice(offset, JSONL_CHUNK_ROWS)
        chunk = canonical.slice(offset, JSONL_CHUNK_ROWS).filter(chunk_positions.is_null())
        fresh = iter(_lines(_canonical_jsonl(chunk)))
        reused = iter(stored_lines.take(chunk_positions.drop_nulls().to_list()))
        jsonl = b"".join(next(fresh) if line is None else next(reused) for line in chunk_positions.to_list())
        yield jsonl, chunk.height


@dataclass(frozen=True)
class _HashedLines:
    content_hash: str
    """SHA-256 of the schema header and the lines: the shard's identity."""
    file_sha256: str
    """SHA-256 of the lines alone: the digest of the ``data.jsonl`` that holds them."""
    serialised_rows: int


def _hash_lines(
    header: bytes, chunks: Iterable[tuple[bytes, int]], out: BinaryIO | None = None
) -> _HashedLines:
    """Both digests of the chunks' lines (:class:`_HashedLines`) in one pass; the lines go to ``out`` as
    well when given."""
    content, file = hashlib.sha256(header), hashlib.sha256()
    serialised = 0
    for lines, serialised_rows in chunks:
        content.update(lines)
        file.update(lines)
        if out is not None:
            out.write(lines)
        serialised += serialised_rows
    return _HashedLines(content.hexdigest(), file.hexdigest(), serialised)


def _lines(jsonl: bytes) -> list[bytes]:
    """The lines of canonical JSONL, each with its newline (JSON escapes every other line break)."""
    return [line + b"\n" for line in jsonl.split(b"\n")[:-1]]


def _reusable_lines(shard_dir: Path | None) -> tuple[pl.LazyFrame, _StoredLines] | None:
    """The rows of a stored shard (verified intact by the caller), scanned, and its canonical lines."""
    if shard_dir is None:
        return None
    rows, lines = pl.scan_parquet(shard_dir / DATA_PARQUET), _StoredLines(shard_dir / DATA_JSONL)
    return (rows, lines) if len(lines) == rows.select(pl.len()).collect().item() else None


class _StoredLines:
    """The canonical lines of a stored shard, read from its file when asked for, not held in memory.

    Rows reused by a later shard come in key order, as the lines are stored, so the chunks of a write read
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


def _hash_header(schema: dict[str, str]) -> bytes:
    return canonical_json([[column, dtype] for column, dtype in schema.items()]).encode("utf-8") + b"\n"


def _version_hash(schema: dict[str, str], shards: Sequence[dict[str, Any]]) -> str:
    """SHA-256 of the schema and each shard's value and content hash, in shard order."""
    listing = "".join(f"{shard['value']}\t{shard['content_hash']}\n" for shard in shards)
    return hashlib.sha256(_hash_header(schema) + listing.encode("utf-8")).hexdigest()


def content_hash(rows: pl.DataFrame, key_column: str, shard_column: str | None = None) -> str:
    """The content hash a version of ``rows`` gets (see :func:`write_dataset_version`), computed without
    writing anything."""
    schema, shards = dataset_schema(rows), []
    for part in shards_of(rows, shard_column):
        if part.height or not shards:
            canonical = _canonical_rows(part, key_column)
            hashed = _hash_lines(_hash_header(schema), _canonical_line_chunks(canonical, key_column, None))
            shards.append(
                {"value": _shard_value_or_whole(part, shard_column), "content_hash": hashed.content_hash}
            )
    return _version_hash(schema, sorted(shards, key=lambda shard: shard["value"]))


def _shard_value_or_whole(rows: pl.DataFrame, shard_column: str | None) -> str:
    return _shard_value(rows, shard_column) if rows.height else WHOLE_VERSION


def version_problems(datasets_root: Path, name: str, version: str, *, staged: bool = False) -> list[str]:
    """What does not hold of a stored version (empty when it is intact): every shard it lists is stored with
    the file digests the manifest recorded and its canonical rows hash to its content hash, the shards' hashes
    give the version's content hash, and the version id is that hash's prefix.

    Files are hashed in chunks as bytes, never parsed into rows: verifying a version costs a read of its
    files, whatever its size, and each Parquet file is checked byte for byte against what was written.
    Shards are hashed on every core (hashlib lets go of the GIL): a 30-day version took half the time.
    """
    manifest = read_manifest(datasets_root, name, version, staged=staged)
    schema_header = _hash_header(manifest["schema"])
    shards = list(_stored_shards(datasets_root, name, manifest, staged=staged))
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        found = pool.map(lambda stored: _shard_entry_problems(stored[1], stored[0], schema_header), shards)
        problems = [
            f"shard {shard['shard']} ({shard['value']}): {problem}"
            for (shard, _), shard_problems in zip(shards, found, strict=True)
            for problem in shard_problems
        ]
    sharded = "shards" in manifest
    if sharded and _version_hash(manifest["schema"], manifest["shards"]) != manifest["content_hash"]:
        problems.append("the shards do not hash to the manifest's content hash")
    if not manifest["content_hash"].startswith(version):
        problems.append(f"the content hash {manifest['content_hash']} does not start with the version id")
    return problems


def _shard_entry_problems(shard_dir: Path, shard: dict[str, Any], schema_header: bytes) -> list[str]:
    lines = _stored_lines_digests(shard_dir / DATA_JSONL, schema_header)
    digests = {
        file_name: lines.file_sha256
        if lines and file_name == DATA_JSONL
        else _file_digest(shard_dir / file_name)
        for file_name in shard["files"]
    }
    problems = [
        f"{file_name} does not have the digest the manifest recorded"
        for file_name, digest in shard["files"].items()
        if digests[file_name] != digest
    ]
    if lines is None or lines.content_hash != shard["content_hash"]:
        problems.append("the rows do not hash to the shard's content hash")
    if not shard["content_hash"].startswith(shard["shard"]):
        problems.append("the content hash does not start with the shard id")
    return problems


def _shard_problems(shard_dir: Path) -> list[str]:
    """What does not hold of a stored shard against its own ``shard.json``."""
    if not (shard_dir / SHARD_MANIFEST).exists():
        return [f"{shard_dir} has no {SHARD_MANIFEST}"]
    shard = json.loads((shard_dir / SHARD_MANIFEST).read_text(encoding="utf-8"))
    if shard.get("writer_version") != DATASET_WRITER_VERSION:
        return [f"{shard_dir} was written by writer {shard.get('writer_version')}"]
    return _shard_entry_problems(shard_dir, shard, _hash_header(shard["schema"]))


def _file_digest(path: Path) -> str | None:
    """SHA-256 of the file's bytes, or None when the file is missing."""
    return file_sha256(path) if path.exists() else None


def _stored_lines_digests(path: Path, schema_header: bytes) -> _HashedLines | None:
    """Both digests of a stored ``data.jsonl``, from one read of it (the largest file of a shard, read
    whenever a shard is verified); None when the file is missing."""
    if not path.exists():
        return None

    def blocks() -> Iterator[tuple[bytes, int]]:
        with path.open("rb") as file:
            while block := file.read(1 << 20):
                yield block, 0

    return _hash_lines(schema_header, blocks())


def _fsync_directory_files(directory: Path) -> None:
    # Without this, a power cut soon after the rename could leave a complete-looking folder with empty files.
    for path in (*directory.iterdir(), directory):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def version_dir(datasets_root: Path, name: str, version: str, *, staged: bool = False) -> Path:
    """The folder of a version's manifest: published, or in staging when ``staged``."""
    if not _NAME_PATTERN.match(version):
        raise ValueError(f"not a valid dataset version: {version!r}")
    root = Path(datasets_root) / STAGING_DIR if staged else Path(datasets_root)
    return _dataset_dir(root, name) / version


def _dataset_dir(datasets_root: Path, name: str) -> Path:
    if not _NAME_PATTERN.match(name):
        raise ValueError(f"not a valid dataset name: {name!r}")
    return Path(datasets_root) / name


def shards_dir_of(datasets_root: Path, name: str) -> Path:
    """Where the shards of dataset ``name`` are stored, for its staged and published versions alike."""
    return _dataset_dir(datasets_root, name) / SHARDS_DIR


def stored_versions(datasets_root: Path, name: str, *, staged: bool = False) -> list[str]:
    """The ids of the versions of dataset ``name`` with a stored manifest, published (or in staging when
    ``staged``), sorted; hidden folders (a writer's temporary ones) are not versions."""
    root = Path(datasets_root) / STAGING_DIR if staged else Path(datasets_root)
    folder = _dataset_dir(root, name)
    if not folder.is_dir():
        return []
    return sorted(
        child.name
        for child in folder.iterdir()
        if child.is_dir() and not child.name.startswith(".") and (child / MANIFEST).exists()
    )


def next_sequence(datasets_root: Path, name: str) -> int:
    """The ``sequence`` of a version of ``name`` written now: one more than its published versions."""
    return len(stored_versions(datasets_root, name)) + 1


def read_manifest(datasets_root: Path, name: str, version: str, *, staged: bool = False) -> dict[str, Any]:
    """The manifest of a stored version."""
    path = version_dir(datasets_root, name, version, staged=staged) / MANIFEST
    if not path.exists():
        area = "staged" if staged else "published"
        raise FileNotFoundError(f"no {area} version {version} of dataset {name} under {datasets_root}")
    return json.loads(path.read_text(encoding="utf-8"))


def read_withdrawal(datasets_root: Path, name: str, version: str) -> dict[str, Any] | None:
    """The withdrawal record of a published version, or None while it stands."""
    path = version_dir(datasets_root, name, version) / WITHDRAWAL
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def withdraw_version(datasets_root: Path, name: str, version: str, withdrawal: dict[str, Any]) -> None:
    """Record ``withdrawal`` beside the version's manifest, once (a second withdrawal keeps the first), and
    delete the row files a version written before shards keeps in its own folder. Shards are shared between
    versions, so the caller removes those no standing version lists."""
    folder = version_dir(datasets_root, name, version)
    if not (folder / MANIFEST).exists():
        raise FileNotFoundError(f"no published version {version} of dataset {name} under {datasets_root}")
    if not (folder / WITHDRAWAL).exists():
        text = json.dumps(withdrawal, indent=2, sort_keys=True) + "\n"
        write_file_atomically(
            folder / WITHDRAWAL, lambda path: path.write_text(text, encoding="utf-8"), overwrite=False
        )
    for path in folder.iterdir():
        if path.is_file() and path.name not in (MANIFEST, WITHDRAWAL):
            path.unlink()


def require_standing(datasets_root: Path, name: str, version: str, staged: bool = False) -> None:
    """:class:`VersionWithdrawnError`, naming the erasure and the replacement, if an erasure withdrew the
    version."""
    withdrawal = None if staged else read_withdrawal(datasets_root, name, version)
    if withdrawal is not None:
        raise VersionWithdrawnError(withdrawal_message(name, version, withdrawal))


def erasure_requested_at(withdrawal: dict[str, Any]) -> str:
    """When the erasure that withdrew a version was requested (ISO text). Withdrawals recorded before
    this field hold the time they were carried out instead (``withdrawn_at``)."""
    return withdrawal.get("erasure_requested_at") or withdrawal["withdrawn_at"]


def withdrawal_message(name: str, version: str, withdrawal: dict[str, Any]) -> str:
    """What a consumer asking for a withdrawn version is told: which erasure, when, and what to use."""
    message = (
        f"dataset {name} version {version} was withdrawn by erasure {withdrawal['erasure_id']}, requested"
        f" {erasure_requested_at(withdrawal)[:10]} ({withdrawal['reason']}); its rows are deleted"
    )
    replacement = withdrawal.get("replaced_by")
    return message + (f": use {name}@{replacement}, latest after the erasure" if replacement else "")


def shard_ids(manifest: dict[str, Any]) -> list[str]:
    """The ids of a version's shards, in shard order (a version written before shards: its own id)."""
    return [shard["shard"] for shard in manifest["shards"]] if "shards" in manifest else [manifest["version"]]


def shard_groups(manifest: dict[str, Any], max_rows: int) -> list[list[str]]:
    """A version's shard ids in shard order, grouped into runs of consecutive shards of at most ``max_rows``
    rows together (a larger shard alone): what a reader bounded by ``max_rows`` reads at a time."""
    return consecutive_groups(shard_ids(manifest), shard_rows(manifest), max_rows)


def shards_by_value(manifest: dict[str, Any]) -> dict[str, str]:
    """Shard value (the date its rows share) → shard id, in shard order (a version written before shards:
    one whole shard, its own id)."""
    if "shards" not in manifest:
        return {WHOLE_VERSION: manifest["version"]}
    return {shard["value"]: shard["shard"] for shard in manifest["shards"]}


def shard_rows(manifest: dict[str, Any]) -> list[int]:
    """The row counts of a version's shards, in shard order (a version written before shards: its own)."""
    return (
        [shard["row_count"] for shard in manifest["shards"]]
        if "shards" in manifest
        else [manifest["row_count"]]
    )


def _stored_shards(
    datasets_root: Path, name: str, manifest: dict[str, Any], *, staged: bool
) -> list[tuple[dict[str, Any], Path]]:
    """Each shard entry of a version, with the folder that holds its files.

    A version written before shards (writer 1.x: its files in its own folder, its content hash theirs) is
    read as one shard, so versions that training runs pinned before stay readable and verifiable.
    """
    if "shards" in manifest:
        shards_dir = shards_dir_of(datasets_root, name)
        return [(shard, shards_dir / shard["shard"]) for shard in manifest["shards"]]
    whole = {key: manifest[key] for key in ("content_hash", "row_count", "files")}
    folder = version_dir(datasets_root, name, manifest["version"], staged=staged)
    return [({"value": WHOLE_VERSION, "shard": manifest["version"], **whole}, folder)]


def _existing(
    datasets_root: Path, name: str, version: str, expected_hash: str, *, staged: bool
) -> dict[str, Any]:
    manifest = read_manifest(datasets_root, name, version, staged=staged)
    if manifest["content_hash"] != expected_hash:
        raise RuntimeError(
            f"dataset {name} version {version} exists with content hash {manifest['content_hash']}, "
            f"not {expected_hash}: a version id collision, or the store was altered by hand"
        )
    return manifest


@dataclass(frozen=True)
class _StoredShard:
    entry: dict[str, Any]
    """The shard's line in a version manifest (without its value)."""
    serialised_rows: int
    written: bool


def _reference_shards(datasets_root: Path, name: str, version: str | None) -> dict[str, dict[str, Any]]:
    """Shard value → shard entry of the published ``version``, when it was written by this writer."""
    if version is None:
        return {}
    manifest = read_manifest(datasets_root, name, version)
    if manifest.get("writer_version") != DATASET_WRITER_VERSION:
        return {}
    return {shard["value"]: shard for shard in manifest["shards"]}


def _store_shard(
    canonical: pl.DataFrame,
    *,
    schema: dict[str, str],
    shards_dir: Path,
    key_column: str,
    reference: dict[str, Any] | None,
) -> _StoredShard:
    """Store the rows of one shard, unless the store holds them already; its manifest entry.

    The reference version's shard for the same value is verified by its file digests first (whatever the
    cost, a damaged shard is never taken over). When the rows fingerprint as that shard's, it is that
    shard: nothing is serialised or written. Otherwise the canonical lines are computed (reusing the
    reference shard's lines of identical rows) and hashed, and the shard is written unless a shard of that
    content is already stored.
    """
    fingerprint = _rows_fingerprint(canonical)
    header = _hash_header(schema)
    lines_from = None
    if reference is not None and not _shard_entry_problems(
        shards_dir / reference["shard"], reference, header
    ):
        if reference["rows_fingerprint"] == fingerprint:
            return _StoredShard(entry=_entry(reference), serialised_rows=0, written=False)
        lines_from = shards_dir / reference["shard"]
    shards_dir.mkdir(parents=True, exist_ok=True)
    temp_dir = shards_dir / f"{TEMP_PREFIX}{uuid.uuid4().hex}"
    temp_dir.mkdir()
    try:
        with (temp_dir / DATA_JSONL).open("wb") as jsonl:
            hashed = _hash_lines(header, _canonical_line_chunks(canonical, key_column, lines_from), jsonl)
        full_hash, serialised = hashed.content_hash, hashed.serialised_rows
        final_dir = shards_dir / full_hash[:VERSION_HEX_CHARS]
        if not final_dir.exists():
            canonical.write_parquet(temp_dir / DATA_PARQUET, **PARQUET_OPTIONS)
            shard = {
                "shard": final_dir.name,
                "content_hash": full_hash,
                "row_count": canonical.height,
                "rows_fingerprint": fingerprint,
                "writer_version": DATASET_WRITER_VERSION,
                "schema": schema,
                "files": {
                    DATA_PARQUET: file_sha256(temp_dir / DATA_PARQUET),
                    DATA_JSONL: hashed.file_sha256,
                },
            }
            (temp_dir / SHARD_MANIFEST).write_text(json.dumps(shard, indent=2) + "\n", encoding="utf-8")
            _fsync_directory_files(temp_dir)
            if _renamed(temp_dir, final_dir):
                return _StoredShard(entry=_entry(shard), serialised_rows=serialised, written=True)
        shutil.rmtree(temp_dir, ignore_errors=True)
    except BaseException:
        shutil.rmtree(temp_dir, ignore_errors=True)
        raise
    return _StoredShard(
        entry=_verified_existing_shard(final_dir, full_hash, fingerprint),
        serialised_rows=serialised,
        written=False,
    )


def _renamed(temp_dir: Path, final_dir: Path) -> bool:
    """Rename ``temp_dir`` to ``final_dir``; False when another writer stored the same content first."""
    try:
        temp_dir.rename(final_dir)
    except OSError:
        if not final_dir.exists():
            raise
        return False
    return True


def _verified_existing_shard(shard_dir: Path, full_hash: str, fingerprint: str) -> dict[str, Any]:
    """The entry of a shard already stored with the content hash ``full_hash``, after checking its files."""
    problems = _shard_problems(shard_dir)
    if problems:
        raise RuntimeError(f"stored shard {shard_dir} is damaged: {'; '.join(problems)}")
    shard = json.loads((shard_dir / SHARD_MANIFEST).read_text(encoding="utf-8"))
    if shard["content_hash"] != full_hash:
        raise RuntimeError(
            f"shard {shard_dir} exists with content hash {shard['content_hash']}, not {full_hash}: "
            "a shard id collision, or the store was altered by hand"
        )
    return _entry({**shard, "rows_fingerprint": fingerprint})


def _entry(shard: dict[str, Any]) -> dict[str, Any]:
    return {key: shard[key] for key in ("shard", "content_hash", "row_count", "rows_fingerprint", "files")}


def write_dataset_version(
    rows: pl.DataFrame | Iterable[pl.DataFrame],
    *,
    name: str,
    datasets_root: Path,
    rule_version: str,
    inputs: dict,
    key_column: str,
    shard_column: str | None = None,
    staged: bool = False,
    rules_sha256: str | None = None,
    code_version: dict[str, str | None] | None = None,
    upstream: dict[str, Any] | None = None,
    reuse_shards_of: str | None = None,
) -> DatasetVersion:
    """Store ``rows`` as a version of dataset ``name`` (in staging when ``staged``), or return the existing
    version with the same content.

    ``rows`` is a frame, or frames of one schema that each hold the rows of one value of ``shard_column``
    (as :func:`shards_of` splits a frame), so that a caller can stream a table a shard at a time. An empty
    frame only lends its schema. Each shard's content hash is SHA-256 over the schema and
    its rows sorted by ``key_column`` (unique and non-null across the version) as canonical JSON; the
    version's content hash is SHA-256 over the schema and its shards' values and hashes in value order, and
    the version id its first 16 hex characters. Row order therefore does not matter.

    ``rule_version``, ``rules_sha256`` (the curation rules file's hash) and ``inputs`` describe how the rows
    were made; they go into the manifest (the first two also as ``rules``: ``{"version", "sha256"}``) but not
    into the hash, so when the same content is written again the existing version and its first manifest are
    returned unchanged (``created=False``). So do ``code_version`` (the versions of the code that made the
    rows) and ``upstream`` (the data versions read, see ``feedback_platform.defs.datasets.provenance``).
    ``reuse_shards_of``, a published version (say the latest), lends its shards: a shard whose rows are
    unchanged is that version's shard, and a changed one reuses the canonical lines of its unchanged rows.
    The bytes and ids are the same with or without it.
    """
    shards_dir = shards_dir_of(datasets_root, name)
    reference = _reference_shards(datasets_root, name, reuse_shards_of)
    schema: dict[str, str] | None = None
    empty: pl.DataFrame | None = None
    entries: dict[str, dict[str, Any]] = {}
    keys: list[pl.Series] = []
    serialised_rows = shards_written = 0
    for shard_rows in shards_of(rows, shard_column) if isinstance(rows, pl.DataFrame) else rows:
        if schema is None:
            schema, empty = dataset_schema(shard_rows), shard_rows.clear()
        elif dataset_schema(shard_rows) != schema:
            raise ValueError(
                f"shards of dataset {name} differ in schema: {dataset_schema(shard_rows)} != {schema}"
            )
        if shard_rows.height == 0:
            continue
        value = _shard_value(shard_rows, shard_column)
        if value in entries:
            raise ValueError(f"dataset {name} was given two shards for {shard_column} = {value}")
        canonical = _canonical_rows(shard_rows, key_column)
        keys.append(canonical.get_column(key_column))
        stored = _store_shard(
            canonical,
            schema=schema,
            shards_dir=shards_dir,
            key_column=key_column,
            reference=reference.get(value),
        )
        entries[value] = stored.entry
        serialised_rows += stored.serialised_rows
        shards_written += stored.written
    if schema is None or empty is None:
        raise ValueError(f"dataset {name} was given no rows and no schema: pass at least an empty frame")
    if not entries:
        stored = _store_shard(
            empty, schema=schema, shards_dir=shards_dir, key_column=key_column, reference=None
        )
        entries[WHOLE_VERSION] = stored.entry
        shards_written += stored.written
    _require_unique_keys(keys, key_column)
    listed = [{"value": value, **entries[value]} for value in sorted(entries)]
    full_hash = _version_hash(schema, listed)
    version = full_hash[:VERSION_HEX_CHARS]
    manifest = {
        "name": name,
        "version": version,
        "content_hash": full_hash,
        "row_count": sum(shard["row_count"] for shard in listed),
        "key_column": key_column,
        "shard_column": shard_column,
        "writer_version": DATASET_WRITER_VERSION,
        "schema": schema,
        "rule_version": rule_version,
        "rules": {"version": rule_version, "sha256": rules_sha256},
        "inputs": inputs,
        "code_version": code_version or {},
        "upstream": upstream or {},
        "shards": listed,
        "sequence": next_sequence(datasets_root, name),
    }
    stored_manifest, created = _write_manifest(datasets_root, name, version, manifest, staged=staged)
    return DatasetVersion(
        name=name,
        version=version,
        content_hash=full_hash,
        row_count=manifest["row_count"],
        path=version_dir(datasets_root, name, version, staged=staged),
        manifest=stored_manifest,
        created=created,
        serialised_rows=serialised_rows,
        shards_written=shards_written,
    )


def _require_unique_keys(keys: list[pl.Series], key_column: str) -> None:
    all_keys = pl.concat(keys) if keys else pl.Series(key_column, [], dtype=pl.String)
    if all_keys.n_unique() != all_keys.len():
        raise ValueError(f"key column {key_column!r} has duplicate values across shards")


def _write_manifest(
    datasets_root: Path, name: str, version: str, manifest: dict[str, Any], *, staged: bool
) -> tuple[dict[str, Any], bool]:
    """Write a version's manifest into its folder in one rename; the manifest stored and whether it was
    written. A version that already exists keeps its manifest (its content hash must be the same)."""
    final_dir = version_dir(datasets_root, name, version, staged=staged)
    if final_dir.exists():
        return _existing(datasets_root, name, version, manifest["content_hash"], staged=staged), False
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    temp_dir = final_dir.parent / f"{TEMP_PREFIX}{uuid.uuid4().hex}"
    temp_dir.mkdir()
    try:
        # Key order as built (schema in column order), not sorted.
        text = json.dumps(manifest, indent=2, ensure_ascii=False, default=str)
        (temp_dir / MANIFEST).write_text(text + "\n", encoding="utf-8")
        _fsync_directory_files(temp_dir)
        if _renamed(temp_dir, final_dir):
            return json.loads(text), True
        shutil.rmtree(temp_dir, ignore_errors=True)
    except BaseException:
        shutil.rmtree(temp_dir, ignore_errors=True)
        raise
    return _existing(datasets_root, name, version, manifest["content_hash"], staged=staged), False


def shard_paths(
    datasets_root: Path,
    name: str,
    manifest: dict[str, Any],
    only: Collection[str] | None = None,
    *,
    staged: bool = False,
) -> list[Path]:
    """The Parquet files of a version's shards in shard order; only the shards whose ids are in ``only``."""
    return [
        folder / DATA_PARQUET
        for shard, folder in _stored_shards(datasets_root, name, manifest, staged=staged)
        if only is None or shard["shard"] in only
    ]


def read_dataset_version(
    datasets_root: Path,
    name: str,
    version: str,
    columns: Sequence[str] | None = None,
    *,
    staged: bool = False,
    only_shards: Collection[str] | None = None,
) -> pl.DataFrame:
    """The rows of a stored version, shard by shard, each sorted by the key column; only ``columns`` when
    given, and only the shards of ``only_shards`` when given."""
    require_standing(datasets_root, name, version, staged)
    manifest = read_manifest(datasets_root, name, version, staged=staged)
    selected = shard_paths(datasets_root, name, manifest, only_shards, staged=staged)
    # With no shard selected, the first shard (a version has at least one) lends the columns' types.
    paths = selected or shard_paths(datasets_root, name, manifest, staged=staged)[:1]
    rows = pl.read_parquet(
        paths, columns=list(columns) if columns is not None else None, hive_partitioning=False
    )
    return rows if selected else rows.clear()
