"""`feedback-platform redact` on real JSONL files with the real engine: fields, order, cache, errors."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedback_platform.cli.redact import redact_command
from feedback_platform.lib.pii import PiiRedactor
from feedback_platform.lib.pii.bulk import BulkRedactor
from feedback_platform.lib.redaction.jsonl import redact_jsonl
from feedback_platform.settings import PSEUDONYM_KEY_VARIABLE

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


# Guards the command's pseudonym option: one value, one pseudonym across rows of one conversation and
# fields; another conversation, another pseudonym; the key comes from the environment, never the command.
def test_pseudonyms_by_a_field_are_stable_within_its_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        {
            "conversation_id": "c1",
            "prompt": "Please write to olivia.carter@gmail.com today.",
            "output": "OK.",
        },
        {"conversation_id": "c1", "prompt": "Thanks!", "output": "Sent to olivia.carter@gmail.com."},
        {"conversation_id": "c2", "prompt": "Mail olivia.carter@gmail.com please.", "output": None},
    ]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    target = tmp_path / "out.jsonl"
    args = ["--input", str(source), "--output", str(target), "--field", "prompt", "--field", "output"]
    args += ["--pseudonyms-by", "conversation_id", "--workers", "1", "--no-cache"]

    monkeypatch.delenv(PSEUDONYM_KEY_VARIABLE, raising=False)
    missing_key = CliRunner().invoke(redact_command, args)
    assert missing_key.exit_code == 1 and PSEUDONYM_KEY_VARIABLE in missing_key.output

    monkeypatch.setenv(PSEUDONYM_KEY_VARIABLE, "a key only this test uses")
    result = CliRunner().invoke(redact_command, args)
    assert result.exit_code == 0, result.output
    first, second, other = read_jsonl(target)
    (in_c1,) = re.findall(r"<EMAIL_ADDRESS_[0-9a-f]{8}>", first["prompt"])
    assert second["output"] == f"Sent to {in_c1}."
    (in_c2,) = re.findall(r"<EMAIL_ADDRESS_[0-9a-f]{8}>", other["prompt"])
    assert in_c2 != in_c1 and other["output"] is None

    write_jsonl(source, [*rows, {"prompt": "no conversation"}])
    unscoped = CliRunner().invoke(redact_command, args)
    assert (
        unscoped.exit_code == 1
        and "line 4: pseudonyms need the scope field 'conversation_id'" in unscoped.output
    )
