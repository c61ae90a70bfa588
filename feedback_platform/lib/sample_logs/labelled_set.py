"""A span-labelled PII evaluation set made from generated sample logs (issue 3's "labelled set").

The generator knows every value it planted (`generation_summary.json`), so each free text of the landing
logs can be labelled by finding those values in it. The set is written in the JSONL format that
`feedback_platform.lib.pii_eval.load_labelled_set` reads. Texts without any planted value are kept as
well: they are what over-redaction (ordinary words lost) is measured on.

This module only reads what the generator wrote; it never changes the generator's output. The landing
files are read line by line in Python rather than with Polars because a share of the lines is
deliberately malformed (truncated JSON, arrays) and must be skipped one by one.
"""

import gzip
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import regex as re

from feedback_platform.lib.logs.landing import landing_dates, landing_files
from feedback_platform.lib.redaction.frames import FREE_TEXT_SIGNALS
from feedback_platform.lib.sample_logs.summary import read_generation_summary

TEXT_STREAMS: tuple[str, ...] = ("responses", "feedback")
"""The streams with free text; consent events hold none."""
OPERATOR_FIELDS = frozenset({"messages.system", "retrieved_context"})
"""Fields the product's operator writes (in its own language), not the user: they get no language."""


def write_labelled_pii_set(landing_dir: Path, out_path: Path) -> int:
    """Writes one JSONL record per distinct free text of the logs under `landing_dir`; returns the count.

    Each record is `{"text", "field", "language", "spans": [{"entity_type", "start", "end", "value"}]}`:
    `language` is the response's `language` (a feedback text takes its response's) for what users and the
    model wrote, null for operator-written fields (system prompts, retrieved documents). There is a span
    for every occurrence of every planted value (entity type from the generation summary) and `field`
    the place the text was first seen (`messages.user`, `retrieved_context`, `output`, `feedback.comment`,
    ...). Records come in order of first appearance (streams, days and files in name order), so the same
    landing tree always gives the same bytes. Lines that are not JSON objects are skipped.
    """
    planted = PlantedValues(read_generation_summary(landing_dir).planted_pii)
    texts: dict[str, tuple[str, str | None]] = {}
    language_of_response: dict[str, str] = {}
    for path in _text_stream_files(landing_dir):
        for record in _json_objects(path):
            language = _language(record, language_of_response)
            for field, text in free_texts(record):
                texts.setdefault(text, (field, None if field in OPERATOR_FIELDS else language))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", encoding="utf-8", newline="\n") as out:
        for text, (field, language) in texts.items():
            spans = [
                {"entity_type": entity, "start": start, "end": end, "value": text[start:end]}
                for start, end, entity in planted.spans(text)
            ]
            record = {"text": text, "field": field, "language": language, "spans": spans}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(texts)


def _language(record: dict, language_of_response: dict[str, str]) -> str | None:
    """A response's language (remembered for the feedback on it), or the language of the response an event
    rates; None when neither is known."""
    response_id = str(record.get("response_id"))
    if isinstance(language := record.get("language"), str):
        language_of_response[response_id] = language
        return language
    return language_of_response.get(response_id)


def _text_stream_files(landing_dir: Path) -> list[Path]:
    """The log files of the text streams, by stream, then day, then name."""
    return [
        path
        for stream in TEXT_STREAMS
        for day in landing_dates(landing_dir)
        for path in landing_files(landing_dir, stream, day)
    ]


def free_texts(record: dict) -> Iterator[tuple[str, str]]:
    """(field, text) for each non-empty free text of a response or feedback record, in record order."""
    for message in _dicts(record.get("messages")):
        if isinstance(content := message.get("content"), str):
            yield f"messages.{message.get('role')}", content
    for document in _dicts(record.get("retrieved_context")):
        if isinstance(text := document.get("text"), str):
            yield "retrieved_context", text
    if isinstance(output := record.get("output"), str):
        yield "output", output
    if record.get("signal") in FREE_TEXT_SIGNALS and isinstance(value := record.get("value"), str):
        yield f"feedback.{record['signal']}", value


class PlantedValues:
    """Finds the planted values of a generation run in texts, each labelled with its entity type."""

    def __init__(self, planted: Sequence[tuple[str, str]]) -> None:
        """`planted` as in `GenerationSummary.planted_pii`; a value listed under two types takes the first."""
        self._entity_of: dict[str, str] = {}
        for entity, value in planted:
            if value:
                self._entity_of.setdefault(value, entity)
        # Longest alternatives first: at each start position the longest value there is the one matched.
        ordered = sorted(self._entity_of, key=lambda value: (-len(value), value))
        self._pattern = re.compile("|".join(re.escape(value) for value in ordered)) if ordered else None

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, entity_type) of every occurrence of a planted value in `text`, sorted by start.

        Where two occurrences overlap the longer one is kept (the earlier start breaks a tie), so that no
        character carries two labels.
        """
        if self._pattern is None:
            return []
        found = [(match.start(), match.end()) for match in self._pattern.finditer(text, overlapped=True)]
        kept: list[tuple[int, int]] = []
        for start, end in sorted(found, key=lambda span: (span[0] - span[1], span[0])):
            if all(end <= other_start or start >= other_end for other_start, other_end in kept):
                kept.append((start, end))
        return [(start, end, self._entity_of[text[start:end]]) for start, end in sorted(kept)]


def _json_objects(path: Path) -> Iterator[dict]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    for line in data.decode("utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            yield record


def _dicts(items: object) -> list[dict]:
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
