"""PiiRedactor's contract with the redaction assets: typed placeholders, order, None, duplicates."""

import itertools

import pytest
from presidio_anonymizer import AnonymizerEngine, ConflictResolutionStrategy
from presidio_anonymizer.entities import OperatorConfig

from feedback_platform.lib.pii import ENGINE_VERSION, REDACTED_ENTITIES, PiiRedactor, RedactorConfig


@pytest.fixture(scope="module")
def redactor() -> PiiRedactor:
    return PiiRedactor()


def test_each_entity_type_gets_its_own_placeholder(redactor: PiiRedactor) -> None:
    # Guards the placeholder format downstream datasets rely on: "<TYPE>", one per entity.
    texts = [
        "My name is Olivia Carter.",
        "Mail me at olivia.carter@gmail.com please.",
        "My number is (415) 555-0142.",
        "My card 4111 1111 1111 1111 was charged twice.",
        "Ship it to 1234 Elm Street, Springfield.",
        "My key is sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z.",
        "Refund to IBAN DE89 3704 0044 0532 0130 00 please.",
        "My SSN is 078-05-1121.",
        "The server at 192.168.14.27 is down.",
    ]
    assert redactor.redact(texts) == [
        "My name is <PERSON>.",
        "Mail me at <EMAIL_ADDRESS> please.",
        "My number is <PHONE_NUMBER>.",
        "My card <CREDIT_CARD> was charged twice.",
        "Ship it to <STREET_ADDRESS>.",
        "My key is <API_KEY>.",
        "Refund to IBAN <IBAN_CODE> please.",
        "My SSN is <US_SSN>.",
        "The server at <IP_ADDRESS> is down.",
    ]


def test_none_and_empty_texts_are_kept_as_they_are(redactor: PiiRedactor) -> None:
    # Guards NULL handling: a missing value stays NULL and an empty string stays empty.
    assert redactor.redact([None, "", "Call Emma Brooks", None]) == [None, "", "Call <PERSON>", None]
    assert redactor.redact([]) == []


def test_order_is_kept_and_duplicates_map_back_to_every_position(redactor: PiiRedactor) -> None:
    # Guards the dedup inside a call: repeated texts are analysed once but every row gets its result.
    system_prompt = "You are a helpful assistant for Acme support."
    texts = [
        system_prompt,
        "I am Noah Bennett, reach me at noah.b@outlook.com",
        system_prompt,
        None,
        "I am Noah Bennett, reach me at noah.b@outlook.com",
        "Thanks, that worked!",
        system_prompt,
    ]
    redacted = redactor.redact(texts)
    assert redacted == [
        system_prompt,
        "I am <PERSON>, reach me at <EMAIL_ADDRESS>",
        system_prompt,
        None,
        "I am <PERSON>, reach me at <EMAIL_ADDRESS>",
        "Thanks, that worked!",
        system_prompt,
    ]


def test_spans_replaced_give_what_presidio_replace_gives(redactor: PiiRedactor) -> None:
    # Guards the span cache: splicing placeholders into the resolved spans equals Presidio's own "replace"
    # over the analyzer's results, overlapping and adjacent entities included.
    texts = [
        "I am Noah Bennett, reach me at noah.b@outlook.com or +44 20 7946 0958.",
        "Dear Emma Brooks and Liam Chen, the server 10.0.0.12 rejected card 4111 1111 1111 1111.",
        "Ship it to 1234 Elm Street, Springfield, IL 62704 for Olivia Carter.",
        "Nothing personal here.",
    ]
    anonymizer = AnonymizerEngine()
    operators = {
        entity: OperatorConfig("replace", {"new_value": f"<{entity}>"}) for entity in REDACTED_ENTITIES
    }
    expected = [
        anonymizer.anonymize(
            text=text,
            analyzer_results=results,
            operators=operators,
            conflict_resolution=ConflictResolutionStrategy.REMOVE_INTERSECTIONS,
        ).text
        for text, results in zip(texts, redactor.analyze(texts), strict=True)
    ]
    assert redactor.redact(texts) == expected
    spans = redactor.find_spans(texts)
    assert spans[-1] == ()
    for found in spans:
        assert all(left.end <= right.start for left, right in itertools.pairwise(found))


def test_dates_nationalities_and_ordinary_prose_are_left_alone(redactor: PiiRedactor) -> None:
    # Guards the deliberate entity choice: DATE_TIME, NRP and URL-like file names are not redacted.
    texts = [
        "Please translate this paragraph into French and then into German.",
        "The meeting moved to Monday, 3 March 2025 at 14:30.",
        "Update README.md and main.py, then bump the version from 1.2.3 to 1.3.0.",
        "Use temperature 0.7, max_tokens=512 and top_p 0.95; it cost $49.99.",
    ]
    assert redactor.redact(texts) == texts


def test_config_is_hashable_for_the_resource_cache() -> None:
    # Guards the Dagster resource, which caches one engine per RedactorConfig.
    assert hash(RedactorConfig()) == hash(RedactorConfig())
    assert ENGINE_VERSION


# Guards the card lengths Presidio's own pattern misses: 12-digit Maestro (legacy 0604 range included),
# Mastercard's 2-series, 19 digits written 4-4-4-4-3; a number failing the Luhn check is no card.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Points on credit card 060412345674 please", "Points on credit card <CREDIT_CARD> please"),
        ("Maestro card 6759 1234 5678 9012 342 was declined.", "Maestro card <CREDIT_CARD> was declined."),
        ("Card 2221 0000 1234 5673 expired.", "Card <CREDIT_CARD> expired."),
        ("Order 060412345675 shipped.", "Order 060412345675 shipped."),
    ],
)
def test_cards_of_every_length_are_redacted(redactor: PiiRedactor, text: str, expected: str) -> None:
    assert redactor.redact([text]) == [expected]
