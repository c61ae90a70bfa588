"""The contract's `$ref` resolution: shared definitions are inlined, anything else is refused."""

import re
from typing import Any

import pytest

from feedback_platform.lib.logs.contract import json_schema
from feedback_platform.lib.logs.schema_refs import SchemaReferenceError, inline_refs

COMMON: dict[str, Any] = {
    "$defs": {
        "id": {"type": "string", "pattern": "^[a-z]+$"},
        "length": {"maxLength": 9},
        "text": {"type": "string", "$ref": "#/$defs/length"},
    }
}


def load(file_name: str) -> dict[str, Any]:
    if file_name != "common.schema.json":
        raise SchemaReferenceError(f"no schema document {file_name!r}")
    return COMMON


def test_references_into_another_document_and_within_it_are_inlined() -> None:
    # Guards the shared definitions: a chain of references (text -> length) resolves inside the document
    # that holds it, and keywords beside a reference apply too.
    document = {
        "properties": {
            "a": {"$ref": "common.schema.json#/$defs/id"},
            "b": {"$ref": "common.schema.json#/$defs/text", "minLength": 1},
        }
    }
    assert inline_refs(document, load) == {
        "properties": {
            "a": {"type": "string", "pattern": "^[a-z]+$"},
            "b": {"minLength": 1, "type": "string", "maxLength": 9},
        }
    }


def test_a_keyword_both_sides_name_is_kept_twice_with_all_of() -> None:
    # Guards JSON Schema's meaning of siblings: both rules must hold, neither replaces the other.
    document = {
        "$defs": {"short": {"maxLength": 3}},
        "properties": {"a": {"$ref": "#/$defs/short", "maxLength": 5}},
    }
    assert inline_refs(document, load) == {
        "properties": {"a": {"allOf": [{"maxLength": 3}, {"maxLength": 5}]}}
    }


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("https://example.com/s.json#/$defs/id", "only a schema of the contract"),
        ("#/properties/a", "only '#/$defs/<name>' pointers"),
        ("common.schema.json#/$defs/nothing", "no definition 'nothing'"),
        ("other.schema.json#/$defs/id", "no schema document 'other.schema.json'"),
        ("#/$defs/loop", "nest deeper"),
    ],
)
def test_unresolvable_references_are_refused(reference: str, message: str) -> None:
    # Guards against a contract that silently drops a rule it cannot find.
    document = {"$defs": {"loop": {"$ref": "#/$defs/loop"}}, "properties": {"a": {"$ref": reference}}}
    with pytest.raises(SchemaReferenceError, match=re.escape(message)):
        inline_refs(document, load)


def test_the_packaged_schemas_resolve_to_plain_schemas() -> None:
    # Guards the packaged contract: every stream's schema comes out without $ref or $defs, its ids and
    # texts defined once in common.schema.json.
    for stream in ("responses", "feedback", "consent"):
        text = repr(json_schema(stream))
        assert "$ref" not in text and "$defs" not in text
    responses = json_schema("responses")["properties"]
    assert responses["user_id"]["pattern"] == json_schema("consent")["properties"]["user_id"]["pattern"]
    assert responses["output"]["maxLength"] == 1_000_000
