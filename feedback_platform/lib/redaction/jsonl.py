"""Redacting named text fields of a JSONL file with the same engine as the redact assets.

The file is streamed in chunks of rows, so memory stays bounded however large it is: each chunk's
distinct texts go through one `redact` call (e.g. `BulkRedactor.redact`: persistent cache, then worker
processes), and its rows are written before the next chunk is read. Rows keep their order and every field
that is not named is written back untouched. The output is written to a temporary file beside it and
renamed into place at the end, so a run that fails on line 90,000 leaves no half-written output.
"""

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

DEFAULT_FIELDS = ("text",)
DEFAULT_CHUNK_ROWS = 2000

TextRedactor = Callable[[Sequence[str | None], Sequence[str] | None], list[str | None]]
"""(texts, scopes or None) -> redacted texts: BulkRedactor.redact."""


class RedactInputError(ValueError):
    """Unredactable input: a missing file, a line that is not a JSON object, a bad field."""


@dataclass(frozen=True)
class Chunk:
    """Consecutive rows of the input, and how far into the file (in bytes) they end."""

    rows: list[dict[str, Any]]
    end_offset: int


@dataclass
class RedactSummary:
    rows: int = 0
    texts: int = 0
    """Non-empty field values redacted (repeats included)."""


def read_chunks(
    path: Path, fields: Sequence[str], chunk_rows: int = DEFAULT_CHUNK_ROWS, scope_field: str | None = None
) -> Iterator[Chunk]:
    """Rows of a JSONL file in chunks of `chunk_rows`, each checked: a JSON object whose named fields are
    strings, null or absent, and which has a string or number `scope_field` when one is named. Blank lines
    are skipped. Raises RedactInputError naming the line."""
    try:
        handle = path.open("rb")
    except OSError as error:
        raise RedactInputError(f"cannot read {path}: {error.strerror or error}") from error
    with handle:
        rows: list[dict[str, Any]] = []
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            rows.append(_parse_row(raw, number, path, fields, scope_field))
            if len(rows) >= chunk_rows:
                yield Chunk(rows, handle.tell())
                rows = []
        if rows:
            yield Chunk(rows, handle.tell())


def _parse_row(
    raw: bytes, number: int, path: Path, fields: Sequence[str], scope_field: str | None
) -> dict[str, Any]:
    try:
        row = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RedactInputError(f"{path} line {number} is not valid JSON: {error}") from error
    if not isinstance(row, dict):
        raise RedactInputError(f"{path} line {number} is not a JSON object but {type(row).__name__}")
    for field in fields:
        value = row.get(field)
        if value is not None and not isinstance(value, str):
            raise RedactInputError(
                f"{path} line {number}: field {field!r} is {type(value).__name__}, not a string"
            )
    if scope_field is not None and not isinstance(row.get(scope_field), str | int):
        raise RedactInputError(
            f"{path} line {number}: pseudonyms need the scope field {scope_field!r} as a string or number"
        )
    return row


def redact_rows(
    rows: list[dict[str, Any]], fields: Sequence[str], redact: TextRedactor, scope_field: str | None = None
) -> int:
    """Replace the named fields of `rows` in place with their redactions, in one `redact` call.

    Returns how many non-empty values were redacted. Absent and null fields stay as they are. With a
    `scope_field`, each text's scope is its row's value of that field."""
    slots = [(row, field) for row in rows for field in fields if row.get(field)]
    scopes = [str(row[scope_field]) for row, _ in slots] if scope_field is not None else None
    redacted = redact([row[field] for row, field in slots], scopes)
    for (row, field), text in zip(slots, redacted, strict=True):
        row[field] = text
    return len(slots)


def redact_jsonl(
    source: Path,
    target: Path,
    redact: TextRedactor,
    fields: Sequence[str] = DEFAULT_FIELDS,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    on_progress: Callable[[int], None] | None = None,
    scope_field: str | None = None,
) -> RedactSummary:
    """Write `source` to `target` with the named fields redacted, chunk by chunk, rows in order.

    `on_progress(bytes_read)` is called after each chunk. Raises RedactInputError on unreadable input,
    in which case `target` is not created (nor replaced)."""
    if not fields:
        raise RedactInputError("name at least one field to redact")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    summary = RedactSummary()
    try:
        with partial.open("w", encoding="utf-8") as out:
            for chunk in read_chunks(source, fields, chunk_rows, scope_field):
                summary.texts += redact_rows(chunk.rows, fields, redact, scope_field)
                summary.rows += len(chunk.rows)
                _write_rows(out, chunk.rows)
                if on_progress is not None:
                    on_progress(chunk.end_offset)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def _write_rows(out: IO[str], rows: list[dict[str, Any]]) -> None:
    out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
