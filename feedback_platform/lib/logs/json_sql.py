"""SQL building blocks over DuckDB JSON values: addressing a value inside a line, and reasons.

A `JsonNode` names one JSON value of the line by SQL expressions (the value, its JSON type, its text,
and its path for messages), so that the schema rules in `contract_rules` can be written once for a
top-level field, an array item or a field of an item.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

NUMBER_KINDS = "('BIGINT', 'UBIGINT', 'DOUBLE')"
# RFC 3339 date-time, the `date-time` format of JSON Schema; matched on the upper-cased text as
# jsonschema does, so `t` and `z` are accepted. The calendar check (no 30 February) is separate.
_DATE_TIME_PATTERN = (
    r"\d{4}-(0[1-9]|1[0-2])-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)"
)


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def json_pointer(name: str) -> str:
    """The DuckDB JSON path of an object property, quoted so that any name is safe."""
    return sql_literal("$." + json.dumps(name))


def json_paths(names: Sequence[str]) -> str:
    """A DuckDB list of JSON paths, one per name: one parse extracts them all."""
    return "[" + ", ".join(json_pointer(name) for name in names) + "]"


def child_path(parent: str, name: str) -> str:
    return sql_literal(name) if parent == "''" else f"{parent} || {sql_literal('.' + name)}"


@dataclass(frozen=True)
class JsonNode:
    """One JSON value inside the line, as SQL expressions over the line's row."""

    value: str  # the value as DuckDB JSON; NULL when absent
    kind: str  # its json_type ('VARCHAR', 'BIGINT', 'OBJECT', 'NULL', ...); NULL when absent
    text: str  # as VARCHAR: the string itself for a JSON string, else its JSON text
    path: str  # SQL text naming the value in reasons, e.g. 'messages[0].role'
    depth: int = 0  # how many array levels deep, for unique lambda parameter names
    fields: Mapping[str, "JsonNode"] = field(default_factory=dict)  # children extracted beforehand

    @property
    def number(self) -> str:
        return f"TRY_CAST({self.value} AS DOUBLE)"

    def child(self, name: str) -> "JsonNode":
        if name in self.fields:
            return self.fields[name]
        pointer = json_pointer(name)
        return JsonNode(
            value=f"json_extract({self.value}, {pointer})",
            kind=f"json_type({self.value}, {pointer})",
            text=f"json_extract_string({self.value}, {pointer})",
            path=child_path(self.path, name),
            depth=self.depth,
        )


def reason_for(node: JsonNode, message: str) -> str:
    """SQL text: "field '<path>' <message>"."""
    return f"'field ''' || {node.path} || {sql_literal(chr(39) + ' ' + message)}"


def when(condition: str, reason: str) -> str:
    return f"CASE WHEN {condition} THEN {reason} END"


def first_reason(reasons: Sequence[str]) -> str:
    """The first non-NULL reason; DuckDB evaluates later arguments only for rows still NULL."""
    if not reasons:
        return "CAST(NULL AS VARCHAR)"
    return reasons[0] if len(reasons) == 1 else f"coalesce({', '.join(reasons)})"


def is_integer(node: JsonNode) -> str:
    return (
        f"({node.kind} IN ('BIGINT', 'UBIGINT') OR "
        f"({node.kind} = 'DOUBLE' AND {node.number} = trunc({node.number})))"
    )


def is_date_time(text: str) -> str:
    """RFC 3339 date-time, as the `date-time` format of JSON Schema."""
    return (
        f"(regexp_full_match(upper({text}), {sql_literal(_DATE_TIME_PATTERN)}) "
        f"AND try_cast(substr({text}, 1, 10) AS DATE) IS NOT NULL AND substr({text}, 1, 4) <> '0000')"
    )


def utc_timestamp(text: str) -> str:
    """A valid RFC 3339 date-time as a naive TIMESTAMP in UTC (digits beyond microseconds are cut)."""
    upper = f"upper({text})"
    fraction = f"TRY_CAST(rpad(regexp_extract({upper}, '^.{{19}}\\.(\\d{{1,6}})', 1), 6, '0') AS BIGINT)"
    offset_minutes = (
        f"CASE WHEN right({upper}, 1) = 'Z' THEN 0 ELSE "
        f"(CASE WHEN substr({upper}, -6, 1) = '-' THEN -1 ELSE 1 END) * "
        f"(TRY_CAST(substr({upper}, -5, 2) AS BIGINT) * 60 + TRY_CAST(substr({upper}, -2, 2) AS BIGINT)) END"
    )
    return (
        f"(try_strptime(substr({upper}, 1, 19), '%Y-%m-%dT%H:%M:%S') "
        f"+ to_microseconds({fraction}) - to_minutes({offset_minutes}))"
    )
