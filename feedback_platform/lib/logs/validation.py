"""Turns one landing day of one stream into the typed `raw_<stream>` rows and the quarantined lines.

Each line is judged once, in three vectorised passes: Polars parses it as strict JSON (RFC 8259:
no NaN, no trailing commas; a key repeated in the top-level object quarantines the line rather than
keep its last value silently), DuckDB (in
memory, never the warehouse) applies the rules translated from the stream's JSON Schema
(`contract_sql`) and types the columns, and a grouping of the valid lines by event quarantines
later repeats. Every line read ends up in exactly one of the two tables, sorted by
(source_file, source_line), so a re-run gives identical tables.

Known differences from Python's `json` + `jsonschema` on the same line, all on the strict side: a
string with an unpaired UTF-16 surrogate escape, nesting deeper than 128 levels, and an integer
that a BIGINT column cannot hold are quarantined although the schema alone would accept them.
"""

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from feedback_platform.lib import warehouse
from feedback_platform.lib.logs.contract import (
    DEDUP_KEYS,
    FUTURE_TOLERANCE,
    STREAMS,
    content_columns,
    json_schema,
    quarantine_polars_schema,
    raw_polars_schema,
    resolved_schema,
)
from feedback_platform.lib.logs.contract_sql import validation_query
from feedback_platform.lib.logs.landing import (
    FileRead,
    count_landing_lines,
    landing_dates,
    landing_files,
    read_landing_lines,
)
from feedback_platform.lib.logs.tombstones import tombstone_reason_expr

__all__ = [
    "STREAMS",
    "ValidatedBatch",
    "count_landing_lines",
    "landing_dates",
    "landing_files",
    "validate_landing_day",
    "validate_lines",
]

_JSON_WHITESPACE = " \t\r\n"


@dataclass(frozen=True)
class ValidatedBatch:
    """One landing day of one stream: the rows kept and the lines quarantined."""

    rows: pl.DataFrame  # the raw_<stream> columns, in table order
    quarantined: pl.DataFrame  # the quarantined_rows columns
    lines_read: int  # always rows.height + quarantined.height
    files_read: tuple[FileRead, ...] = ()  # the landing files the lines came from, as read


def _parsed_lines(lines: pl.DataFrame) -> pl.DataFrame:
    """Adds `doc` (the line's JSON, normalised) and `parse_reason` (NULL for a JSON object line).

    Polars' JSON path match returns NULL for text that is not strict JSON; it also returns NULL for a
    bare `null` document, which is valid JSON but not an object. A line an erasure replaced
    (`tombstones.py`) is quarantined with the erasure's id as its reason. The streaming engine spreads the
    parse over all cores.
    """
    stripped = pl.col("raw_line").str.strip_chars(_JSON_WHITESPACE)
    return (
        lines.lazy()
        .with_row_index("line_index")
        .with_columns(doc=pl.col("raw_line").str.json_path_match("$"))
        .with_columns(
            parse_reason=pl.when(pl.col("read_error").is_not_null())
            .then(pl.col("read_error"))
            .when(tombstone_reason_expr(pl.col("raw_line")).is_not_null())
            .then(tombstone_reason_expr(pl.col("raw_line")))
            .when(stripped == "")
            .then(pl.lit("empty line"))
            .when(pl.col("doc").is_null() & (stripped != "null"))
            .then(pl.lit("invalid JSON"))
            .when(~stripped.str.starts_with("{"))
            .then(pl.lit("not a JSON object"))
        )
        .with_columns(doc=pl.when(pl.col("parse_reason").is_null()).then(pl.col("doc")))
        .collect(engine="streaming")
    )


def _with_repeated_keys_quarantined(parsed: pl.DataFrame, names: Collection[str]) -> pl.DataFrame:
    """`parsed`, with a parse reason for each JSON object line in which an object names a key twice, for the
    keys of `names` (the contract's property names, `_property_names`).

    Strict JSON parsers keep the last of two equal keys ("value": "down", "value": "up" reads "up"; an
    outcome's "name" given twice keeps the second), so the line would be kept with a value its producer may
    not have meant. A line is a candidate when one of `names` appears twice as a key in it (vectorised);
    each candidate is then parsed in Python with every pair kept, which tells a key repeated within one
    object from the same name in two objects. Candidates are rare, so the Python parse costs nothing on
    ordinary days; the count is one pass of one pattern over each line (an escaped quote inside a text never
    matches it).
    """
    valid = pl.col("parse_reason").is_null()
    keys = pl.col("raw_line").str.extract_all(
        rf'"(?:{"|".join(re.escape(name) for name in sorted(names))})"\s*:'
    )
    repeated = keys.list.n_unique() < keys.list.len()
    candidates = parsed.filter(valid & repeated)
    if candidates.is_empty():
        return parsed
    reasons = {
        index: reason
        for index, line in candidates.select("line_index", "raw_line").iter_rows()
        if (reason := _repeated_key_reason(line, names)) is not None
    }
    return parsed.with_columns(
        parse_reason=pl.coalesce(
            "parse_reason", pl.col("line_index").replace_strict(reasons, default=None, return_dtype=pl.String)
        )
    )


def _repeated_key_reason(line: str, names: Collection[str]) -> str | None:
    """Why the line is refused for a key of `names` that one of its objects names twice, else None: the
    top-level object's first, then a nested object's."""
    objects: list[list[tuple[str, Any]]] = []

    def keep_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        objects.append(pairs)  # inner objects complete first, the top-level object last
        return dict(pairs)

    try:
        json.loads(line, object_pairs_hook=keep_pairs)
    except ValueError:  # Python's json is laxer than Polars' on nothing that reaches here, but be safe
        return None
    if (key := _first_repeated(objects[-1], names)) is not None:
        return f"key '{key}' appears twice in the object"
    for pairs in objects[:-1]:
        if (key := _first_repeated(pairs, names)) is not None:
            return f"key '{key}' appears twice in a nested object"
    return None


def _first_repeated(pairs: list[tuple[str, Any]], names: Collection[str]) -> str | None:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen and key in names:
            return key
        seen.add(key)
    return None


def _property_names(schema: Any) -> set[str]:
    """The property names a (resolved) JSON Schema gives to the line's object and to the objects nested in it
    (in conditional rules too), but not to array items: every message names "role", so a name repeated across
    items is the rule there, and a per-item check would parse every line of the responses stream."""
    if isinstance(schema, list):
        return {name for item in schema for name in _property_names(item)}
    if not isinstance(schema, dict):
        return set()
    named = set(schema.get("properties", {}))
    return named | {
        name for key, value in schema.items() if key != "items" for name in _property_names(value)
    }


def _duplicate_reason(stream: str) -> pl.Expr:
    """Why a valid line repeats an earlier valid line of the batch (rows in line order), else NULL."""
    keys = list(DEDUP_KEYS[stream])
    valid = pl.col("contract_reason").is_null()
    same_event = [valid, *keys]
    first_at = pl.format("{}:{}", "source_file", "source_line").first().over(same_event)
    if len(keys) == 1:
        described = pl.format(f"duplicate {keys[0]} '{{}}'", keys[0])
    else:
        quoted = ", ".join("'{}'" for _ in keys)
        described = pl.format(f"duplicate ({', '.join(keys)}) ({quoted})", *keys)
    repeated = valid & (pl.int_range(pl.len()).over(same_event) > 0)
    return pl.when(repeated).then(pl.format("{} (first at {})", described, first_at))


def _future_reason(stream: str, landing_date: date) -> pl.Expr:
    """Why a line's event time lies past its landing day by more than `FUTURE_TOLERANCE`, else NULL.
    Counted from the landing day, not the wall clock, so a re-run judges the same lines the same way on
    any date. Like every contract reason it names the field and the rule, not the value."""
    limit = datetime.combine(landing_date + timedelta(days=1), time()) + FUTURE_TOLERANCE
    beyond = f"more than {FUTURE_TOLERANCE.days} day(s) after the end of its landing day {landing_date}"
    times = [name for name, kind in content_columns(stream).items() if kind == "TIMESTAMP"]
    return pl.coalesce(
        pl.lit(None, pl.String),
        *(pl.when(pl.col(name) >= limit).then(pl.lit(f"field '{name}' is {beyond}")) for name in times),
    )


def validate_lines(
    lines: pl.DataFrame, stream: str, landing_date: date, *, schema: Mapping[str, Any] | None = None
) -> ValidatedBatch:
    """Validate `lines` (source_file, source_line, raw_line, read_error) against the stream's contract.

    `schema` replaces the packaged JSON Schema (to try a contract change); the columns stay those of
    `raw_<stream>`. Of two repeats of an event, the one earlier in (source_file, source_line) is kept.
    """
    rows_schema = raw_polars_schema(stream)
    quarantine_schema = quarantine_polars_schema()
    contract = json_schema(stream) if schema is None else resolved_schema(dict(schema))
    query = validation_query(
        contract,
        content_columns(stream),
        "parsed_lines",
        keep=["line_index"],
    )
    if lines.is_empty():
        return ValidatedBatch(pl.DataFrame(schema=rows_schema), pl.DataFrame(schema=quarantine_schema), 0)
    parsed = _with_repeated_keys_quarantined(
        _parsed_lines(lines.sort("source_file", "source_line", maintain_order=True)),
        _property_names(contract),
    )
    with warehouse.connect() as con:
        # Only what the rules read crosses into DuckDB, as Arrow string views (no copy); the raw text
        # stays in Polars.
        needed = parsed.select("line_index", "parse_reason", "doc")
        con.register("parsed_lines", needed.to_arrow(compat_level=pl.CompatLevel.newest()))
        checked = con.sql(f"{query} ORDER BY line_index").pl()
    if not checked["line_index"].equals(parsed["line_index"]):
        raise RuntimeError("validated lines came back out of step with the lines read")
    judged = (
        pl.concat([parsed.select("source_file", "source_line", "raw_line"), checked], how="horizontal")
        .lazy()
        .with_columns(contract_reason=pl.coalesce("contract_reason", _future_reason(stream, landing_date)))
        .with_columns(reason=pl.coalesce("contract_reason", _duplicate_reason(stream)))
        .with_columns(landing_date=pl.lit(landing_date, pl.Date), stream=pl.lit(stream))
        .collect()
    )
    rows = judged.filter(pl.col("reason").is_null()).select(rows_schema.names()).cast(dict(rows_schema))
    quarantined = (
        judged.filter(pl.col("reason").is_not_null())
        .select(quarantine_schema.names())
        .cast(dict(quarantine_schema))
    )
    return ValidatedBatch(rows, quarantined, lines.height)


def validate_landing_day(landing_root: Path, stream: str, landing_date: date) -> ValidatedBatch:
    """Read and validate every log file of `stream` that landed on `landing_date`."""
    content_columns(stream)  # an unknown stream fails here, before any file is read
    lines, files_read = read_landing_lines(landing_root, landing_files(landing_root, stream, landing_date))
    return replace(validate_lines(lines, stream, landing_date), files_read=tuple(files_read))
