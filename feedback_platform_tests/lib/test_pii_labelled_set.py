"""The PII evaluation set made from generated sample logs: spans exactly on the planted values, all found."""

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from feedback_platform.lib.pii_eval import load_labelled_set
from feedback_platform.lib.sample_logs import (
    SUMMARY_FILE,
    GenerationSummary,
    SampleLogConfig,
    generate_sample_logs,
)
from feedback_platform.lib.sample_logs.labelled_set import PlantedValues, write_labelled_pii_set

CONFIG = SampleLogConfig(days=2, responses_per_day=80, seed=5)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[GenerationSummary, Path, list[dict]]:
    """A small generated landing tree, its summary, and the labelled set written from it."""
    landing = tmp_path_factory.mktemp("landing", numbered=False)
    summary = generate_sample_logs(CONFIG, landing)
    out = landing.parent / "labelled.jsonl"
    count = write_labelled_pii_set(landing, out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert count == len(records)
    return summary, out, records


def _landing_objects_text(landing: Path) -> str:
    """Every line of the text streams that parses as a JSON object, for finding where values stand."""
    lines = []
    for path in sorted([*landing.glob("responses/*/*"), *landing.glob("feedback/*/*")]):
        data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
        for line in data.decode("utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines)


def test_spans_point_at_exactly_the_planted_values(generated) -> None:
    # Guards the labels: each span reads its value in the text, with the entity type the generator gave it.
    summary, _, records = generated
    planted = set(summary.planted_pii)
    spans = [(record["text"], span) for record in records for span in record["spans"]]
    assert len(spans) > 50
    for text, span in spans:
        assert text[span["start"] : span["end"]] == span["value"]
        assert (span["entity_type"], span["value"]) in planted


def test_every_occurrence_of_every_planted_value_is_labelled(generated) -> None:
    # Guards recall of the labels: an unlabelled planted value would count as over-redaction, not a leak.
    summary, out, records = generated
    for record in records:
        labelled = Counter(span["value"] for span in record["spans"])
        for _, value in summary.planted_pii:
            assert record["text"].count(value) == labelled[value], (value, record["text"])
    # Every planted value written on a readable line is in the set; only truncated lines may hide one.
    labelled_values = {span["value"] for record in records for span in record["spans"]}
    unlabelled = {value for _, value in summary.planted_pii} - labelled_values
    readable = _landing_objects_text(out.parent / "landing")
    assert not {value for value in unlabelled if value in readable}
    assert len(labelled_values) >= len(summary.planted_pii) - 2
    assert {entity for entity, _ in summary.planted_pii} == {
        span["entity_type"] for record in records for span in record["spans"]
    }


def test_records_load_as_a_labelled_set_with_texts_free_of_pii(generated) -> None:
    # Guards the format: the pii_eval loader reads every record, and clean texts are there for over-redaction.
    _, out, records = generated
    loaded = load_labelled_set(out)
    assert len(loaded) == len(records)
    assert len({record.text for record in loaded}) == len(loaded)
    assert sum(1 for record in loaded if not record.spans) > sum(1 for record in loaded if record.spans) > 20
    fields = {record["field"] for record in records}
    assert {"messages.system", "messages.user", "retrieved_context", "output"} <= fields
    assert any(field.startswith("feedback.") for field in fields)


# Guards the per-language scores: users' and the model's texts carry their response's language (feedback
# its rated response's), operator-written ones none; the loader keeps it.
def test_records_name_the_language_of_what_users_and_the_model_wrote(generated) -> None:
    _, out, records = generated
    languages = {record["field"]: set() for record in records}
    for record in records:
        languages[record["field"]].add(record["language"])
    assert languages["messages.system"] == {None} and languages["retrieved_context"] == {None}
    assert len(languages["messages.user"]) > 1 and None not in languages["messages.user"]
    assert None not in languages["output"]
    feedback = set().union(*(found for field, found in languages.items() if field.startswith("feedback.")))
    assert feedback and None not in feedback
    loaded = load_labelled_set(out)
    assert [record.language for record in loaded] == [record["language"] for record in records]


def test_same_config_gives_the_same_bytes(generated, tmp_path: Path) -> None:
    # Guards determinism: a second generation with the same config gives a byte-identical labelled set.
    _, out, _ = generated
    generate_sample_logs(CONFIG, tmp_path / "landing")
    write_labelled_pii_set(tmp_path / "landing", tmp_path / "again.jsonl")
    assert (tmp_path / "again.jsonl").read_bytes() == out.read_bytes()


def test_overlapping_values_keep_the_longer_and_every_occurrence() -> None:
    # Guards overlap handling: a name inside a longer planted value is not labelled twice.
    finder = PlantedValues(
        [("PERSON", "Ann Lee"), ("STREET_ADDRESS", "4 Ann Lee Road, Leeds"), ("PERSON", "Bo")]
    )
    text = "Ann Lee lives at 4 Ann Lee Road, Leeds; Ann Lee and Bo agree."
    assert [(text[start:end], entity) for start, end, entity in finder.spans(text)] == [
        ("Ann Lee", "PERSON"),
        ("4 Ann Lee Road, Leeds", "STREET_ADDRESS"),
        ("Ann Lee", "PERSON"),
        ("Bo", "PERSON"),
    ]
    assert PlantedValues([]).spans(text) == []


def test_reads_plain_and_gzip_files_and_skips_broken_lines(tmp_path: Path) -> None:
    # Guards the reader: both file kinds, free-text feedback only, and malformed lines skipped.
    response = {
        "messages": [{"role": "user", "content": "Call me at 212-555-0101."}],
        "retrieved_context": [{"doc_id": "d", "text": "Refunds take 5 days.", "score": 0.9}],
        "output": "Sure, Eva Ruiz.",
    }
    feedback = [
        {"signal": "comment", "value": "Wrong, ask Eva Ruiz at 212-555-0101"},
        {"signal": "thumb", "value": "up"},
        {"signal": "reformulate", "value": "How long do refunds take?"},
    ]
    (tmp_path / "responses" / "2026-11-01").mkdir(parents=True)
    (tmp_path / "feedback" / "2026-11-01").mkdir(parents=True)
    lines = json.dumps(response) + "\n" + json.dumps(response)[:30] + "\n[1, 2]\n"
    (tmp_path / "responses" / "2026-11-01" / "part-0000.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    (tmp_path / "feedback" / "2026-11-01" / "part-0000.jsonl").write_text(
        "".join(json.dumps(event) + "\n" for event in feedback), encoding="utf-8"
    )
    summary = GenerationSummary(
        {}, {}, {}, {}, [("PHONE_NUMBER", "212-555-0101"), ("PERSON", "Eva Ruiz")], []
    )
    (tmp_path / SUMMARY_FILE).write_text(json.dumps(summary.to_dict()), encoding="utf-8")

    assert write_labelled_pii_set(tmp_path, tmp_path / "set.jsonl") == 5
    records = [json.loads(line) for line in (tmp_path / "set.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [
        (r["field"], r["text"], [(s["entity_type"], s["value"]) for s in r["spans"]]) for r in records
    ] == [
        ("messages.user", "Call me at 212-555-0101.", [("PHONE_NUMBER", "212-555-0101")]),
        ("retrieved_context", "Refunds take 5 days.", []),
        ("output", "Sure, Eva Ruiz.", [("PERSON", "Eva Ruiz")]),
        (
            "feedback.comment",
            "Wrong, ask Eva Ruiz at 212-555-0101",
            [("PERSON", "Eva Ruiz"), ("PHONE_NUMBER", "212-555-0101")],
        ),
        ("feedback.reformulate", "How long do refunds take?", []),
    ]
