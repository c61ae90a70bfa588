"""The recognizers the engine runs, chosen from its configuration: Presidio's predefined ones, tuned, and
the project's custom ones."""

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerRegistry
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    DateRecognizer,
    EmailRecognizer,
    IpRecognizer,
    UrlRecognizer,
    UsSsnRecognizer,
)

from feedback_platform.lib.pii import address_patterns as addr
from feedback_platform.lib.pii.config import RedactorConfig
from feedback_platform.lib.pii.phone import (
    CASE_SENSITIVE,
    STRONG_CONTEXT,
    GroupedDigitsPhoneRecognizer,
    InternationalPhoneRecognizer,
    RegionalPhoneRecognizer,
)
from feedback_platform.lib.pii.recognizers import (
    ApiKeyRecognizer,
    CaseInsensitiveIbanRecognizer,
    PersonCueRecognizer,
    PlausibleNerRecognizer,
    StreetAddressRecognizer,
)

NER_ENTITIES = ("PERSON", "LOCATION", "NRP", "DATE_TIME", "ORGANIZATION")
"""Entities that come from the spaCy model rather than from a pattern."""

CARD_PATTERNS = [
    *CreditCardRecognizer.PATTERNS,
    # Presidio's pattern stops at 17 digits and skips Mastercard's 2-series; cards run from 12 (Maestro)
    # to 19 digits. Every match must still pass the Luhn check, or it is dropped.
    Pattern("card_12_to_19_digits", r"\b(?:[2-6]\d{3}|1800)[- ]?\d{4}[- ]?\d{4}(?:[- ]?\d{1,7})?\b", 0.3),
]


ADDRESS_BLOCK_CONTEXT = [*StreetAddressRecognizer.CONTEXT, "sent", "return", "drop", "meet", "visit"]
"""Words before an address; "drop" for "drops you off at", "return" for "return to"."""


def address_block_recognizer() -> PatternRecognizer:
    """Street lines told by their place in an address block (next to a unit or a postcode line) rather than
    by a street-type word, so they hold in any language, script or case."""
    return PatternRecognizer(
        supported_entity="STREET_ADDRESS",
        name="AddressBlockRecognizer",
        patterns=[
            Pattern("street_before_unit", addr.STREET_BEFORE_UNIT, 0.6),
            Pattern("street_after_unit", addr.STREET_AFTER_UNIT, 0.6),
            Pattern("address_block_without_unit", addr.ADDRESS_BLOCK_WITHOUT_UNIT, 0.5),
            Pattern("lowercase_address_tail", addr.LOWERCASE_ADDRESS_TAIL, 0.5),
            Pattern("lowercase_number_name_number", addr.LOWERCASE_NUMBER_NAME_NUMBER_STREET, 0.2),
        ],
        context=ADDRESS_BLOCK_CONTEXT,
        global_regex_flags=CASE_SENSITIVE,
    )


def build_recognizers(config: RedactorConfig) -> list[EntityRecognizer]:
    """The recognizers serving `config.entities`, and no others (each one runs on every text)."""
    candidates: list[EntityRecognizer] = [
        EmailRecognizer(),
        RegionalPhoneRecognizer(supported_regions=config.phone_regions, context=STRONG_CONTEXT),
        InternationalPhoneRecognizer(),
        GroupedDigitsPhoneRecognizer(),
        CreditCardRecognizer(patterns=CARD_PATTERNS),
        CaseInsensitiveIbanRecognizer(),
        UsSsnRecognizer(),
        IpRecognizer(),
        UrlRecognizer(),
        DateRecognizer(),
        ApiKeyRecognizer(),
        StreetAddressRecognizer(),
        address_block_recognizer(),
        PersonCueRecognizer(),
    ]
    wanted = set(config.entities)
    recognizers = [rec for rec in candidates if wanted.intersection(rec.supported_entities)]
    ner_entities = [entity for entity in NER_ENTITIES if entity in wanted]
    if ner_entities:
        recognizers.append(PlausibleNerRecognizer(supported_entities=ner_entities))
    return recognizers


def build_recognizer_registry(config: RedactorConfig) -> RecognizerRegistry:
    """An English registry holding exactly the recognizers of `config`."""
    return RecognizerRegistry(recognizers=build_recognizers(config), supported_languages=["en"])
