"""Span-labelled evaluation sets: texts with the character spans of the personal data they hold.

Two formats are read:
- the dev-set JSON of presidio-research's synthetic sets (synth_dataset_v2.json): a list of records
  `{"full_text", "spans": [{"entity_type", "entity_value", "start_position", "end_position"}], ...}`,
  whose labels are mapped to the engine's entity types (see `labels.py`);
- JSONL, one record a line: `{"text": ..., "spans": [{"entity_type", "start", "end", "value"}]}`, whose
  labels are taken as the engine's entity types (a label listed in `labels.py` is mapped all the same).
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feedback_platform.lib.pii_eval.labels import engine_entity


@dataclass(frozen=True)
class LabelledSpan:
    """One labelled value: `text[start:end] == value`, of the engine's `entity_type` (None: not scored)."""

    entity_type: str | None
    start: int
    end: int
    value: str
    label: str
    """The label as the set wrote it, before mapping."""


@dataclass(frozen=True)
class LabelledText:
    """A text and every labelled span in it, scored or not."""

    text: str
    spans: tuple[LabelledSpan, ...]
    field: str | None = None
    """Where the text was found (`messages.system`, `output`, ...), when the set says."""
    language: str | None = None
    """The language the text is written in (`de`), when the set says."""


class LabelledSetError(ValueError):
    """A record of a labelled set is malformed: a span outside its text or not matching its value."""


def load_labelled_set(path: Path) -> list[LabelledText]:
    """The records of a `.jsonl` set (one record a line) or of a dev-set `.json` (a list of records)."""
    if path.suffix == ".jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        return [jsonl_record(json.loads(line)) for line in lines if line.strip()]
    return [dev_set_record(record) for record in json.loads(path.read_text(encoding="utf-8"))]


def dev_set_record(record: dict[str, Any]) -> LabelledText:
    """One record of the dev-set JSON format."""
    return _labelled(
        record["full_text"],
        [
            (span["entity_type"], span["start_position"], span["end_position"], span.get("entity_value"))
            for span in record["spans"]
        ],
    )


def jsonl_record(record: dict[str, Any]) -> LabelledText:
    """One record of the JSONL format."""
    return _labelled(
        record["text"],
        [(span["entity_type"], span["start"], span["end"], span.get("value")) for span in record["spans"]],
        record.get("field"),
        record.get("language"),
    )


def _labelled(
    text: str,
    spans: list[tuple[str, int, int, str | None]],
    field: str | None = None,
    language: str | None = None,
) -> LabelledText:
    labelled = []
    for label, start, end, value in spans:
        if not 0 <= start < end <= len(text):
            raise LabelledSetError(f"span {start}:{end} of {label} lies outside a text of {len(text)} chars")
        if value is not None and text[start:end] != value:
            raise LabelledSetError(f"span {start}:{end} of {label} reads {text[start:end]!r}, not {value!r}")
        labelled.append(LabelledSpan(engine_entity(label), start, end, text[start:end], label))
    return LabelledText(text, tuple(sorted(labelled, key=lambda span: span.start)), field, language)
