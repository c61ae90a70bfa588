"""`feedback-platform redact` on real JSONL files with the real engine: fields, order, cache, errors."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedback_platform.lib.pii import PiiRedactor
from feedback_platform.lib.pii.engine import BulkRedactor
from feedback_platform.redact_cli import redact_command, redact_jsonl

ROWS = [
    {"id": 1, "text": "My name is Olivia Carter.", "note": "Olivia Carter", "score": 0.5},
    {"id": 2, "text": "Thanks, that worked!", "tags": ["a", "b"], "meta": {"user": "Olivia Carter"}},
    {"id": 3, "text": None, "title": "Call me at (415) 555-0142"},
    {"id": 4, "title": "Mail olivia.carter@gmail.com"},
    {"id": 5, "text": "My name is Olivia Carter.", "title": "", "unicode": "café ☕"},
]


@pytest.fixture(scope="module")
def engine() -> PiiRedactor:
    return PiiRedactor()


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# Guards the field contract: named fields are redacted, every other field and the row order are kept as is.
def test_named_fields_are_redacted_and_everything_else_is_kept(tmp_path: Path, engine: PiiRedactor) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", ROWS)
    with BulkRedactor(redactor=engine) as bulk:
        summary = redact_jsonl(source, tmp_path / "out.jsonl", bulk.redact, fields=("text", "title"))
    assert (summary.rows, summary.texts) == (5, 5)
    assert read_jsonl(tmp_path / "out.jsonl") == [
        {"id": 1, "text": "My name is <PERSON>.", "note": "Olivia Carter", "score": 0.5},
        {"id": 2, "text": "Thanks, that worked!", "tags": ["a", "b"], "meta": {"user": "Olivia Carter"}},
        {"id": 3, "text": None, "title": "Call me at <PHONE_NUMBER>"},
        {"id": 4, "title": "Mail <EMAIL_ADDRESS>"},
        {"id": 5, "text": "My name is <PERSON>.", "title": "", "unicode": "café ☕"},
    ]


# Guards streaming: small chunks give the same file as one chunk, and progress reports the bytes read.
def test_chunked_streaming_gives_the_same_output(tmp_path: Path, engine: PiiRedactor) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", ROWS * 3)
    progress: list[int] = []
    with BulkRedactor(redactor=engine) as bulk:
        redact_jsonl(source, tmp_path / "one.jsonl", bulk.redact, chunk_rows=1000)
        redact_jsonl(source, tmp_path / "many.jsonl", bulk.redact, chunk_rows=2, on_progress=progress.append)
    assert (tmp_path / "many.jsonl").read_text() == (tmp_path / "one.jsonl").read_text()
    assert len(read_jsonl(tmp_path / "many.jsonl")) == 15
    assert len(progress) == 8 and progress[-1] == source.stat().st_size


# Guards the persistent cache: a second run gives the same output without analysing any text again.
def test_second_run_is_served_from_the_cache(tmp_path: Path, engine: PiiRedactor) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", ROWS)
    cache = tmp_path / "cache.sqlite"
    with BulkRedactor(redactor=engine, cache_path=cache) as first:
        redact_jsonl(source, tmp_path / "first.jsonl", first.redact)
    analysed_before = engine.texts_analysed
    with BulkRedactor(redactor=engine, cache_path=cache) as second:
        redact_jsonl(source, tmp_path / "second.jsonl", second.redact)
    assert (tmp_path / "second.jsonl").read_text() == (tmp_path / "first.jsonl").read_text()
    assert engine.texts_analysed == analysed_before
    assert (first.stats.analysed, second.stats.analysed, second.stats.cached) == (2, 0, 2)


# Guards the command end to end: two worker processes write exactly what one in-process engine writes.
def test_command_with_two_workers_matches_one(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", ROWS)
    runs = {}
    for workers in ("1", "2"):
        target = tmp_path / f"out{workers}.jsonl"
        args = ["--input", str(source), "--output", str(target), "--field", "text", "--field", "title"]
        result = CliRunner().invoke(redact_command, [*args, "--workers", workers, "--no-cache"])
        assert result.exit_code == 0, result.output
        assert "Redacted 5 texts in 5 rows" in result.output
        assert "Redacting" not in result.output  # no progress bar when stderr is not a terminal
        runs[workers] = target.read_text()
    assert runs["1"] == runs["2"]
    assert read_jsonl(tmp_path / "out2.jsonl")[2]["title"] == "Call me at <PHONE_NUMBER>"


@pytest.mark.parametrize(
    ("content", "field", "message"),
    [
        (None, "text", "cannot read {source}: no such file"),
        ('{"text": "ok"}\n{"text": "cut\n', "text", "{source} line 2 is not valid JSON"),
        ('{"text": "ok"}\n\n["a list"]\n', "text", "{source} line 3 is not a JSON object but list"),
        ('{"text": "ok"}\n{"text": 42}\n', "text", "{source} line 2: field 'text' is int, not a string"),
    ],
)
# Guards clear failures: exit code 1, a message naming the file and line, and no output file left behind.
def test_unreadable_input_fails_clearly(
    tmp_path: Path, content: str | None, field: str, message: str
) -> None:
    source = tmp_path / "in.jsonl"
    if content is not None:
        source.write_text(content)
    target = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        redact_command,
        ["--input", str(source), "--output", str(target), "--field", field, "--workers", "1", "--no-cache"],
    )
    assert result.exit_code == 1
    assert f"Error: {message.format(source=source)}" in result.output
    assert list(tmp_path.iterdir()) == ([source] if content is not None else [])
