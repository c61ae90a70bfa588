"""The PII evaluation metric on hand-made examples: what counts as a leak, and as an ordinary word lost."""

import json
from pathlib import Path

import pytest
from presidio_analyzer import RecognizerResult

from feedback_platform.lib.pii_eval import (
    TARGETED_ENTITIES,
    LabelledSetError,
    NoLabelledSetError,
    evaluate,
    format_report,
    is_leaked,
    labelled_groups,
    load_labelled_set,
    mask_detections,
    target_results,
)
from feedback_platform.lib.pii_eval.labelled_sets import jsonl_record
from feedback_platform.lib.pii_eval.secret_samples import secret_samples


def labelled(text: str, *values: tuple[str, str]) -> dict:
    """A JSONL record labelling each (entity_type, value) at its first occurrence in `text`."""
    spans = []
    for entity, value in values:
        start = text.index(value)
        spans.append({"entity_type": entity, "start": start, "end": start + len(value), "value": value})
    return {"text": text, "spans": spans}


def test_one_name_token_left_is_a_leak() -> None:
    # Guards "any name token": a surname left after the first name was redacted still identifies.
    assert is_leaked("PERSON", "Maria Gonzalez", "Ask <PERSON> Gonzalez about it")
    assert not is_leaked("PERSON", "Maria Gonzalez", "Ask <PERSON> about it")
    # An initial is not a name token, and a token inside another word is not readable as the name.
    assert not is_leaked("PERSON", "J. Ann", "Ask J. <PERSON> about Annabel")


def test_particles_of_a_capitalised_name_are_not_leaks() -> None:
    # Guards the particles: "de" and "la" of "Elena de la Cruz" stand in every Spanish sentence and identify
    # no one, while a lower-case name typed in chat is still judged by all its words.
    assert not is_leaked("PERSON", "Elena de la Cruz", "Hola, me llamo <PERSON> de la tienda")
    assert is_leaked("PERSON", "Elena de la Cruz", "Hola, me llamo <PERSON> Cruz")
    assert is_leaked("PERSON", "patricia desrosiers", "hi, <PERSON> desrosiers here")


@pytest.mark.parametrize(
    "redacted",
    ["call 555 123 4567 now", "call 5551234567 now", "call (555) 123-4567 now", "call 555.123.4567 now"],
)
def test_number_leaks_as_its_digits_whatever_the_separators(redacted: str) -> None:
    # Guards the digit-sequence rule: reformatting a phone number does not hide it.
    assert is_leaked("PHONE_NUMBER", "555-123-4567", redacted)


def test_digits_inside_a_longer_number_are_not_the_number() -> None:
    # Guards the digit boundaries: the value's digits inside a longer digit run are another number.
    assert not is_leaked("PHONE_NUMBER", "555-123-4567", "order 95551234567 shipped")
    assert not is_leaked("PHONE_NUMBER", "555-123-4567", "call <PHONE_NUMBER> now")
    # Digits are not searched for addresses: "12" of "12 Elm Street" is in any text.
    assert not is_leaked("STREET_ADDRESS", "12 Elm Street", "on day 12 at <STREET_ADDRESS>")


def test_multiline_value_leaks_with_other_whitespace() -> None:
    # Guards whitespace collapsing: an address spread over lines is still readable on one line.
    assert is_leaked("STREET_ADDRESS", "5 Elm Street\nSpringfield", "at 5 Elm Street Springfield")


def test_over_redaction_counts_ordinary_words_lost() -> None:
    # Guards the over-redaction count: words outside labelled spans that redaction removed, nothing else.
    record = jsonl_record(labelled("Hi Anna, the Guilty Pleasures album is on sale", ("PERSON", "Anna")))
    report = evaluate([record], ["Hi <PERSON>, the <PERSON> album is on sale"], TARGETED_ENTITIES)
    assert report.non_pii_words == 8
    assert report.non_pii_words_kept == 6
    assert report.lost_words == {"Guilty": 1, "Pleasures": 1}
    assert report.entities["PERSON"].leaked == 0
    assert report.overall.spans == 1


# Guards the text-level over-redaction metric: a text with no labelled value must come out byte-identical,
# counted overall and per field, so one placeholder in a system prompt fails its target however few words
# it took.
def test_pii_free_texts_must_come_out_unchanged() -> None:
    prompt = "You are the email assistant of Acme Retail. Draft replies to customers."
    records = [
        jsonl_record({**labelled(prompt), "field": "messages.system"}),
        jsonl_record({**labelled("Where is my parcel?"), "field": "messages.user"}),
        jsonl_record({**labelled("Thanks, Anna!", ("PERSON", "Anna")), "field": "messages.user"}),
    ]
    redacted = [prompt.replace("Draft", "<PERSON>"), "Where is my parcel?", "Thanks, <PERSON>!"]
    report = evaluate(records, redacted, TARGETED_ENTITIES)
    assert (report.pii_free.texts, report.pii_free.unchanged) == (2, 1)
    assert report.pii_free.changed_examples == [redacted[0]]
    assert report.pii_free_by_field["messages.system"].changed_rate == 1.0
    assert report.pii_free_by_field["messages.user"].unchanged_rate == 1.0
    results = target_results(report)
    assert results["PII-free texts unchanged"] is False
    assert results["PII-free system prompts changed"] is False
    table = format_report(report)
    assert "PII-free texts unchanged" in table and "PII-free system prompts changed" in table
    unchanged = evaluate(records, [prompt, "Where is my parcel?", "Thanks, <PERSON>!"], TARGETED_ENTITIES)
    assert target_results(unchanged)["PII-free system prompts changed"] is True
    assert target_results(unchanged)["PII-free texts unchanged"] is True


# Guards the per-language scores: each language the set names gets its own overall leak and words kept,
# held to its own targets, so a language the engine serves badly fails however good the total looks.
def test_each_language_is_scored_against_its_own_targets() -> None:
    records = [
        jsonl_record({**labelled("Thanks, Anna, for the refund.", ("PERSON", "Anna")), "language": "en"}),
        jsonl_record({**labelled("Danke für die schnelle Hilfe heute."), "language": "de"}),
    ]
    redacted = ["Thanks, <PERSON>, for the refund.", "<PERSON> für die schnelle Hilfe heute."]
    report = evaluate(records, redacted, TARGETED_ENTITIES)
    assert sorted(report.by_language) == ["de", "en"]
    assert (report.by_language["de"].non_pii_words, report.by_language["de"].non_pii_words_kept) == (6, 5)
    assert report.by_language["en"].overall.spans == 1
    results = target_results(report)
    assert results["overall [en]"] and results["non-PII words kept [en]"]
    assert results["non-PII words kept [de]"] is False
    assert "non-PII words kept [de]" in format_report(report)


def test_report_per_entity_overall_and_targets() -> None:
    # Guards the report: per-type rows, an overall over targeted types only, and PASS/FAIL per target.
    records = [
        jsonl_record(
            labelled(
                "Call Bob Lee on 020 7946 0958.", ("PERSON", "Bob Lee"), ("PHONE_NUMBER", "020 7946 0958")
            )
        ),
        jsonl_record(labelled("I moved to Paris.", ("LOCATION", "Paris"))),
    ]
    redacted = ["Call <PERSON> Lee on <PHONE_NUMBER>.", "I moved to Paris."]
    report = evaluate(records, redacted, TARGETED_ENTITIES)
    assert report.entities["PERSON"].leaked == 1
    assert report.entities["PHONE_NUMBER"].leaked == 0
    assert report.entities["LOCATION"].leak_rate == 1.0
    assert (report.overall.spans, report.overall.leaked) == (2, 1)  # LOCATION has no target
    assert target_results(report) == {
        "overall": False,
        "PERSON": False,
        "PHONE_NUMBER": True,
        "non-PII words kept": True,
    }  # no PII-free text in the set: that row has nothing to judge
    table = format_report(report)
    assert "PERSON" in table and "FAIL" in table and "PASS" in table


def test_dev_set_format_is_mapped_to_engine_types(tmp_path: Path) -> None:
    # Guards the label mapping: GPE becomes LOCATION, ORGANIZATION is not scored, positions are checked.
    text = "Anna from Acme lives in Oslo"
    record = {
        "full_text": text,
        "spans": [
            {"entity_type": "GPE", "entity_value": "Oslo", "start_position": 24, "end_position": 28},
            {"entity_type": "ORGANIZATION", "entity_value": "Acme", "start_position": 10, "end_position": 14},
        ],
    }
    path = tmp_path / "set.json"
    path.write_text(json.dumps([record]))
    (loaded,) = load_labelled_set(path)
    assert [(span.entity_type, span.value, span.label) for span in loaded.spans] == [
        (None, "Acme", "ORGANIZATION"),
        ("LOCATION", "Oslo", "GPE"),
    ]
    record["spans"][0]["end_position"] = 27
    path.write_text(json.dumps([record]))
    with pytest.raises(LabelledSetError):
        load_labelled_set(path)


def test_jsonl_format_is_read(tmp_path: Path) -> None:
    # Guards the JSONL reader: one record a line, blank lines skipped, labels taken as engine types.
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(labelled("mail me at a@b.io", ("EMAIL_ADDRESS", "a@b.io"))) + "\n\n")
    (loaded,) = load_labelled_set(path)
    assert loaded.spans[0].entity_type == "EMAIL_ADDRESS"
    assert loaded.spans[0].value == "a@b.io"


def test_generated_secrets_are_labelled_where_they_stand() -> None:
    # Guards the secret generator: every sample labels exactly its credential, across the six formats.
    samples = secret_samples(12)
    values = [sample.spans[0].value for sample in samples]
    assert all(sample.text[s.start : s.end] == s.value for sample in samples for s in sample.spans)
    assert {value[:4] for value in values} >= {"AKIA", "ghp_", "eyJh"}
    assert any(value.startswith("xox") for value in values)
    assert any(value.startswith("sk-") for value in values)


def test_dev_set_is_the_default_only_when_present(tmp_path: Path) -> None:
    # Guards running without ../shared: an absent dev set is an error when nothing else is asked for, and
    # a present one is scored by default.
    with pytest.raises(NoLabelledSetError, match="no labelled set given"):
        labelled_groups([], dev_set=tmp_path / "absent.json")
    assert [group.name for group in labelled_groups([], secrets=2, dev_set=tmp_path / "absent.json")] == [
        "2 generated secrets"
    ]
    present = tmp_path / "dev.json"
    present.write_text(json.dumps([{"full_text": "Hi Ana", "spans": []}]), encoding="utf-8")
    (group,) = labelled_groups([], dev_set=present)
    assert group.name == str(present)
    assert [record.text for record in group.records] == ["Hi Ana"]


def test_masked_detections_merge_overlaps_and_keep_only_chosen_types() -> None:
    # Guards the entity ablation's masking: every flagged character of a chosen type is covered once.
    text = "Ana Lopez lives in Oslo since 2020"
    found = [
        RecognizerResult("PERSON", 0, 9, 0.85),
        RecognizerResult("PERSON", 4, 9, 0.5),
        RecognizerResult("LOCATION", 19, 23, 0.85),
        RecognizerResult("DATE_TIME", 30, 34, 0.85),
    ]
    assert (
        mask_detections(text, found, frozenset({"PERSON", "LOCATION"}))
        == "<PERSON> lives in <LOCATION> since 2020"
    )
    assert mask_detections(text, found, frozenset()) == text
