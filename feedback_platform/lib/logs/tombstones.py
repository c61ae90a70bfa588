"""The lines the platform leaves in a landing file in place of lines it must not keep.

- An erasure replaces each line of the erased user by `{"erased":"<erasure id>"}`.
- Raw-text retention replaces each quarantined line past its window by `{"expired":"raw text retention"}`:
  a broken line cannot be redacted, so its text goes whole.

Replacing a line rather than deleting it keeps every other line's number, so the lineage of other rows
(file and line) still resolves. A tombstone says why the line went and nothing else; ingest quarantines it
with a reason that says so, and the step that wrote it writes that same quarantined row, so the tables
afterwards are what a fresh ingest of the rewritten files gives.
"""

import json
import re

import polars as pl

_ERASED_PATTERN = r'^\{"erased":"(er-[0-9a-f]{12})"\}$'
_ERASED_REASON_PREFIX = "erased by "

EXPIRED_LINE = json.dumps({"expired": "raw text retention"}, separators=(",", ":"))
"""The line raw-text retention leaves in place of a quarantined line past its window."""
EXPIRED_REASON = "raw text past its retention window"


def tombstone_line(erasure_id: str) -> str:
    """The JSON line (without its newline) that stands in for an erased line."""
    line = json.dumps({"erased": erasure_id}, separators=(",", ":"))
    if not re.match(_ERASED_PATTERN, line):
        raise ValueError(f"not an erasure id: {erasure_id!r}")
    return line


def tombstone_reason(erasure_id: str) -> str:
    """The quarantine reason of an erasure's tombstone line."""
    return f"{_ERASED_REASON_PREFIX}{erasure_id}"


def tombstone_reason_expr(raw_line: pl.Expr) -> pl.Expr:
    """The quarantine reason of each line that is a tombstone of either kind, else null."""
    erasure = raw_line.str.extract(_ERASED_PATTERN, 1)
    return (
        pl.when(erasure.is_not_null())
        .then(pl.lit(_ERASED_REASON_PREFIX) + erasure)
        .when(raw_line == EXPIRED_LINE)
        .then(pl.lit(EXPIRED_REASON))
    )


def is_tombstone_sql(raw_line: str) -> str:
    """The SQL condition that the column `raw_line` holds a tombstone of either kind."""
    return f"(regexp_matches({raw_line}, '{_ERASED_PATTERN}') or {raw_line} = '{EXPIRED_LINE}')"
