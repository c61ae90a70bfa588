"""Tests of the sample-log generator on one 7-day x 200-responses sample (the default config)."""

import collections
import dataclasses
import datetime
import gzip
import json
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import phonenumbers
import pytest
from presidio_analyzer.predefined_recognizers import EsNieRecognizer, EsNifRecognizer, UkNinoRecognizer

from feedback_platform.lib.logs.contract import json_schema
from feedback_platform.lib.sample_logs import (
    ENTITY_TYPES,
    STREAMS,
    SUMMARY_FILE,
    GenerationSummary,
    SampleLogConfig,
    generate_sample_logs,
    read_generation_summary,
)
from feedback_platform.lib.sample_logs.pii import LANGUAGES, luhn_check_digit

MALFORMED_KINDS = {
    "truncated_json",
    "not_an_object",
    "missing_required_field",
    "bad_timestamp",
    "unknown_signal",
    "wrong_value_type",
}
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _is_rfc3339(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    datetime.datetime.fromisoformat(value)  # raises ValueError on impossible dates such as month 13
    return True


def _validators() -> dict[str, jsonschema.Draft202012Validator]:
    # jsonschema checks date-time only with rfc3339-validator installed, which it is not: register a checker.
    checker = jsonschema.FormatChecker()
    checker.checks("date-time", raises=ValueError)(_is_rfc3339)
    return {
        stream: jsonschema.Draft202012Validator(json_schema(stream), format_checker=checker)
        for stream in STREAMS
    }


@dataclass(frozen=True)
class Line:
    stream: str
    file: str
    number: int
    folder_date: datetime.date
    text: str


@dataclass(frozen=True)
class Sample:
    out_dir: Path
    summary: GenerationSummary
    progress: list[tuple[int, int]]
    lines: list[Line]
    records: dict[str, list[dict]]

    def valid(self, stream: str) -> list[dict]:
        return self.records[stream]


def _read_lines(out_dir: Path) -> list[Line]:
    lines = []
    for path in sorted(out_dir.glob("*/*/part-0000.jsonl*")):
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        relative = path.relative_to(out_dir).as_posix()
        stream, day = relative.split("/")[:2]
        texts = data.decode("utf-8").split("\n")
        assert texts.pop() == "", "every line ends with a newline"
        for number, text in enumerate(texts, start=1):
            lines.append(Line(stream, relative, number, datetime.date.fromisoformat(day), text))
    return lines


def _tree_bytes(out_dir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out_dir).as_posix(): p.read_bytes() for p in sorted(out_dir.rglob("*")) if p.is_file()
    }


def _parses_and_validates(line: Line, validators: dict[str, jsonschema.Draft202012Validator]) -> bool:
    try:
        record = json.loads(line.text)
    except json.JSONDecodeError:
        return False
    return validators[line.stream].is_valid(record)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    out_dir = tmp_path_factory.mktemp("landing")
    progress: list[tuple[int, int]] = []
    summary = generate_sample_logs(
        SampleLogConfig(), out_dir, on_progress=lambda d, t: progress.append((d, t))
    )
    lines = _read_lines(out_dir)
    malformed = {(m[1], m[2]) for m in summary.malformed}
    records: dict[str, list[dict]] = {stream: [] for stream in STREAMS}
    for line in lines:
        if (line.file, line.number) not in malformed:
            records[line.stream].append(json.loads(line.text))
    return Sample(out_dir, summary, progress, lines, records)


@pytest.fixture(scope="module")
def responses_by_id(sample: Sample) -> dict[str, dict]:
    return {r["response_id"]: r for r in sample.valid("responses")}


@pytest.fixture(scope="module")
def unique_feedback(sample: Sample) -> list[dict]:
    seen: set[str] = set()
    events = []
    for event in sample.valid("feedback"):
        if event["event_id"] not in seen:
            seen.add(event["event_id"])
            events.append(event)
    return events


# Guards determinism: the same config must give a byte-identical tree, another seed a different one.
def test_same_config_writes_byte_identical_tree(sample: Sample, tmp_path: Path) -> None:
    generate_sample_logs(SampleLogConfig(), tmp_path / "again")
    assert _tree_bytes(tmp_path / "again") == _tree_bytes(sample.out_dir)
    generate_sample_logs(SampleLogConfig(days=1, seed=8), tmp_path / "other")
    first_day = "responses/2026-11-01/part-0000.jsonl.gz"
    assert (tmp_path / "other" / first_day).read_bytes() != (sample.out_dir / first_day).read_bytes()


# Guards the landing layout: one file per stream and day folder, both gzip and plain, summary at the root.
def test_layout_has_one_file_per_stream_and_day_in_both_encodings(sample: Sample) -> None:
    days = [(datetime.date(2026, 11, 1) + datetime.timedelta(days=i)).isoformat() for i in range(7)]
    for stream in STREAMS:
        assert sorted(p.name for p in (sample.out_dir / stream).iterdir()) == days
        for day in days:
            assert len(list((sample.out_dir / stream / day).iterdir())) == 1
    files = list(sample.out_dir.glob("*/*/part-0000.jsonl*"))
    gzipped = [p for p in files if p.suffix == ".gz"]
    assert gzipped and len(gzipped) < len(files)
    assert all(p.read_bytes()[4:8] == b"\0\0\0\0" for p in gzipped)  # gzip header mtime is zero
    assert read_generation_summary(sample.out_dir) == sample.summary
    assert json.loads((sample.out_dir / SUMMARY_FILE).read_text())["config"]["start_date"] == "2026-11-01"
    assert sample.progress == [(day, 7) for day in range(1, 8)]
    assert sample.summary.describe().startswith("1,400 response lines, ")


# Guards the contract: every line not reported as malformed validates against its stream's JSON Schema.
def test_well_formed_lines_validate_against_contracts(sample: Sample) -> None:
    validators = _validators()
    for stream in STREAMS:
        for record in sample.valid(stream):
            validators[stream].validate(record)
            assert record["created_at"].endswith("Z")
    assert sample.summary.lines_written["responses"] == 7 * 200
    assert {
        s: sum(1 for line in sample.lines if line.stream == s) for s in STREAMS
    } == sample.summary.lines_written


# Guards the quarantine test data: exactly the listed lines break the contract, in every kind, at ~0.5%.
def test_every_malformed_line_fails_its_contract_and_is_listed(sample: Sample) -> None:
    validators = _validators()
    failing = {
        (line.file, line.number) for line in sample.lines if not _parses_and_validates(line, validators)
    }
    assert failing == {(m[1], m[2]) for m in sample.summary.malformed}
    assert {m[3] for m in sample.summary.malformed} == MALFORMED_KINDS
    assert 0.002 <= len(failing) / len(sample.lines) <= 0.01
    texts = {(line.file, line.number): line.text for line in sample.lines}
    wrong_values = [texts[(m[1], m[2])] for m in sample.summary.malformed if m[3] == "wrong_value_type"]
    assert any('"value":"sideways"' in t for t in wrong_values)
    assert any('"signal":"rating","value":"' in t for t in wrong_values)
    counts = collections.Counter(m[0] for m in sample.summary.malformed)
    assert dict(counts) == {s: n for s, n in sample.summary.malformed_lines.items() if n}


# Guards realism of engagement: signal rates per response stay within what real products see.
def test_feedback_rates_are_realistic(sample: Sample, unique_feedback: list[dict]) -> None:
    counts = collections.Counter(event["signal"] for event in unique_feedback)
    responses = sample.summary.lines_written["responses"]
    expected = {
        "thumb": (0.05, 0.15),
        "rating": (0.03, 0.08),
        "comment": (0.01, 0.03),
        "edit": (0.01, 0.07),
        "copy": (0.10, 0.20),
        "regenerate": (0.05, 0.11),
        "dwell": (0.33, 0.47),
        "abandon": (0.03, 0.07),
        "reformulate": (0.02, 0.06),
    }
    for signal, (low, high) in expected.items():
        assert low <= counts[signal] / responses <= high, signal
    assert {e["value"] for e in unique_feedback if e["signal"] == "rating"} <= {1, 2, 3, 4, 5}


# Guards ordering in time: feedback is created after its response, and late events land one day later.
def test_feedback_follows_its_response_and_late_events_land_next_day(
    sample: Sample, responses_by_id: dict[str, dict], unique_feedback: list[dict]
) -> None:
    for event in unique_feedback:
        response = responses_by_id.get(event["response_id"])
        assert response is not None, "feedback points at a response that was written well-formed"
        assert event["created_at"] > response["created_at"]
    first_seen: set[str] = set()
    late = 0
    validators = _validators()
    for line in sample.lines:
        if line.stream != "feedback" or not _parses_and_validates(line, validators):
            continue
        event = json.loads(line.text)
        created = datetime.date.fromisoformat(event["created_at"][:10])
        if event["event_id"] not in first_seen:
            late += line.folder_date == created + datetime.timedelta(days=1)
            assert line.folder_date in (created, created + datetime.timedelta(days=1))
        first_seen.add(event["event_id"])
    assert late == sample.summary.late_events["feedback"]
    assert 0.007 <= late / len(unique_feedback) <= 0.03


# Guards duplicates: ~1% of feedback events are repeated with the same id, some in the next day's file.
def test_duplicate_feedback_events_repeat_the_same_line(sample: Sample) -> None:
    by_id: dict[str, list[Line]] = collections.defaultdict(list)
    for line in sample.lines:
        match = re.match(r'\{"event_id":"([0-9a-f-]+)"', line.text)
        if line.stream == "feedback" and match:
            by_id[match.group(1)].append(line)
    repeats = {event_id: copies for event_id, copies in by_id.items() if len(copies) > 1}
    assert sum(len(copies) - 1 for copies in repeats.values()) == sample.summary.duplicates["feedback"]
    assert all(len({c.text for c in copies}) == 1 for copies in repeats.values())
    assert any(len({c.folder_date for c in copies}) == 2 for copies in repeats.values())
    assert 0.002 <= len(repeats) / len(by_id) <= 0.025


def _positive_share(events: list[dict]) -> float:
    votes = [e["value"] == "up" for e in events if e["signal"] == "thumb"]
    votes += [e["value"] >= 4 for e in events if e["signal"] == "rating"]
    return sum(votes) / len(votes)


def _mean_rating(events: list[dict]) -> float:
    return statistics.mean(e["value"] for e in events if e["signal"] == "rating")


# Guards that quality differences are measurable: strong vs weak model, regressed prompt version vs others.
def test_models_and_prompt_versions_differ_in_quality(
    responses_by_id: dict[str, dict], unique_feedback: list[dict]
) -> None:
    by_model: dict[str, list[dict]] = collections.defaultdict(list)
    by_prompt: dict[str, list[dict]] = collections.defaultdict(list)
    for event in unique_feedback:
        response = responses_by_id[event["response_id"]]
        by_model[response["model"]].append(event)
        by_prompt[response["prompt_version"]].append(event)
    assert len({(r["model"], r["model_version"]) for r in responses_by_id.values()}) == 4
    strong, weak = by_model["atlas-large"], by_model["orca-legacy"]
    assert _positive_share(strong) - _positive_share(weak) >= 0.2
    assert _mean_rating(strong) - _mean_rating(weak) >= 0.3
    others = by_prompt["v1"] + by_prompt["v2"]
    assert _positive_share(others) - _positive_share(by_prompt["v3-exp"]) >= 0.08


# Guards the redaction test data: every planted value of every entity type is really in the logs.
def test_planted_pii_appears_in_user_text_feedback_and_context(sample: Sample) -> None:
    planted = sample.summary.planted_pii
    assert {kind for kind, _ in planted} == set(ENTITY_TYPES)
    everything = "\n".join(line.text for line in sample.lines)
    assert all(value in everything for _, value in planted)
    user_text = "\n".join(
        m["content"] for r in sample.valid("responses") for m in r["messages"] if m["role"] == "user"
    )
    context = "\n".join(c["text"] for r in sample.valid("responses") for c in r["retrieved_context"])
    comments = "\n".join(e["value"] for e in sample.valid("feedback") if e["signal"] == "comment")
    edits = "\n".join(e["value"] for e in sample.valid("feedback") if e["signal"] == "edit")
    for text in (user_text, context, comments, edits):
        assert any(value in text for _, value in planted)
    for kind, value in planted:
        if kind == "CREDIT_CARD":
            digits = re.sub(r"\D", "", value)
            assert luhn_check_digit(digits[:-1]) == digits[-1]
        if kind == "PHONE_NUMBER":
            # Numbers with the 00 prefix dial as +; national ones are Italian or Dutch.
            number = "+" + value[2:] if value.startswith("00") else value
            assert any(
                phonenumbers.is_valid_number(phonenumbers.parse(number, region))
                for region in ("US", "IT", "NL")
            ), value
    assert any(re.fullmatch(r"\(\d{3}\) 555-01\d\d", v) for _, v in planted)
    assert any(v.startswith(("+44", "+49", "+33", "+34", "+39", "+31")) for _, v in planted)
    assert {v[:3] for k, v in planted if k == "API_KEY"} >= {"sk-", "AKI", "ghp"}


# Guards the locales the labelled set measures: users share their data in their own language's forms (names
# with particles, local street grammar), and national ids carry a valid check letter or prefix.
def test_users_share_their_data_in_their_locales_forms(sample: Sample) -> None:
    planted = sample.summary.planted_pii
    ids = [value for kind, value in planted if kind == "NATIONAL_ID"]
    assert ids
    for value in ids:
        valid = (
            EsNifRecognizer().validate_result(value)
            or EsNieRecognizer().validate_result(value)
            or UkNinoRecognizer().analyze(value, ["UK_NINO"])
        )
        assert valid, value
    streets = [value for kind, value in planted if kind == "STREET_ADDRESS"]
    assert any(re.search(r", \d{4} [A-Z]{2} [A-Z]", street) for street in streets)  # Dutch postcodes
    assert any(street.startswith(("Via ", "Viale ", "Corso ", "Piazza ")) for street in streets)
    names = [value for kind, value in planted if kind == "PERSON"]
    assert any(re.search(r" (?:van|de|von) ", name) for name in names)


# Guards the residual-PII scan: outside planted values, no text looks like an email, phone or card number.
def test_text_outside_planted_pii_has_no_pii_lookalikes(sample: Sample) -> None:
    texts: set[str] = set()
    for response in sample.valid("responses"):
        texts.update(m["content"] for m in response["messages"])
        texts.update(c["text"] for c in response["retrieved_context"])
        texts.add(response["output"])
    texts.update(e["value"] for e in sample.valid("feedback") if isinstance(e.get("value"), str))
    planted = sorted({value for _, value in sample.summary.planted_pii}, key=len, reverse=True)
    for text in texts:
        for value in planted:
            text = text.replace(value, " ")
        assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", text), text
        assert not re.search(r"\d(?:[ ().-]?\d){6,}", text), text
        assert not re.search(r"\b(?:sk-|AKIA|ghp_)", text), text
        for region in ("US", "GB", "DE", "FR"):
            assert not list(phonenumbers.PhoneNumberMatcher(text, region)), text


# Guards DPO thumbs pairs: the same prompt (same messages, same tenant) gets an up and a down vote.
def test_same_prompt_gets_thumbs_up_and_down(
    responses_by_id: dict[str, dict], unique_feedback: list[dict]
) -> None:
    votes: dict[tuple[str, str], dict[str, set[str]]] = collections.defaultdict(
        lambda: collections.defaultdict(set)
    )
    for event in unique_feedback:
        if event["signal"] == "thumb":
            response = responses_by_id[event["response_id"]]
            prompt = json.dumps(response["messages"])
            votes[(response["tenant_id"], prompt)][event["value"]].add(response["response_id"])
    pairs = [v for v in votes.values() if v["up"] and v["down"] and v["up"] != v["down"]]
    assert len(pairs) >= 3


# Guards conversation realism: follow-ups carry earlier turns, system prompts and documents repeat.
def test_conversations_carry_earlier_turns_and_prompts_repeat(sample: Sample) -> None:
    responses = sample.valid("responses")
    follow_ups = [r for r in responses if sum(m["role"] == "user" for m in r["messages"]) > 1]
    assert len(follow_ups) / len(responses) > 0.2
    assert all([m["role"] for m in r["messages"][:3]] == ["system", "user", "assistant"] for r in follow_ups)
    system_prompts = collections.Counter(r["messages"][0]["content"] for r in responses)
    assert len(system_prompts) <= 5 * 3 * 3 and system_prompts.most_common(1)[0][1] > 20
    documents = collections.Counter(c["doc_id"] for r in responses for c in r["retrieved_context"])
    assert documents.most_common(1)[0][1] > 20
    assert all(1 <= len(r["retrieved_context"]) <= 3 for r in responses if r["retrieved_context"])
    assert {r["language"] for r in responses} == set(LANGUAGES)
    assert len({r["tenant_id"] for r in responses}) == 5
    assert {r["feature"] for r in responses} >= {
        "support_chat",
        "search_answer",
        "email_draft",
        "code_assist",
    }


# Guards consent test data: opt-outs, opt-ins and erasures exist, and opted-out users left useful feedback.
def test_consent_events_make_exclusion_observable(
    sample: Sample, responses_by_id: dict[str, dict], unique_feedback: list[dict]
) -> None:
    events = sorted(sample.valid("consent"), key=lambda e: e["created_at"])
    assert {e["action"] for e in events} == {"opt_out_training", "opt_in_training", "erase"}
    latest = {(e["tenant_id"], e["user_id"]): e["action"] for e in events}
    opted_out = {user for (_, user), action in latest.items() if action == "opt_out_training"}
    assert len(opted_out) >= 3
    useful = {
        e["user_id"]
        for e in unique_feedback
        if (e["signal"] == "rating" and e["value"] >= 4) or e["signal"] == "edit"
    }
    assert len(opted_out & useful) >= 2
    erased = {e["user_id"]: e["created_at"][:10] for e in events if e["action"] == "erase"}
    for response in responses_by_id.values():
        if response["user_id"] in erased:
            assert response["created_at"][:10] < erased[response["user_id"]]
    assert any(r["user_id"] in erased for r in responses_by_id.values())


# Guards the edges: one day with a handful of responses works and leaves nothing for a day not written.
def test_single_small_day(tmp_path: Path) -> None:
    summary = generate_sample_logs(SampleLogConfig(days=1, responses_per_day=5, seed=3), tmp_path)
    assert summary.lines_written["responses"] == 5
    assert summary.late_events["feedback"] == 0
    assert sorted(p.name for p in (tmp_path / "feedback").iterdir()) == ["2026-11-01"]
    with pytest.raises(ValueError):
        SampleLogConfig(days=0)


# Guards the realistic mode: unique outputs of 100-400 words and unique user turns with a vocabulary of
# thousands of word types, the same planted PII and feedback rates as the templated sample, and the same
# bytes for the same config.
def test_realistic_text_is_unique_long_and_keeps_the_planted_pii(tmp_path: Path) -> None:
    config = SampleLogConfig(days=2, responses_per_day=1000, seed=3, realistic_text=True)
    summary = generate_sample_logs(config, tmp_path / "realistic")
    malformed = {(m[1], m[2]) for m in summary.malformed}
    responses = [
        json.loads(line.text)
        for line in _read_lines(tmp_path / "realistic")
        if line.stream == "responses" and (line.file, line.number) not in malformed
    ]
    outputs = [record["output"] for record in responses]
    lengths = sorted(len(output.split()) for output in outputs)
    assert lengths[len(lengths) // 20] >= 100
    assert lengths[-len(lengths) // 20] <= 450
    assert len(set(outputs)) >= 0.95 * len(outputs)
    user_turns = [
        record["messages"][-1]["content"] for record in responses if record["messages"][-1]["role"] == "user"
    ]
    assert len(set(user_turns)) >= 0.9 * len(set(record["conversation_id"] for record in responses))
    templated = generate_sample_logs(
        dataclasses.replace(config, realistic_text=False), tmp_path / "templated"
    )
    assert summary.unique_words >= 10_000
    assert summary.unique_words > 5 * templated.unique_words
    assert len(summary.planted_pii) == pytest.approx(len(templated.planted_pii), rel=0.2)
    for stream in ("responses", "feedback"):
        assert summary.lines_written[stream] == pytest.approx(templated.lines_written[stream], rel=0.1)

    generate_sample_logs(config, tmp_path / "again")
    assert _tree_bytes(tmp_path / "again") == _tree_bytes(tmp_path / "realistic")
