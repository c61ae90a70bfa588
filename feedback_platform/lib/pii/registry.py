"""The recognizers the engine runs, chosen from its configuration: Presidio's predefined ones, tuned, and
the project's custom ones."""

import copy
from collections.abc import Sequence

from presidio_analyzer import EntityRecognizer, Pattern, RecognizerRegistry
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    DateRecognizer,
    EmailRecognizer,
    IpRecognizer,
    UrlRecognizer,
    UsSsnRecognizer,
)

from feedback_platform.lib.pii.accented_name_recognizer import AccentedNameRecognizer
from feedback_platform.lib.pii.api_key_recognizer import ApiKeyRecognizer
from feedback_platform.lib.pii.config import RedactorConfig
from feedback_platform.lib.pii.driver_licence_recognizer import DriverLicenceRecognizer
from feedback_platform.lib.pii.iban_recognizer import CaseInsensitiveIbanRecognizer
from feedback_platform.lib.pii.national_id_recognizers import national_id_recognizers
from feedback_platform.lib.pii.person_cue_recognizer import PersonCueRecognizer
from feedback_platform.lib.pii.phone import (
    STRONG_CONTEXT,
    GroupedDigitsPhoneRecognizer,
    InternationalPhoneRecognizer,
    RegionalPhoneRecognizer,
)
from feedback_platform.lib.pii.plausible_ner_recognizer import PlausibleNerRecognizer
from feedback_platform.lib.pii.rare_word_name_recognizer import RareWordNameRecognizer
from feedback_platform.lib.pii.spelled_out_email import spelled_out_email_recognizer
from feedback_platform.lib.pii.street_address_recognizers import (
    StreetAddressRecognizer,
    address_block_recognizer,
    cued_street_recognizer,
)

NER_ENTITIES = ("PERSON", "LOCATION", "NRP", "DATE_TIME", "ORGANIZATION")
"""Entities that come from the spaCy model rather than from a pattern."""

CARD_PATTERNS = [
    *CreditCardRecognizer.PATTERNS,
    # Presidio's pattern stops at 17 digits and skips Mastercard's 2-series and Maestro's legacy 0604
    # range; cards run from 12 (Maestro) to 19 digits, 19 written 4-4-4-4-3. Every match must still pass
    # the Luhn check, or it is dropped.
    Pattern(
        "card_12_to_19_digits",
        r"\b(?:[2-6]\d{3}|1800|0604)[- ]?\d{4}[- ]?\d{4}(?:[- ]?\d{4}(?:[- ]?\d{3}(?!\d))?|[- ]?\d{1,7})?\b",
        0.3,
    ),
]


def build_recognizers(config: RedactorConfig) -> list[EntityRecognizer]:
    """The recognizers serving `config.entities`, and no others (each one runs on every text)."""
    candidates: list[EntityRecognizer] = [
        EmailRecognizer(),
        spelled_out_email_recognizer(),
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
        DriverLicenceRecognizer(),
        StreetAddressRecognizer(),
        address_block_recognizer(),
        cued_street_recognizer(),
        PersonCueRecognizer(),
        AccentedNameRecognizer(),
        RareWordNameRecognizer(),
        *national_id_recognizers(),
    ]
    wanted = set(config.entities)
    recognizers = [rec for rec in candidates if wanted.intersection(rec.supported_entities)]
    ner_entities = [entity for entity in NER_ENTITIES if entity in wanted]
    if ner_entities:
        recognizers.append(PlausibleNerRecognizer(supported_entities=ner_entities))
    return recognizers


def build_recognizer_registry(config: RedactorConfig, languages: Sequence[str]) -> RecognizerRegistry:
    """A registry holding exactly the recognizers of `config`, once per pipeline language.

    Presidio binds each recognizer to one language. The patterns here serve every language alike, so each
    pipeline language gets a copy of every recognizer; the NER recognizer's copy reads that language's
    pipeline."""
    recognizers = build_recognizers(config)
    return RecognizerRegistry(
        recognizers=[
            _for_language(recognizer, language) for language in languages for recognizer in recognizers
        ],
        supported_languages=list(languages),
    )


def _for_language(recognizer: EntityRecognizer, language: str) -> EntityRecognizer:
    clone = copy.copy(recognizer)
    clone.supported_language = language
    return clone
