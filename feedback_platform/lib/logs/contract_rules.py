"""Translates the rules of a JSON Schema into DuckDB SQL expressions, one per rule.

Validating line by line with a Python JSON Schema library costs tens of microseconds per line; a
landing day holds millions. Instead each schema rule becomes one SQL expression that yields the
reason text when the rule is broken and NULL otherwise; `first_reason` of them in schema order gives
the line's reason, so the first broken rule wins. The rules are derived from the schema at run time:
editing the schema changes validation. A keyword outside the subset below raises
`UnsupportedSchemaError` instead of being silently ignored.

Supported: type (one name or a list), required, properties, enum and const (strings), minLength,
maxLength, pattern (RE2 syntax), minimum, maximum, minItems, format date-time, items (one schema),
allOf, and if/then whose `if` only fixes properties with `const` (and may require them). Annotations
($schema, $id, title, description, ...) are ignored; `then` without `if` is ignored, as JSON Schema
says. `$ref`s are resolved before translation (`schema_refs`).

JSON types come from DuckDB's `json_type`; a number is an integer when it has no fractional part (as
in JSON Schema 2020-12, where 4.0 is an integer). `minimum` and `maximum` compare as DOUBLE; a length is
counted in characters (code points), as JSON Schema counts it.
"""

import re
from collections.abc import Callable, Mapping
from typing import Any

from feedback_platform.lib.logs.json_sql import (
    NUMBER_KINDS,
    JsonNode,
    child_path,
    first_reason,
    is_date_time,
    is_integer,
    json_paths,
    json_pointer,
    reason_for,
    sql_literal,
    when,
)

_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated"}
)
_TYPE_KINDS = {
    "string": "= 'VARCHAR'",
    "number": f"IN {NUMBER_KINDS}",
    "boolean": "= 'BOOLEAN'",
    "null": "= 'NULL'",
    "object": "= 'OBJECT'",
    "array": "= 'ARRAY'",
}


class UnsupportedSchemaError(ValueError):
    """The schema uses a keyword or form that the SQL translator cannot enforce."""


def property_names(schema: Mapping[str, Any]) -> list[str]:
    """The object properties a schema names directly, in order: worth extracting once per object."""
    return list(dict.fromkeys([*schema.get("properties", {}), *schema.get("required", [])]))


def _strings(values: Any, at: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise UnsupportedSchemaError(f"{at}: only string values are supported, got {values!r}")
    return values


def _one_of(node: JsonNode, values: list[str], reason: str) -> str:
    allowed = ", ".join(sql_literal(v) for v in values)
    return when(f"NOT coalesce({node.kind} = 'VARCHAR' AND {node.text} IN ({allowed}), false)", reason)


def _type(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    names = argument if isinstance(argument, list) else [argument]
    tests = []
    for name in names:
        if name == "integer":
            tests.append(is_integer(node))
        elif name in _TYPE_KINDS:
            tests.append(f"{node.kind} {_TYPE_KINDS[name]}")
        else:
            raise UnsupportedSchemaError(f"{at}: unknown type {name!r}")
    spoken = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return [when(f"NOT coalesce({' OR '.join(tests)}, false)", reason_for(node, f"must be {spoken}{suffix}"))]


def _required(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    return [
        when(
            f"{node.kind} = 'OBJECT' AND {node.child(name).kind} IS NULL",
            f"'missing required field ''' || {node.child(name).path} || {sql_literal(chr(39) + suffix)}",
        )
        for name in _strings(argument, at)
    ]


def _properties(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    reasons = []
    for name, sub in argument.items():
        child = node.child(name)
        inner = first_reason(schema_reasons(sub, child, f"{at}/{name}", suffix))
        reasons.append(when(f"{node.kind} = 'OBJECT' AND {child.kind} IS NOT NULL", inner))
    return reasons


def _only_named_properties(schema: Mapping[str, Any], node: JsonNode, suffix: str, at: str) -> list[str]:
    """`additionalProperties: false`: the first property of an object that `properties` does not name.

    Where a value's form is closed (an outcome is a name and a value), an extra field would ride along into
    columns whose text redaction does not read, so it is refused rather than stored."""
    if schema["additionalProperties"] is not False:
        raise UnsupportedSchemaError(f"{at}: only 'additionalProperties: false' is supported")
    named = ", ".join(sql_literal(name) for name in schema.get("properties", {})) or "NULL"
    other = f"list_filter(json_keys({node.value}), lambda key: key NOT IN ({named}))[1]"
    reason = reason_for(node, "must have no property but " + ", ".join(schema.get("properties", {})) + suffix)
    return [when(f"{node.kind} = 'OBJECT' AND {other} IS NOT NULL", reason)]


def _enum(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    values = _strings(argument, at)
    return [_one_of(node, values, reason_for(node, f"must be one of {', '.join(values)}{suffix}"))]


def _const(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    value = _strings([argument], at)[0]
    return [_one_of(node, [value], reason_for(node, f"must be '{value}'{suffix}"))]


def _min_length(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    condition = f"{node.kind} = 'VARCHAR' AND length({node.text}) < {int(argument)}"
    return [when(condition, reason_for(node, f"must have at least {argument} characters{suffix}"))]


def _max_length(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    condition = f"{node.kind} = 'VARCHAR' AND length({node.text}) > {int(argument)}"
    return [when(condition, reason_for(node, f"must have at most {argument} characters{suffix}"))]


def _minimum(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    condition = f"{node.kind} IN {NUMBER_KINDS} AND {node.number} < {float(argument)!r}"
    return [when(condition, reason_for(node, f"must be >= {argument}{suffix}"))]


def _maximum(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    condition = f"{node.kind} IN {NUMBER_KINDS} AND {node.number} > {float(argument)!r}"
    return [when(condition, reason_for(node, f"must be <= {argument}{suffix}"))]


_RE2_UNSUPPORTED = re.compile(r"\(\?[=!<]|\\[1-9]")
"""Look-arounds and back-references: ECMA-262 has them, RE2 does not."""


def _pattern(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    """A string must contain a match of the pattern, as JSON Schema says (anchor it with ^ and $ to match
    the whole string). DuckDB runs it with RE2, whose syntax covers the patterns a contract needs (classes,
    repetition, anchors); look-arounds and back-references are refused here rather than failing at run time.
    """
    if not isinstance(argument, str):
        raise UnsupportedSchemaError(f"{at}: a pattern must be a string, got {argument!r}")
    try:
        re.compile(argument)
    except re.error as error:
        raise UnsupportedSchemaError(f"{at}: {argument!r} is not a regular expression: {error}") from None
    if _RE2_UNSUPPORTED.search(argument):
        raise UnsupportedSchemaError(
            f"{at}: {argument!r} uses a look-around or back-reference, which RE2 lacks"
        )
    condition = f"{node.kind} = 'VARCHAR' AND NOT regexp_matches({node.text}, {sql_literal(argument)})"
    return [when(condition, reason_for(node, f"must match {argument}{suffix}"))]


def _min_items(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    condition = f"{node.kind} = 'ARRAY' AND json_array_length({node.value}) < {int(argument)}"
    return [when(condition, reason_for(node, f"must have at least {argument} items{suffix}"))]


def _format(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    if argument != "date-time":
        raise UnsupportedSchemaError(f"{at}: format {argument!r} is not supported")
    condition = f"{node.kind} = 'VARCHAR' AND NOT {is_date_time(node.text)}"
    return [when(condition, reason_for(node, f"is not an ISO-8601 date-time{suffix}"))]


def _items(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    """The first broken rule of the first bad array item.

    Each item is parsed into a struct (its type, and its named properties' types and texts) before
    the rules run: the rules refer to each property several times, and re-parsing the item for each
    costs more. Property values are extracted only where a rule needs them (numbers, nesting).
    """
    if not isinstance(argument, dict):
        raise UnsupportedSchemaError(f"{at}: only a single schema for 'items' is supported")
    depth = node.depth + 1
    raw, item, index, found = f"raw_item{depth}", f"item{depth}", f"index{depth}", f"found{depth}"
    path = f"{node.path} || '[' || ({index} - 1) || ']'"
    names = property_names(argument)
    bound = f"'value': {raw}, 'kind': json_type({raw})"
    if names:
        paths = json_paths(names)
        bound += f", 'kinds': json_type({raw}, {paths}), 'texts': json_extract_string({raw}, {paths})"
    fields = {
        name: JsonNode(
            value=f"json_extract({item}.value, {json_pointer(name)})",
            kind=f"{item}.kinds[{k}]",
            text=f"{item}.texts[{k}]",
            path=child_path(path, name),
            depth=depth,
        )
        for k, name in enumerate(names, start=1)
    }
    item_node = JsonNode(
        value=f"{item}.value",
        kind=f"{item}.kind",
        text=f"json_extract_string({item}.value, '$')",
        path=path,
        depth=depth,
        fields=fields,
    )
    per_item = first_reason(schema_reasons(argument, item_node, at, suffix))
    items = f"list_transform(json_extract({node.value}, '$[*]'), lambda {raw}: {{{bound}}})"
    return [
        f"CASE WHEN {node.kind} = 'ARRAY' THEN list_filter(list_transform("
        f"{items}, lambda {item}, {index}: {per_item}), lambda {found}: {found} IS NOT NULL)[1] END"
    ]


def _all_of(argument: Any, node: JsonNode, suffix: str, at: str) -> list[str]:
    return [
        reason for i, sub in enumerate(argument) for reason in schema_reasons(sub, node, f"{at}/{i}", suffix)
    ]


_KEYWORDS: dict[str, Callable[[Any, JsonNode, str, str], list[str]]] = {
    "type": _type,
    "required": _required,
    "properties": _properties,
    "enum": _enum,
    "const": _const,
    "minLength": _min_length,
    "maxLength": _max_length,
    "minimum": _minimum,
    "maximum": _maximum,
    "minItems": _min_items,
    "pattern": _pattern,
    "format": _format,
    "items": _items,
    "allOf": _all_of,
}


def _if_label(if_schema: Any, at: str) -> str:
    """ " for signal 'thumb'": names the condition under which a `then` rule applies."""
    if (
        not isinstance(if_schema, dict)
        or not set(if_schema) <= {"properties", "required"}
        or not if_schema.get("properties")
    ):
        raise UnsupportedSchemaError(f"{at}: only 'properties' with 'const' conditions are supported")
    parts = []
    for name, sub in if_schema["properties"].items():
        if not isinstance(sub, dict) or set(sub) != {"const"} or not isinstance(sub["const"], str):
            raise UnsupportedSchemaError(f"{at}/properties/{name}: only a string 'const' is supported")
        parts.append(f"{name} '{sub['const']}'")
    return " for " + " and ".join(parts)


def _if_then(schema: Mapping[str, Any], node: JsonNode, suffix: str, where: str) -> list[str]:
    """`then` rules, applied only where `if` holds; their reasons name the condition."""
    if "else" in schema:
        raise UnsupportedSchemaError(f"{where}/else: 'else' is not supported")
    label = _if_label(schema["if"], f"{where}/if")
    holds = f"{first_reason(schema_reasons(schema['if'], node, f'{where}/if'))} IS NULL"
    then = schema_reasons(schema.get("then", {}), node, f"{where}/then", suffix + label)
    return [when(holds, first_reason(then))] if then else []


def schema_reasons(schema: Any, node: JsonNode, where: str, suffix: str = "") -> list[str]:
    """One SQL reason expression per rule of `schema` applied to `node` (present), in schema order.

    `where` is the JSON pointer of `schema` for error messages; `suffix` ends every reason (the
    condition of an enclosing if/then).
    """
    if not isinstance(schema, dict):
        raise UnsupportedSchemaError(f"{where}: boolean schemas are not supported")
    reasons: list[str] = []
    for keyword, argument in schema.items():
        if keyword in _ANNOTATIONS or keyword == "then":
            continue
        if keyword == "if":
            reasons.extend(_if_then(schema, node, suffix, where))
        elif keyword == "additionalProperties":
            reasons.extend(_only_named_properties(schema, node, suffix, f"{where}/{keyword}"))
        elif keyword in _KEYWORDS:
            reasons.extend(_KEYWORDS[keyword](argument, node, suffix, f"{where}/{keyword}"))
        else:
            raise UnsupportedSchemaError(
                f"{where}/{keyword}: keyword {keyword!r} is not supported by the SQL translator"
            )
    return reasons
