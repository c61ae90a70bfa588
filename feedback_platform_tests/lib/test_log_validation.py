"""Raw-log validation: real landing files in tmp_path, the real DuckDB and Polars, checked against
`jsonschema.Draft202012Validator` on the same packaged schemas."""

import calendar
import copy
import gzip
import json
import math
import random
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import polars as pl
import pytest

from feedback_platform.lib.hashing import file_sha256
from feedback_platform.lib.logs.contract import (
    LINEAGE_COLUMNS,
    UnknownStreamError,
    json_schema,
    quarantine_polars_schema,
    raw_polars_schema,
)
from feedback_platform.lib.logs.contract_rules import UnsupportedSchemaError
from feedback_platform.lib.logs.landing import LINE_SCHEMA, read_landing_lines, unread_entries
from feedback_platform.lib.logs.validation import (
    STREAMS,
    ValidatedBatch,
    count_landing_lines,
    landing_dates,
    landing_files,
    validate_landing_day,
    validate_lines,
)

DAY = date(2026, 11, 1)
STAMP = "2026-11-01T10:00:00Z"
SIGNALS = (
    "thumb", "rating", "comment", "edit", "regenerate", "copy", "dwell", "abandon", "reformulate", "outcome"
)  # fmt: skip

# ---------------------------------------------------------------- the reference: json + jsonschema

# RFC 3339 as `rfc3339-validator` checks it for jsonschema's "date-time" format (that optional package
# is not installed, and without it jsonschema skips the format silently). Full match, ASCII digits.
_RFC3339 = re.compile(
    r"(\d{4})-(0[1-9]|1[0-2])-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)",
    re.ASCII,
)
FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date-time")
def _is_rfc3339(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    match = _RFC3339.fullmatch(instance.upper())
    if match is None:
        return False
    year, month, day = (int(part) for part in match.groups())
    return year > 0 and 1 <= day <= calendar.monthrange(year, month)[1]


def _strict_json(line: str) -> Any:
    """RFC 8259 JSON: Python's json without its NaN/Infinity extension or overflowing floats, and without a
    key repeated in the top-level object (the contract quarantines such a line)."""

    def reject_constant(name: str) -> Any:
        raise ValueError(name)

    def finite(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(text)
        return value

    objects: list[list[tuple[str, Any]]] = []

    def keep_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        objects.append(pairs)
        return dict(pairs)

    document = json.loads(
        line, parse_constant=reject_constant, parse_float=finite, object_pairs_hook=keep_pairs
    )
    if isinstance(document, dict) and len({key for key, _ in objects[-1]}) < len(objects[-1]):
        raise ValueError("a key repeated in the top-level object")  # the contract's rule, not RFC 8259's
    return document


def _utc(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.upper().replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def _event_key(stream: str, document: dict[str, Any]) -> Any:
    if stream == "consent":
        return (document["user_id"], document["tenant_id"], _utc(document["created_at"]), document["action"])
    return document["response_id" if stream == "responses" else "event_id"]


def reference_kept(stream: str, lines: list[str]) -> set[int]:
    """Line numbers that json + jsonschema accept, less later repeats of an accepted event."""
    validator = jsonschema.Draft202012Validator(json_schema(stream), format_checker=FORMATS)
    kept: dict[Any, int] = {}
    for number, text in enumerate(lines, start=1):
        try:
            document = _strict_json(text)
        except ValueError:
            continue
        if isinstance(document, dict) and validator.is_valid(document):
            kept.setdefault(_event_key(stream, document), number)
    return set(kept.values())


# ---------------------------------------------------------------- landing files and valid records


def write_landing(root: Path, stream: str, name: str, lines: list[str], day: date = DAY) -> Path:
    folder = root / stream / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def checked(batch: ValidatedBatch) -> ValidatedBatch:
    """Every batch must account for every line and keep the table shapes."""
    assert batch.lines_read == batch.rows.height + batch.quarantined.height
    assert batch.quarantined.schema == quarantine_polars_schema()
    return batch


def judge(root: Path, stream: str, lines: list[str]) -> list[str | None]:
    """The reason for each line (None when kept), in line order."""
    write_landing(root, stream, "part-0000.jsonl", lines)
    batch = checked(validate_landing_day(root, stream, DAY))
    reasons = dict(batch.quarantined.select("source_line", "reason").iter_rows())
    return [reasons.get(number) for number in range(1, len(lines) + 1)]


def response(i: int, **changes: Any) -> dict[str, Any]:
    record = {
        "response_id": f"r-{i}",
        "conversation_id": f"c-{i}",
        "tenant_id": "acme",
        "user_id": f"u-{i}",
        "created_at": STAMP,
        "model": "gpt-x",
        "model_version": "2026-10",
        "prompt_version": "p3",
        "feature": "chat",
        "language": "en",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": f"Question {i}?"},
        ],
        "retrieved_context": [{"doc_id": "kb-1", "text": "Returns take 30 days.", "score": 0.82}],
        "output": f"Answer {i}.",
        "latency_ms": 420 + i,
    }
    return {**record, **changes}


def feedback(i: int, signal: str = "thumb", **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "thumb": "up",
        "rating": 4,
        "comment": "Helpful, thanks",
        "edit": "Edited answer",
        "dwell": 12.5,
        "reformulate": "Ask it differently",
        "outcome": {"name": "tests_passed", "value": True},
    }
    record = {
        "event_id": f"e-{i}",
        "response_id": f"r-{i}",
        "tenant_id": "acme",
        "user_id": f"u-{i}",
        "created_at": STAMP,
        "signal": signal,
        "client": "web",
    }
    if signal in values:
        record["value"] = values[signal]
    return {**record, **changes}


def consent(i: int, **changes: Any) -> dict[str, Any]:
    record = {"user_id": f"u-{i}", "tenant_id": "acme", "created_at": STAMP, "action": "opt_out_training"}
    return {**record, **changes}


def line(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False)


# ---------------------------------------------------------------- generated valid and invalid lines

VALID_STAMPS = [
    "2026-11-01T10:00:00Z",
    "2026-11-01t10:00:00z",
    "2026-11-01T10:00:00.123456789+05:30",
    "2024-02-29T23:59:59-00:00",
    "2026-11-01T00:30:00.5+14:00",
    "2026-11-01T23:59:59.000001-23:59",
]
INVALID_STAMPS = [
    "2026-11-01 10:00:00Z",
    "2026-11-01T10:00:00",
    "2026-02-30T10:00:00Z",
    "2023-02-29T10:00:00Z",
    "2026-13-01T10:00:00Z",
    "2026-11-01T24:00:00Z",
    "2026-11-01T10:60:00Z",
    "2026-11-01T10:00:60Z",
    "2026-11-01T10:00Z",
    "2026-11-01",
    "0000-01-01T00:00:00Z",
    "2026-11-01T10:00:00+0530",
    "2026-11-01T10:00:00.Z",
    "2026-11-01T10:00:00+24:00",
    "\uff12026-11-01T10:00:00Z",
    "",
    "yesterday",
]
ODD_VALUES: list[Any] = [None, True, False, 0, -3, 2.5, 4.0, 100.0, "", "x", [], {}, [1], {"a": 1}, "4", "up"]


def _mutate_nested(record: dict[str, Any], rng: random.Random) -> None:
    if rng.random() < 0.5:
        record["messages"] = rng.choice(
            [
                [],
                ["hello"],
                [{"role": "user"}],
                [{"content": "hi"}],
                [{"role": "bot", "content": "hi"}],
                [{"role": "user", "content": 5}],
                [{"role": "user", "content": "hi", "name": "extra keys are allowed"}],
                [{"role": "assistant", "content": ""}, {"role": None, "content": "x"}],
                "not a list",
            ]
        )
    else:
        record["retrieved_context"] = rng.choice(
            [
                [],
                [{"doc_id": "d", "text": "t"}],
                [{"doc_id": 1, "text": "t", "score": 0.5}],
                [{"doc_id": "d", "text": "t", "score": "0.5"}],
                [{"doc_id": "d", "text": "t", "score": 1}],
                [{"doc_id": "d", "text": "t", "score": -2.5e-3}, 7],
                [{"doc_id": "d", "text": "t", "score": None}],
                {"doc_id": "d"},
            ]
        )


def _mutate_signal_value(record: dict[str, Any], rng: random.Random) -> None:
    signal = rng.choice(SIGNALS)
    record["signal"] = signal
    choice = rng.choice(
        ["absent", None, "", "sideways", "up", "down", 4, 4.0, 4.5, "4", -1, 0, 12.5, True, [1]]
    )
    if choice == "absent":
        record.pop("value", None)
    else:
        record["value"] = choice


def generated_line(stream: str, i: int, rng: random.Random) -> str:
    """A valid line or one of the mutations the contract must catch (or must let through)."""
    if stream == "feedback":
        record = feedback(i, rng.choice(SIGNALS))
    else:
        record = response(i) if stream == "responses" else consent(i)
    mutation = rng.choice(
        ["valid", "drop", "retype", "enum", "stamp", "truncate", "non_object", "specific", "json_edge"]
    )
    if mutation == "drop":
        record.pop(rng.choice(list(record)))
    elif mutation == "retype":
        odd = rng.choice(ODD_VALUES)
        record[rng.choice(list(record))] = f"{odd}-{i}" if odd == "x" else copy.deepcopy(odd)
    elif mutation == "enum":
        field = {"responses": "language", "feedback": "signal", "consent": "action"}[stream]
        record[field] = rng.choice(["", "e", "THUMB", "thumbs", "opt_out", "erase", "rating", "fr"])
    elif mutation == "stamp":
        record["created_at"] = rng.choice(VALID_STAMPS + INVALID_STAMPS)
    elif mutation == "truncate":
        text = line(record)
        return text[: rng.randrange(len(text))]
    elif mutation == "non_object":
        return line(rng.choice([[record], "text", 3, None, True, [], 1.5]))
    elif mutation == "specific" and stream == "responses":
        _mutate_nested(record, rng)
    elif mutation == "specific" and stream == "feedback":
        _mutate_signal_value(record, rng)
    elif mutation == "specific":
        record["user_id"] = rng.choice(
            ["", f"ü-{i}", f"u {i}", f"u.{i}:x_y-z", f"U{i}", f"ana.{i}@example.com", f"../u{i}", f"-u{i}"]
        )
    elif mutation == "json_edge":
        text = line(record)
        return rng.choice(
            [
                text[:-1] + ', "extra": NaN}',
                text[:-1] + ", }",
                text[:-1] + ', "created_at": "not a time"}',  # a repeated key: quarantined
                text[:-1] + f', "created_at": "{STAMP}"}}',
                "  " + text + " \t",
                text + " x",
                text.replace('"', "'"),
            ]
        )
    return line(record)


@pytest.mark.parametrize("stream", STREAMS)
def test_verdicts_match_jsonschema_on_generated_lines(tmp_path: Path, stream: str) -> None:
    # Guards the schema -> SQL translation: keep/quarantine equals Draft 2020-12 with format checks.
    rng = random.Random(f"contract-{stream}")
    lines = [generated_line(stream, i, rng) for i in range(700)]
    write_landing(tmp_path, stream, "part-0000.jsonl.gz", lines)
    batch = checked(validate_landing_day(tmp_path, stream, DAY))

    expected = reference_kept(stream, lines)
    accepted = set(batch.rows["source_line"])
    disagreements = {n: (lines[n - 1], n in accepted) for n in expected ^ accepted}
    assert not disagreements, (
        f"{len(disagreements)} lines judged differently: {list(disagreements.items())[:5]}"
    )
    assert 0.15 * len(lines) < len(accepted) < 0.8 * len(lines)  # the sample exercises both sides
    assert batch.quarantined["reason"].null_count() == 0
    assert count_landing_lines(tmp_path, stream, DAY) == batch.lines_read == len(lines)


def _expected_row(stream: str, document: dict[str, Any]) -> dict[str, Any]:
    """A valid line's typed row, computed in plain Python."""
    row: dict[str, Any] = {
        name: document.get(name) for name in raw_polars_schema(stream) if name not in LINEAGE_COLUMNS
    }
    row["created_at"] = _utc(document["created_at"])
    if stream == "responses":
        row["messages"] = [{"role": m["role"], "content": m["content"]} for m in document["messages"]]
        row["retrieved_context"] = [
            {"doc_id": c["doc_id"], "text": c["text"], "score": float(c["score"])}
            for c in document["retrieved_context"]
        ]
        row["latency_ms"] = int(document["latency_ms"])
    if stream == "feedback":
        value = document.get("value")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, dict):  # an outcome: its object as compact JSON text
            value = json.dumps(value, separators=(",", ":"))
        row["value"] = None if value is None else str(value)
    return row


@pytest.mark.parametrize("stream", STREAMS)
def test_kept_rows_carry_the_values_of_their_lines(tmp_path: Path, stream: str) -> None:
    # Guards typing: every kept row equals its line parsed in Python (UTC times, nested lists, value text).
    rng = random.Random(f"values-{stream}")
    lines = [generated_line(stream, i, rng) for i in range(400)]
    write_landing(tmp_path, stream, "part-0000.jsonl", lines)
    batch = checked(validate_landing_day(tmp_path, stream, DAY))

    assert batch.rows.schema == raw_polars_schema(stream)
    assert batch.rows.height > len(lines) // 5  # enough kept rows to compare
    for row in batch.rows.iter_rows(named=True):
        document = _strict_json(lines[row["source_line"] - 1])
        content = {name: value for name, value in row.items() if name not in LINEAGE_COLUMNS}
        assert content == _expected_row(stream, document)
        assert (row["landing_date"], row["source_file"]) == (DAY, f"{stream}/2026-11-01/part-0000.jsonl")


# ---------------------------------------------------------------- reasons


def test_reasons_name_the_first_broken_rule(tmp_path: Path) -> None:
    # Guards the reason texts, and that the first failing rule in schema order is the one reported.
    cases = [
        ("", "empty line"),
        (" \t", "empty line"),
        ('{"event_id": "e-1",', "invalid JSON"),
        (line(feedback(1))[:-1] + ", }", "invalid JSON"),
        ("[1, 2]", "not a JSON object"),
        ("null", "not a JSON object"),
        (
            line({k: v for k, v in feedback(2).items() if k != "created_at"}),
            "missing required field 'created_at'",
        ),
        (line(feedback(3, created_at="2026-11-01 10:00")), "field 'created_at' is not an ISO-8601 date-time"),
        (line(feedback(4, signal="smile")), "field 'signal' must be one of " + ", ".join(SIGNALS)),
        (line(feedback(5, value="meh")), "field 'value' must be one of up, down for signal 'thumb'"),
        (line(feedback(6, "rating", value=4.5)), "field 'value' must be integer for signal 'rating'"),
        (line(feedback(7, "rating", value=None)), "field 'value' must be integer for signal 'rating'"),
        (
            line({k: v for k, v in feedback(8, "dwell").items() if k != "value"}),
            "missing required field 'value' for signal 'dwell'",
        ),
        (line(feedback(9, "dwell", value=-1)), "field 'value' must be >= 0 for signal 'dwell'"),
        (line(feedback(14, "rating", value=0)), "field 'value' must be >= 1 for signal 'rating'"),
        (line(feedback(15, "rating", value=6)), "field 'value' must be <= 5 for signal 'rating'"),
        (
            line(feedback(16, "copy", value="x" * 1_000_001)),
            "field 'value' must have at most 1000000 characters",
        ),
        (
            line(feedback(10, "comment", value="")),
            "field 'value' must have at least 1 characters for signal 'comment'",
        ),
        (line(feedback(11, "copy", value=[1])), "field 'value' must be string, number, object or null"),
        (
            line(feedback(17, "outcome", value={"name": "tests_passed", "value": "yes"})),
            "field 'value.value' must be boolean or number for signal 'outcome'",
        ),
        (
            line(feedback(18, "outcome", value={"value": True})),
            "missing required field 'value.name' for signal 'outcome'",
        ),
        (
            line(feedback(19, "outcome", value={"name": "Tests Passed", "value": True})),
            "field 'value.name' must match ^[a-z][a-z0-9_]{0,63}$ for signal 'outcome'",
        ),
        (line(feedback(12, event_id=7)), "field 'event_id' must be string"),
        # created_at missing and signal wrong: `required` comes before `properties` in the schema
        (
            line({k: v for k, v in feedback(13, signal="x").items() if k != "created_at"}),
            "missing required field 'created_at'",
        ),
    ]
    reasons = judge(tmp_path, "feedback", [text for text, _ in cases])
    assert reasons == [reason for _, reason in cases]


ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
"""What an identifier is, in `schemas/common.schema.json`."""


def test_reasons_point_into_nested_items(tmp_path: Path) -> None:
    # Guards item rules: the reason names the first bad item by its 0-based index.
    cases = [
        (response(1, messages=[]), "field 'messages' must have at least 1 items"),
        (
            response(2, messages=[{"role": "user", "content": "a"}, {"role": "bot", "content": "b"}]),
            "field 'messages[1].role' must be one of system, user, assistant",
        ),
        (response(3, messages=["hi"]), "field 'messages[0]' must be object"),
        (
            response(4, retrieved_context=[{"doc_id": "d", "text": "t"}]),
            "missing required field 'retrieved_context[0].score'",
        ),
        (
            response(5, retrieved_context=[{"doc_id": "d", "text": "t", "score": "high"}]),
            "field 'retrieved_context[0].score' must be number",
        ),
        (response(6, language="e"), "field 'language' must have at least 2 characters"),
        (response(7, latency_ms=-5), "field 'latency_ms' must be >= 0"),
        (response(8, latency_ms=12.5), "field 'latency_ms' must be integer"),
        (response(9, latency_ms=2**63), "field 'latency_ms' does not fit BIGINT"),
        (response(10, latency_ms=1e3), None),
        (response(11, output="é" * 1_000_000), None),
        (response(12, output="é" * 1_000_001), "field 'output' must have at most 1000000 characters"),
        (
            response(13, messages=[{"role": "user", "content": "a" * 1_000_001}]),
            "field 'messages[0].content' must have at most 1000000 characters",
        ),
        # Identifiers are ids, not text: an email, a path, a sentence or an overlong key is refused.
        (response(14, user_id="ana.ruiz@example.com"), f"field 'user_id' must match {ID_PATTERN}"),
        (response(15, tenant_id="../../etc"), f"field 'tenant_id' must match {ID_PATTERN}"),
        (response(16, conversation_id="my chat"), f"field 'conversation_id' must match {ID_PATTERN}"),
        (response(17, response_id="r" * 129), f"field 'response_id' must match {ID_PATTERN}"),
        (
            response(18, retrieved_context=[{"doc_id": "kb/lead@acme.com", "text": "t", "score": 1}]),
            f"field 'retrieved_context[0].doc_id' must match {ID_PATTERN}",
        ),
        (response(19, user_id="u:19.a_b-C"), None),
    ]
    reasons = judge(tmp_path, "responses", [line(record) for record, _ in cases])
    assert reasons == [reason for _, reason in cases]


def test_event_times_past_the_landing_day_are_quarantined(tmp_path: Path) -> None:
    # Guards the future-time rule: up to a day past the end of the landing day is clock drift and kept;
    # later is quarantined naming the day (not the value), and a valid repeat of its id is the one kept.
    lines = [
        line(feedback(1, "copy", created_at="2026-11-02T23:59:59Z")),
        line(feedback(2, "copy", created_at="2026-11-03T00:00:00Z")),
        line(feedback(3, "copy", created_at="2099-01-01T00:00:00+02:00")),
        line(feedback(3, "copy")),
    ]
    assert judge(tmp_path, "feedback", lines) == [
        None,
        "field 'created_at' is more than 1 day(s) after the end of its landing day 2026-11-01",
        "field 'created_at' is more than 1 day(s) after the end of its landing day 2026-11-01",
        None,
    ]


def test_a_key_repeated_in_one_object_is_quarantined(tmp_path: Path) -> None:
    # Guards against a repeated key silently keeping its last value: the line is quarantined naming the key,
    # at the top level or in a nested object (an outcome's name given twice); the same name in a text, or in
    # two objects (the outcome's "value" inside the line's "value"), is no repetition.
    repeated = line(feedback(1, "thumb"))[:-1] + ', "value": "down"}'
    quoted = line(feedback(2, "comment", value='she typed "value": twice'))
    outcome = feedback(3, "outcome")
    nested = line(outcome).replace('"name": "tests_passed"', '"name": "tests_passed", "name": "deployed"')
    assert judge(tmp_path, "feedback", [repeated, quoted, nested, line(outcome)]) == [
        "key 'value' appears twice in the object",
        None,
        "key 'name' appears twice in a nested object",
        None,
    ]


# ---------------------------------------------------------------- duplicates


def test_later_repeats_of_an_id_are_quarantined_with_the_first_location(tmp_path: Path) -> None:
    # Guards dedup: the first valid occurrence in (file, line) order wins, across files of the day.
    write_landing(
        tmp_path,
        "feedback",
        "part-0000.jsonl.gz",
        [line(feedback(1, signal="nope")), line(feedback(1)), line(feedback(2))],
    )
    write_landing(tmp_path, "feedback", "part-0001.jsonl", [line(feedback(2, "rating")), line(feedback(1))])
    batch = checked(validate_landing_day(tmp_path, "feedback", DAY))

    assert batch.rows.select("event_id", "source_file", "source_line").rows() == [
        ("e-1", "feedback/2026-11-01/part-0000.jsonl.gz", 2),
        ("e-2", "feedback/2026-11-01/part-0000.jsonl.gz", 3),
    ]
    assert batch.quarantined.select("source_file", "source_line", "reason").rows() == [
        ("feedback/2026-11-01/part-0000.jsonl.gz", 1, "field 'signal' must be one of " + ", ".join(SIGNALS)),
        (
            "feedback/2026-11-01/part-0001.jsonl",
            1,
            "duplicate event_id 'e-2' (first at feedback/2026-11-01/part-0000.jsonl.gz:3)",
        ),
        (
            "feedback/2026-11-01/part-0001.jsonl",
            2,
            "duplicate event_id 'e-1' (first at feedback/2026-11-01/part-0000.jsonl.gz:2)",
        ),
    ]


def test_consent_repeats_are_the_same_user_tenant_time_and_action(tmp_path: Path) -> None:
    # Guards consent dedup: no id, so the same (user, tenant, instant, action) is a repeat.
    reasons = judge(
        tmp_path,
        "consent",
        [
            line(consent(1, created_at="2026-11-01T10:00:00Z")),
            line(consent(1, created_at="2026-11-01T11:00:00+01:00")),  # the same instant
            line(consent(1, created_at="2026-11-01T10:00:00Z", action="erase")),
            line(consent(1, created_at="2026-11-01T10:00:01Z")),
        ],
    )
    assert reasons == [
        None,
        "duplicate (user_id, tenant_id, created_at, action) "
        "('u-1', 'acme', '2026-11-01 10:00:00.000000', 'opt_out_training') "
        "(first at consent/2026-11-01/part-0000.jsonl:1)",
        None,
        None,
    ]


def test_responses_are_deduplicated_by_response_id(tmp_path: Path) -> None:
    # Guards the responses dedup key.
    reasons = judge(
        tmp_path, "responses", [line(response(1)), line(response(1, output="other")), line(response(2))]
    )
    assert reasons == [
        None,
        "duplicate response_id 'r-1' (first at responses/2026-11-01/part-0000.jsonl:1)",
        None,
    ]


# ---------------------------------------------------------------- reading files


def test_gzip_and_plain_files_give_the_same_rows(tmp_path: Path) -> None:
    # Guards reading: compression is chosen by extension and does not change content.
    lines = [line(response(i)) for i in range(5)] + ["", "oops"]
    write_landing(tmp_path / "plain", "responses", "part-0000.jsonl", lines)
    write_landing(tmp_path / "gz", "responses", "part-0000.jsonl.gz", lines)
    plain = checked(validate_landing_day(tmp_path / "plain", "responses", DAY))
    zipped = checked(validate_landing_day(tmp_path / "gz", "responses", DAY))

    assert plain.rows.height == 5
    assert plain.rows.drop("source_file").equals(zipped.rows.drop("source_file"))
    assert plain.quarantined.drop("source_file").equals(zipped.quarantined.drop("source_file"))
    assert set(zipped.rows["source_file"]) == {"responses/2026-11-01/part-0000.jsonl.gz"}


def test_unreadable_bytes_are_quarantined_with_their_line_numbers(tmp_path: Path) -> None:
    # Guards damaged files: bad UTF-8, a cut gzip stream and a non-gzip .gz never crash the day.
    folder = tmp_path / "consent" / DAY.isoformat()
    folder.mkdir(parents=True)
    good = [line(consent(i)).encode() for i in range(4)]
    (folder / "a.jsonl").write_bytes(
        good[0] + b"\r\n" + b'{"user_id": "\xff\xfe"}\n' + good[1]
    )  # CRLF, no final LF
    noise = random.Random("noise").randbytes(40_000).hex().encode()  # incompressible: the cut lands in it
    whole = gzip.compress(good[2] + b"\n" + good[3] + b"\n" + noise + b"\n")
    (folder / "b.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    (folder / "c.jsonl.gz").write_bytes(good[0] + b"\n")
    batch = checked(validate_landing_day(tmp_path, "consent", DAY))

    assert batch.rows.select("source_file", "source_line", "user_id").rows() == [
        ("consent/2026-11-01/a.jsonl", 1, "u-0"),
        ("consent/2026-11-01/a.jsonl", 3, "u-1"),
        ("consent/2026-11-01/b.jsonl.gz", 1, "u-2"),
        ("consent/2026-11-01/b.jsonl.gz", 2, "u-3"),
    ]
    quarantined = batch.quarantined.select("source_file", "source_line", "reason", "raw_line").rows()
    assert quarantined[0] == (
        "consent/2026-11-01/a.jsonl",
        2,
        "line is not valid UTF-8 (invalid start byte at byte 13)",
        '{"user_id": "\ufffd\ufffd"}',
    )
    assert quarantined[1][:2] == ("consent/2026-11-01/b.jsonl.gz", 3)
    assert quarantined[1][2].startswith(
        "unreadable gzip data: Compressed file ended before the end-of-stream marker"
    )
    assert quarantined[1][2].endswith("(after line 2)")
    assert quarantined[2][:2] == ("consent/2026-11-01/c.jsonl.gz", 1)
    assert quarantined[2][2].startswith("unreadable gzip data: Not a gzipped file")
    assert len(quarantined) == 3
    assert (
        count_landing_lines(tmp_path, "consent", DAY) == batch.lines_read == 7
    )  # the byte-level recount agrees


def test_landing_files_and_dates_list_only_log_files_and_day_folders(tmp_path: Path) -> None:
    # Guards discovery: sorted, only *.jsonl / *.jsonl.gz, only YYYY-MM-DD folders of known streams, and the
    # report of what it leaves.
    write_landing(tmp_path, "feedback", "part-0001.jsonl.gz", [])
    write_landing(tmp_path, "feedback", "part-0000.jsonl", [])
    write_landing(tmp_path, "feedback", "notes.txt", [])
    write_landing(tmp_path, "consent", "part-0000.jsonl", [], day=date(2026, 10, 30))
    (tmp_path / "responses" / "incoming").mkdir(parents=True)
    (tmp_path / "unknown_stream" / "2026-01-01").mkdir(parents=True)
    # Links never lead discovery outside the landing folder (issue 16): a linked file, a linked day folder.
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    write_landing(outside, "feedback", "secret.jsonl", ['{"password": "hunter2"}'], day=date(2026, 10, 1))
    (tmp_path / "feedback" / DAY.isoformat() / "part-0002.jsonl").symlink_to(
        outside / "feedback" / "2026-10-01" / "secret.jsonl"
    )
    (tmp_path / "feedback" / "2026-10-01").symlink_to(outside / "feedback" / "2026-10-01")

    assert [p.name for p in landing_files(tmp_path, "feedback", DAY)] == [
        "part-0000.jsonl",
        "part-0001.jsonl.gz",
    ]
    assert landing_files(tmp_path, "responses", DAY) == []
    assert landing_files(tmp_path, "feedback", date(2026, 10, 1)) == []
    assert landing_dates(tmp_path) == [date(2026, 10, 30), DAY]
    # Everything discovery passes over is reported with its reason, nothing silently.
    (tmp_path / "consent" / "2026-W44-5").mkdir()
    (tmp_path / "part-0009.jsonl").write_text("")
    (tmp_path / "generation_summary.json").write_text("{}")
    assert unread_entries(tmp_path) == [
        ("consent/2026-W44-5", "folder name is not a date (YYYY-MM-DD)"),
        ("feedback/2026-10-01", "a symbolic link, never followed"),
        ("feedback/2026-11-01/notes.txt", "not a log file (*.jsonl or *.jsonl.gz)"),
        ("feedback/2026-11-01/part-0002.jsonl", "a symbolic link, never followed"),
        ("part-0009.jsonl", "a log file outside the <stream>/<YYYY-MM-DD>/ folders"),
        ("responses/incoming", "folder name is not a date (YYYY-MM-DD)"),
        ("unknown_stream", "not a stream folder (responses, feedback or consent)"),
    ]


def test_a_day_without_files_is_an_empty_typed_batch(tmp_path: Path) -> None:
    # Guards the empty partition: both frames exist with their table schemas.
    batch = checked(validate_landing_day(tmp_path, "responses", DAY))
    assert (batch.lines_read, batch.rows.schema) == (0, raw_polars_schema("responses"))
    with pytest.raises(UnknownStreamError):
        validate_landing_day(tmp_path, "clicks", DAY)


# ---------------------------------------------------------------- determinism and the contract itself


def test_output_is_sorted_and_identical_on_rerun(tmp_path: Path) -> None:
    # Guards determinism: same tables on a re-run, and whatever order the lines are handed in.
    rng = random.Random("rerun")
    write_landing(
        tmp_path, "feedback", "part-0001.jsonl", [generated_line("feedback", i, rng) for i in range(150)]
    )
    write_landing(
        tmp_path, "feedback", "part-0000.jsonl.gz", [generated_line("feedback", i, rng) for i in range(150)]
    )
    first = checked(validate_landing_day(tmp_path, "feedback", DAY))
    second = checked(validate_landing_day(tmp_path, "feedback", DAY))
    lines, _ = read_landing_lines(tmp_path, landing_files(tmp_path, "feedback", DAY))
    shuffled = checked(validate_lines(lines.sample(fraction=1.0, shuffle=True, seed=3), "feedback", DAY))

    for batch in (second, shuffled):
        assert batch.rows.equals(first.rows)
        assert batch.quarantined.equals(first.quarantined)
    for frame in (first.rows, first.quarantined):
        assert frame.select("source_file", "source_line").rows() == sorted(
            frame.select("source_file", "source_line").rows()
        )
    assert first.rows.height > 0 and first.quarantined.height > 0


def test_editing_the_schema_changes_validation() -> None:
    # Guards that rules are derived from the schema, not hard-coded: tighten one rule, relax another.
    schema = json_schema("responses")
    schema["properties"]["language"]["minLength"] = 3
    schema["required"].remove("retrieved_context")
    without_context = {k: v for k, v in response(1, language="fra").items() if k != "retrieved_context"}
    lines = pl.DataFrame(
        {
            "source_file": "responses/x.jsonl",
            "source_line": [1, 2],
            "raw_line": [line(without_context), line(response(2, language="en"))],
            "read_error": None,
        },
        schema=LINE_SCHEMA,
    )
    batch = checked(validate_lines(lines, "responses", DAY, schema=schema))
    assert batch.rows.select("response_id", "language", "retrieved_context").rows() == [("r-1", "fra", None)]
    assert batch.quarantined["reason"].to_list() == ["field 'language' must have at least 3 characters"]
    packaged = checked(validate_lines(lines, "responses", DAY))
    assert packaged.quarantined["reason"].to_list() == ["missing required field 'retrieved_context'"]


@pytest.mark.parametrize(
    ("stream", "edit", "message"),
    [
        ("consent", lambda s: s["properties"]["user_id"].update(pattern="^(?!u-)"), "look-around"),
        (
            "consent",
            lambda s: s.update(additionalProperties={"type": "string"}),
            "only 'additionalProperties: false' is supported",
        ),
        (
            "consent",
            lambda s: s["properties"]["created_at"].update(format="date"),
            "format 'date' is not supported",
        ),
        (
            "consent",
            lambda s: s["properties"]["action"].update(enum=[1, 2]),
            "only string values are supported",
        ),
        ("feedback", lambda s: s["allOf"][0].update({"else": {}}), "'else' is not supported"),
        (
            "feedback",
            lambda s: s["allOf"][0]["if"]["properties"]["signal"].update(enum=["thumb"]),
            "a string 'const'",
        ),
        (
            "responses",
            lambda s: s["properties"]["messages"].update(prefixItems=[{"type": "object"}]),
            "'prefixItems' is not supported",
        ),
    ],
)
def test_an_unsupported_schema_keyword_fails_loudly(
    stream: str, edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    # Guards against silently ignoring a rule the translator cannot enforce.
    schema = json_schema(stream)
    edit(schema)
    with pytest.raises(UnsupportedSchemaError, match=re.escape(message)):
        validate_lines(pl.DataFrame(schema=LINE_SCHEMA), stream, DAY, schema=schema)


def test_a_malformed_schema_is_refused_before_any_line_is_judged() -> None:
    # Guards against translating a schema that JSON Schema itself rejects (a typo'd value type).
    schema = json_schema("consent")
    schema["properties"]["user_id"]["minLength"] = "1"
    with pytest.raises(jsonschema.SchemaError):
        validate_lines(pl.DataFrame(schema=LINE_SCHEMA), "consent", DAY, schema=schema)


def test_raw_frames_have_the_documented_columns_and_types() -> None:
    # Guards the table contract of docs/architecture.md that the ingest assets write.
    message = pl.Struct({"role": pl.String, "content": pl.String})
    context = pl.Struct({"doc_id": pl.String, "text": pl.String, "score": pl.Float64})
    lineage = {"landing_date": pl.Date, "source_file": pl.String, "source_line": pl.Int64}
    ids = ["response_id", "conversation_id", "tenant_id", "user_id"]
    assert raw_polars_schema("responses") == pl.Schema(
        {
            **dict.fromkeys(ids, pl.String),
            "created_at": pl.Datetime("us"),
            **dict.fromkeys(["model", "model_version", "prompt_version", "feature", "language"], pl.String),
            "messages": pl.List(message),
            "retrieved_context": pl.List(context),
            "output": pl.String,
            "latency_ms": pl.Int64,
            **lineage,
        }
    )
    assert raw_polars_schema("feedback") == pl.Schema(
        {
            **dict.fromkeys(["event_id", "response_id", "tenant_id", "user_id"], pl.String),
            "created_at": pl.Datetime("us"),
            **dict.fromkeys(["signal", "value", "client"], pl.String),
            **lineage,
        }
    )
    assert raw_polars_schema("consent") == pl.Schema(
        {
            "user_id": pl.String,
            "tenant_id": pl.String,
            "created_at": pl.Datetime("us"),
            "action": pl.String,
            **lineage,
        }
    )
    assert quarantine_polars_schema() == pl.Schema(
        {
            "stream": pl.String,
            "landing_date": pl.Date,
            "source_file": pl.String,
            "source_line": pl.Int64,
            "reason": pl.String,
            "raw_line": pl.String,
        }
    )


def test_a_large_day_is_validated_whole(tmp_path: Path) -> None:
    # Guards the vectorised path on a large file: every line accounted for, one bad line found by number.
    # Throughput is measured by bench/log_validation_throughput.py, not here.
    rng = random.Random("scale")
    signals = [rng.choice(SIGNALS) for _ in range(1000)]
    lines = [line(feedback(i, signals[i % 1000])) for i in range(20_000)]
    lines[777] = "not json"
    write_landing(tmp_path, "feedback", "part-0000.jsonl.gz", lines)

    batch = checked(validate_landing_day(tmp_path, "feedback", DAY))

    assert (batch.lines_read, batch.rows.height) == (20_000, 19_999)
    assert batch.quarantined.select("source_line", "reason").rows() == [(778, "invalid JSON")]


def test_each_file_is_recorded_with_the_size_and_hash_of_the_bytes_read(tmp_path: Path) -> None:
    # Guards issue 16 item 5: the record of a file read comes from the same bytes its lines came from (stored,
    # compressed for gzip), so a file rewritten afterwards cannot be recorded with its new content.
    write_landing(tmp_path, "feedback", "part-0000.jsonl.gz", [line(feedback(1))])
    write_landing(tmp_path, "feedback", "part-0001.jsonl", [line(feedback(2)), line(feedback(3))])
    batch = checked(validate_landing_day(tmp_path, "feedback", DAY))
    paths = landing_files(tmp_path, "feedback", DAY)
    assert [(read.file, read.bytes, read.sha256) for read in batch.files_read] == [
        (path.relative_to(tmp_path).as_posix(), path.stat().st_size, file_sha256(path)) for path in paths
    ]
    assert batch.lines_read == 3
