"""The DuckDB query that validates one stream's lines and types its columns, from its contract.

The rules come from the JSON Schema (`contract_rules`), the column types from `log_contract`. The
query reads a relation holding `parse_reason` (NULL for a line that is a JSON object) and `doc` (that
object's JSON text) and yields `contract_reason` (NULL when the line is valid) plus one typed column
per content column, filled only for valid lines. A valid value that its column cannot hold (an
integer beyond BIGINT) gets a reason after the schema rules, instead of failing the whole batch.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import jsonschema
from duckdb.sqltypes import DuckDBPyType

from feedback_platform.lib.logs.contract_rules import UnsupportedSchemaError, property_names, schema_reasons
from feedback_platform.lib.logs.json_sql import (
    NUMBER_KINDS,
    JsonNode,
    first_reason,
    json_paths,
    reason_for,
    sql_literal,
    utc_timestamp,
    when,
)


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def json_structure(column_type: DuckDBPyType) -> Any:
    """The `json_transform` structure that yields `column_type`."""
    if column_type.id == "list":
        return [json_structure(column_type.child)]
    if column_type.id == "struct":
        return {name: json_structure(child) for name, child in column_type.children}
    return str(column_type)


def _scalar_text(node: JsonNode) -> str:
    """A JSON scalar as text: "up", "4", "12.5"; NULL for JSON null.

    An integral number is written without ".0", so a rating reads "4" however the client wrote it.
    """
    number = node.number
    integral = f"{number} = trunc({number}) AND abs({number}) < 9.2e18"
    double_text = (
        f"CASE WHEN {integral} THEN CAST(CAST({number} AS BIGINT) AS VARCHAR) "
        f"ELSE CAST({number} AS VARCHAR) END"
    )
    return f"CASE {node.kind} WHEN 'NULL' THEN NULL WHEN 'DOUBLE' THEN {double_text} ELSE {node.text} END"


def column_value(name: str, column_type: str, prop: Mapping[str, Any], node: JsonNode) -> str:
    """SQL turning a valid line's property into the content column's DuckDB type."""
    kind = duckdb.sqltype(column_type)
    if kind.id == "varchar":
        return node.text if prop.get("type") == "string" else _scalar_text(node)
    if kind.id == "timestamp":
        if prop.get("format") != "date-time":
            raise UnsupportedSchemaError(f"column {name} is TIMESTAMP but its property is not a date-time")
        return f"CASE WHEN {node.kind} = 'VARCHAR' THEN {utc_timestamp(node.text)} END"
    if kind.id == "bigint":
        return (
            f"CASE {node.kind} WHEN 'DOUBLE' THEN try_cast({node.number} AS BIGINT) "
            f"WHEN 'BIGINT' THEN try_cast({node.text} AS BIGINT) "
            f"WHEN 'UBIGINT' THEN try_cast({node.text} AS BIGINT) END"
        )
    if kind.id == "double":
        return f"CASE WHEN {node.kind} IN {NUMBER_KINDS} THEN {node.number} END"
    if kind.id in ("list", "struct"):
        structure = sql_literal(json.dumps(json_structure(kind)))
        return f"CASE WHEN {node.kind} <> 'NULL' THEN json_transform({node.value}, {structure}) END"
    raise UnsupportedSchemaError(f"column {name}: type {column_type} is not supported")


def _storage_reason(column_type: str, node: JsonNode, converted: str) -> str | None:
    """A reason for a valid value its column cannot hold (an integer beyond BIGINT), else None."""
    if duckdb.sqltype(column_type).id != "bigint":
        return None
    return when(
        f"{node.kind} IN {NUMBER_KINDS} AND ({converted}) IS NULL", reason_for(node, "does not fit BIGINT")
    )


def validation_query(
    schema: Mapping[str, Any], columns: Mapping[str, str], relation: str, keep: Sequence[str]
) -> str:
    """SQL over `relation` giving each line's `contract_reason` (NULL when valid) and typed `columns`.

    `relation` has the `keep` columns (passed through), `parse_reason` and `doc`. The top-level
    properties are pulled out with one JSON parse per line into plain columns (value, type, text):
    the rules refer to them many times, and re-parsing or list indexing per reference costs more.
    """
    jsonschema.Draft202012Validator.check_schema(schema)  # a malformed schema fails with its own error
    if schema.get("type") != "object":
        raise UnsupportedSchemaError("#/type: a log line's schema must have type 'object'")
    properties = schema.get("properties", {})
    unmatched = [name for name in columns if name not in properties]
    if unmatched:
        raise UnsupportedSchemaError(f"columns {unmatched} have no property in the schema")
    names = property_names(schema)
    fields = {
        name: JsonNode(value=f"_value_{i}", kind=f"_kind_{i}", text=f"_text_{i}", path=sql_literal(name))
        for i, name in enumerate(names, start=1)
    }
    root = JsonNode(value="doc", kind="'OBJECT'", text="doc", path="''", fields=fields)
    rules = schema_reasons(schema, root, "#")
    values = {
        name: column_value(name, column_type, properties[name], root.child(name))
        for name, column_type in columns.items()
    }
    for name, column_type in columns.items():
        reason = _storage_reason(column_type, root.child(name), values[name])
        if reason is not None:
            rules.append(reason)
    paths = json_paths(names)
    unpacked = ", ".join(
        f"_values[{i}] AS {node.value}, _texts[{i}] AS {node.text}"
        for i, node in enumerate(fields.values(), start=1)
    )
    kinds = ", ".join(f"json_type({node.value}) AS {node.kind}" for node in fields.values())
    typed_columns = ",\n    ".join(
        f"CASE WHEN contract_reason IS NULL THEN {value} END AS {quote_name(name)}"
        for name, value in values.items()
    )
    kept = ", ".join(quote_name(name) for name in keep)
    return f"""
WITH extracted AS (
    SELECT *,
        CASE WHEN parse_reason IS NULL THEN json_extract(doc, {paths}) END AS _values,
        CASE WHEN parse_reason IS NULL THEN json_extract_string(doc, {paths}) END AS _texts
    FROM {relation}
), unpacked AS (
    SELECT *, {unpacked} FROM extracted
), typed AS (
    SELECT *, {kinds} FROM unpacked
), checked AS (
    SELECT *, coalesce(parse_reason, {first_reason(rules)}) AS contract_reason
    FROM typed
)
SELECT {kept}, contract_reason,
    {typed_columns}
FROM checked
"""
