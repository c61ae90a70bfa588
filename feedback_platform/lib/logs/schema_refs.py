"""Resolves the `$ref`s of a contract's JSON Schemas, so the SQL translator sees plain schemas.

The streams' schemas share their definitions (what an id is, how long a text may be) through
`common.schema.json`, so each rule is written once. Two forms are supported: a reference into the same
document (`#/$defs/name`) and one into another schema of the contract (`common.schema.json#/$defs/name`).
A reference is replaced by the schema it points to; keywords beside it apply as well (JSON Schema
2020-12), merged in, or joined with `allOf` where both name the same keyword. `$defs` are dropped once
resolved. Anything else (remote URLs, cycles) raises `SchemaReferenceError`.
"""

from collections.abc import Callable
from typing import Any

MAX_DEPTH = 16
"""How deep references may chain; deeper is taken for a cycle."""


class SchemaReferenceError(ValueError):
    """A `$ref` the contract cannot resolve: not a `$defs` pointer, an unknown document or name, a cycle."""


def inline_refs(document: dict[str, Any], load: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """`document` with every `$ref` replaced by what it points to and its `$defs` dropped.

    `load(file_name)` returns another schema document of the contract, as written.
    """
    return _resolved(document, document, load, depth=0)


def _resolved(node: Any, document: dict[str, Any], load: Callable[[str], dict[str, Any]], depth: int) -> Any:
    if isinstance(node, list):
        return [_resolved(item, document, load, depth) for item in node]
    if not isinstance(node, dict):
        return node
    siblings = {
        key: _resolved(value, document, load, depth)
        for key, value in node.items()
        if key not in ("$ref", "$defs")
    }
    if "$ref" not in node:
        return siblings
    if depth >= MAX_DEPTH:
        raise SchemaReferenceError(
            f"$ref {node['$ref']!r}: references nest deeper than {MAX_DEPTH} (a cycle?)"
        )
    target_document, target = _target(node["$ref"], document, load)
    referenced = _resolved(target, target_document, load, depth + 1)
    if set(referenced) & set(siblings):
        return {"allOf": [referenced, siblings]}
    return {**siblings, **referenced}


def _target(
    reference: Any, document: dict[str, Any], load: Callable[[str], dict[str, Any]]
) -> tuple[dict[str, Any], Any]:
    """The document a reference points into, and the schema it names there."""
    if not isinstance(reference, str) or "#/$defs/" not in reference:
        raise SchemaReferenceError(f"$ref {reference!r}: only '#/$defs/<name>' pointers are supported")
    file_name, name = reference.split("#/$defs/", 1)
    if "/" in file_name or file_name.startswith("."):
        raise SchemaReferenceError(f"$ref {reference!r}: only a schema of the contract may be referenced")
    target_document = load(file_name) if file_name else document
    definitions = target_document.get("$defs", {})
    if name not in definitions:
        raise SchemaReferenceError(f"$ref {reference!r}: no definition {name!r}")
    return target_document, definitions[name]
