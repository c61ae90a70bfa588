"""Canonical content hashing: stable ids for dataset rows and stable version ids for datasets.

Polars' own ``Expr.hash`` is only stable within one Polars version, so anything that is persisted (row ids,
prompt ids, dataset versions) is SHA-256 over a canonical text form instead: an upgrade of Polars must not
change the id of a single example.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

ROW_ID_HEX_CHARS = 32
"""Length of row ids (example_id, pair_id, prompt_id): 128 bits, far beyond any collision risk."""

_FIELD_SEPARATOR = "\x1f"  # ASCII unit separator: never part of an id


def sha256_hex(data: str | bytes) -> str:
    """The SHA-256 hex digest of text (UTF-8) or bytes."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def file_sha256(path: Path, prefix: bytes = b"") -> str:
    """SHA-256 hex digest of ``prefix`` followed by the file's bytes, read in chunks of 1 MiB."""
    digest = hashlib.sha256(prefix)
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _sha256_series(texts: pl.Series, length: int) -> pl.Series:
    # Hashing is inherently per value and Polars has no cryptographic hash, so this batch function is the one
    # place that touches values one by one; it runs inside the lazy chain (no extra collect).
    digests = [None if text is None else sha256_hex(text)[:length] for text in texts.to_list()]
    return pl.Series(texts.name, digests, dtype=pl.String)


def sha256_expr(text: pl.Expr, length: int = ROW_ID_HEX_CHARS) -> pl.Expr:
    """SHA-256 of a string expression, as the first ``length`` hex characters (null stays null)."""
    return text.map_batches(
        lambda texts: _sha256_series(texts, length), return_dtype=pl.String, is_elementwise=True
    )


def row_id_expr(kind: str, *parts: pl.Expr) -> pl.Expr:
    """A deterministic row id: SHA-256 of the row kind and the id columns that define the row.

    Each part is a string expression; pass lists of ids through :func:`id_list` first. Parts are joined with a
    separator that never occurs in ids, so different combinations cannot produce the same text.
    """
    texts = [part.cast(pl.String).fill_null("") for part in parts]
    return sha256_expr(pl.concat_str([pl.lit(kind), *texts], separator=_FIELD_SEPARATOR))


def id_list(ids: pl.Expr) -> pl.Expr:
    """The text form of a list of ids inside a row id: sorted and comma-joined, so gathering order is moot."""
    return ids.list.sort().list.join(",")


def canonical_value(value: Any) -> Any:
    """Convert a Python value (as produced by Polars' ``iter_rows``) into plain, canonical JSON data.

    Floats use Python's shortest round-trip ``repr`` (what ``json`` emits), so the same float always gives the
    same text; NaN and infinities, which JSON cannot hold, become strings. Temporal values become ISO-8601.
    Dict keys are sorted by ``json.dumps(sort_keys=True)``. Unknown types raise ``TypeError`` rather than
    being hashed through an unstable ``str()``.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Mapping):
        return {str(key): canonical_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_value(item) for item in value]
    raise TypeError(f"cannot serialise a value of type {type(value).__name__} canonically")


def canonical_json(value: Any) -> str:
    """One-line JSON with sorted keys, no insignificant whitespace and non-ASCII kept as is."""
    return _dumps(canonical_value(value))


def canonical_json_rows(rows: pl.DataFrame) -> Iterator[str]:
    """:func:`canonical_json` of each row of ``rows`` (a dict of its columns), in order.

    The same text, faster: only the columns whose type can hold a value JSON does not take as it is (a float,
    a date, bytes ..., at any depth) go through :func:`canonical_value`; strings, integers, booleans and lists
    and structs of them go to the C JSON encoder unchanged. Serialising the rows of a dataset shard is the
    one per-row pass in Python of a dataset write, and the recursion was most of it."""
    converted = [name for name, dtype in rows.schema.items() if not _json_native(dtype)]
    for row in rows.iter_rows(named=True):
        for name in converted:
            row[name] = canonical_value(row[name])
        yield _dumps(row)


def _json_native(dtype: pl.DataType) -> bool:
    """Whether every value of ``dtype`` comes out of Polars as data :func:`canonical_value` leaves as is."""
    if isinstance(dtype, pl.List | pl.Array):
        return _json_native(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return all(_json_native(field.dtype) for field in dtype.fields)
    return dtype == pl.String or dtype == pl.Boolean or dtype == pl.Null or dtype.is_integer()


def _dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
