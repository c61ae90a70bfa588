"""The line an erasure leaves in a landing file in place of each line it removes.

Replacing a line rather than deleting it keeps every other line's number, so the lineage of other rows
(file and line) still resolves. The tombstone names the erasure and nothing else; ingest quarantines it with
a reason that says so, and the erasure itself writes that same quarantined row, so the tables after an
erasure are what a fresh ingest of the rewritten files gives.
"""

import json
import re

import polars as pl

_FIELD = "erased"
_PATTERN = r'^\{"erased":"(er-[0-9a-f]{12})"\}$'
_REASON_PREFIX = "erased by "


def tombstone_line(erasure_id: str) -> str:
    """The JSON line (without its newline) that stands in for an erased line."""
    if not re.match(_PATTERN, json.dumps({_FIELD: erasure_id}, separators=(",", ":"))):
        raise ValueError(f"not an erasure id: {erasure_id!r}")
    return json.dumps({_FIELD: erasure_id}, separators=(",", ":"))


def tombstone_reason(erasure_id: str) -> str:
    """The quarantine reason of a tombstone line."""
    return f"{_REASON_PREFIX}{erasure_id}"


def tombstone_reason_expr(raw_line: pl.Expr) -> pl.Expr:
    """The quarantine reason of each line that is a tombstone, else null."""
    erasure = raw_line.str.extract(_PATTERN, 1)
    return pl.when(erasure.is_not_null()).then(pl.lit(_REASON_PREFIX) + erasure)
