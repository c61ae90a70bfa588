"""Entity spans: where a text holds personal data, as the engine resolved it, without the values.

The engine's expensive work (spaCy NER and Presidio's recognizers, then Presidio's conflict resolution)
ends in a list of non-overlapping spans. Spans, not redacted texts, are what the cache keeps, so one
analysis serves every way of replacing the values: typed placeholders or pseudonyms in any scope.
"""

import json
from collections.abc import Sequence
from typing import NamedTuple

from feedback_platform.lib.pii.placeholders import Replacement


class EntitySpan(NamedTuple):
    """Characters [start, end) of a text hold an entity of `entity_type`."""

    start: int
    end: int
    entity_type: str


Spans = tuple[EntitySpan, ...]


def replace_spans(text: str, spans: Sequence[EntitySpan], replacement: Replacement) -> str:
    """`text` with each span's characters replaced by `replacement(entity_type, value)`.

    Spans must not overlap (the engine resolves overlaps before they get here); their order does not
    matter.
    """
    if not spans:
        return text
    pieces: list[str] = []
    position = 0
    for span in sorted(spans):
        pieces.append(text[position : span.start])
        pieces.append(replacement(span.entity_type, text[span.start : span.end]))
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


def encode_spans(spans: Sequence[EntitySpan]) -> str:
    """Compact JSON for storage, e.g. '[[3,13,"PERSON"]]'."""
    return json.dumps([list(span) for span in spans], separators=(",", ":"))


def decode_spans(encoded: str) -> Spans:
    """The spans `encode_spans` stored."""
    return tuple(EntitySpan(start, end, entity_type) for start, end, entity_type in json.loads(encoded))
