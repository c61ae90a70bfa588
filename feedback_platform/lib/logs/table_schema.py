"""The declared columns and DuckDB types of the raw, quarantine and redacted tables, and how a stored
table departs from them.

The declaration is the log contract's (`log_contract`): redaction rewrites text inside the columns but
keeps every column and type, so `redacted_<stream>` is declared exactly like `raw_<stream>`.
"""

from collections.abc import Mapping

import duckdb

from feedback_platform.lib.logs.contract import LINEAGE_COLUMNS, QUARANTINE_COLUMNS, json_schema, raw_columns

_STREAM_OF_TABLE: Mapping[str, str] = {
    "raw_responses": "responses",
    "raw_feedback": "feedback",
    "raw_consent": "consent",
    "redacted_responses": "responses",
    "redacted_feedback": "feedback",
}
DECLARED_TABLES: tuple[str, ...] = (*_STREAM_OF_TABLE, "quarantined_rows")


def declared_columns(table: str) -> dict[str, str]:
    """The table's columns in order, as DuckDB type names, from the log contract."""
    if table == "quarantined_rows":
        return dict(QUARANTINE_COLUMNS)
    if table not in _STREAM_OF_TABLE:
        raise LookupError(f"no declared schema for {table}; declared: {', '.join(DECLARED_TABLES)}")
    return raw_columns(_STREAM_OF_TABLE[table])


def stored_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """The table's columns in order, as DuckDB reports their types; empty when the table does not exist."""
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = 'main' and table_name = ? order by column_index",
        [table],
    ).fetchall()
    return dict(rows)


def type_mismatches(declared: Mapping[str, str], stored: Mapping[str, str]) -> list[dict[str, str]]:
    """Columns present in both whose types differ, as {column, expected, actual}.

    Both sides are normalised through DuckDB's own type parser, so `BIGINT` equals `INT8` and struct
    field quoting does not matter.
    """
    return [
        {"column": name, "expected": _normalised(declared[name]), "actual": _normalised(stored[name])}
        for name in declared
        if name in stored and _normalised(declared[name]) != _normalised(stored[name])
    ]


def _normalised(type_name: str) -> str:
    return str(duckdb.sqltype(type_name))


def required_columns(stream: str) -> list[str]:
    """Columns no row of `raw_<stream>` or `redacted_<stream>` may leave empty: the contract's required
    properties and the lineage columns."""
    return [*json_schema(stream)["required"], *LINEAGE_COLUMNS]


def allowed_values(stream: str, column: str) -> list[str]:
    """The contract's enumeration of a column's values, e.g. the feedback signals."""
    return list(json_schema(stream)["properties"][column]["enum"])


def signal_value_rules() -> dict[str, dict]:
    """The contract's rule per feedback signal that constrains `value`: {"required": bool, **its schema}."""
    rules = {}
    for rule in json_schema("feedback")["allOf"]:
        signal = rule["if"]["properties"]["signal"]["const"]
        then = rule["then"]
        rules[signal] = {"required": "value" in then.get("required", []), **then["properties"]["value"]}
    return rules
