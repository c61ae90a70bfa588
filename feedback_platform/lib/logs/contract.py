"""The raw-log contract: which streams exist, their JSON Schemas, and the raw tables they become.

The JSON Schemas in `schemas/` say what a valid log line is; the column types below say what the
`raw_<stream>` and `quarantined_rows` tables hold (docs/architecture.md). Validation is derived from
both, so editing a schema changes what is accepted and editing a column type changes what is stored.
"""

import json
from datetime import timedelta
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

import duckdb
import polars as pl
from duckdb.sqltypes import DuckDBPyType

from feedback_platform.lib.logs.schema_refs import SchemaReferenceError, inline_refs

STREAMS: tuple[str, ...] = ("responses", "feedback", "consent")

# Columns every raw row carries so that lineage reaches the raw log line.
LINEAGE_COLUMNS: MappingProxyType[str, str] = MappingProxyType(
    {"landing_date": "DATE", "source_file": "VARCHAR", "source_line": "BIGINT"}
)

# Columns taken from the log line, in table order, as DuckDB types. Each is a top-level property of the
# stream's JSON Schema with the same name.
_CONTENT_COLUMNS: dict[str, dict[str, str]] = {
    "responses": {
        "response_id": "VARCHAR",
        "conversation_id": "VARCHAR",
        "tenant_id": "VARCHAR",
        "user_id": "VARCHAR",
        "created_at": "TIMESTAMP",
        "model": "VARCHAR",
        "model_version": "VARCHAR",
        "prompt_version": "VARCHAR",
        "feature": "VARCHAR",
        "language": "VARCHAR",
        "messages": "STRUCT(role VARCHAR, content VARCHAR)[]",
        "retrieved_context": "STRUCT(doc_id VARCHAR, text VARCHAR, score DOUBLE)[]",
        "output": "VARCHAR",
        "latency_ms": "BIGINT",
    },
    "feedback": {
        "event_id": "VARCHAR",
        "response_id": "VARCHAR",
        "tenant_id": "VARCHAR",
        "user_id": "VARCHAR",
        "created_at": "TIMESTAMP",
        "signal": "VARCHAR",
        "value": "VARCHAR",
        "client": "VARCHAR",
    },
    "consent": {
        "user_id": "VARCHAR",
        "tenant_id": "VARCHAR",
        "created_at": "TIMESTAMP",
        "action": "VARCHAR",
    },
}

# What makes two lines of one landing day the same event: later repeats are quarantined.
DEDUP_KEYS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "responses": ("response_id",),
        "feedback": ("event_id",),
        "consent": ("user_id", "tenant_id", "created_at", "action"),
    }
)

FUTURE_TOLERANCE = timedelta(days=1)
"""How far past the end of its landing day an event's time may lie: producers' clocks drift and their days
end in other time zones. A later time is a broken clock or a forged line, and its line is quarantined: it
would sort after every real event and pass retention and recency windows it never lived through."""

QUARANTINE_COLUMNS: MappingProxyType[str, str] = MappingProxyType(
    {
        "stream": "VARCHAR",
        "landing_date": "DATE",
        "source_file": "VARCHAR",
        "source_line": "BIGINT",
        "reason": "VARCHAR",
        "raw_line": "VARCHAR",
    }
)

_POLARS_SCALARS: dict[str, pl.DataType] = {
    "varchar": pl.String(),
    "bigint": pl.Int64(),
    "double": pl.Float64(),
    "date": pl.Date(),
    "timestamp": pl.Datetime("us"),  # naive, holding UTC
}


class UnknownStreamError(ValueError):
    """A stream name that is not one of STREAMS."""


def _require_stream(stream: str) -> None:
    if stream not in STREAMS:
        raise UnknownStreamError(f"unknown stream {stream!r}; expected one of {', '.join(STREAMS)}")


@cache
def _document_text(file_name: str) -> str:
    return (files("feedback_platform.lib.logs") / "schemas" / file_name).read_text("utf-8")


def _document(file_name: str) -> dict[str, Any]:
    """A schema document of the contract as written, by file name ("common.schema.json")."""
    try:
        return json.loads(_document_text(file_name))
    except FileNotFoundError:
        raise SchemaReferenceError(f"no schema document {file_name!r} in the contract") from None


def resolved_schema(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with its references to the contract's shared definitions resolved (`schema_refs`)."""
    return inline_refs(document, _document)


def json_schema(stream: str) -> dict[str, Any]:
    """The stream's JSON Schema with its shared definitions resolved (a fresh copy: callers may mutate it)."""
    _require_stream(stream)
    return resolved_schema(_document(f"{stream}.schema.json"))


def content_columns(stream: str) -> dict[str, str]:
    """Columns filled from the log line, in table order, as DuckDB types."""
    _require_stream(stream)
    return dict(_CONTENT_COLUMNS[stream])


def raw_columns(stream: str) -> dict[str, str]:
    """All `raw_<stream>` columns in table order, as DuckDB types."""
    return {**content_columns(stream), **LINEAGE_COLUMNS}


def polars_dtype(duckdb_type: str | DuckDBPyType) -> pl.DataType:
    """The Polars type that DuckDB stores as `duckdb_type` (the subset the raw tables use)."""
    kind = duckdb.sqltype(duckdb_type) if isinstance(duckdb_type, str) else duckdb_type
    if kind.id == "list":
        return pl.List(polars_dtype(kind.child))
    if kind.id == "struct":
        return pl.Struct({name: polars_dtype(child) for name, child in kind.children})
    if kind.id not in _POLARS_SCALARS:
        raise ValueError(f"no Polars type for DuckDB type {kind}")
    return _POLARS_SCALARS[kind.id]


def raw_polars_schema(stream: str) -> pl.Schema:
    """The Polars schema of a `raw_<stream>` frame."""
    return pl.Schema({name: polars_dtype(kind) for name, kind in raw_columns(stream).items()})


def quarantine_polars_schema() -> pl.Schema:
    """The Polars schema of a `quarantined_rows` frame."""
    return pl.Schema({name: polars_dtype(kind) for name, kind in QUARANTINE_COLUMNS.items()})
