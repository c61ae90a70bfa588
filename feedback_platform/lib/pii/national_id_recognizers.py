"""National identity numbers of the countries the product serves, from Presidio's predefined recognizers.

Presidio ships them for one language each (Spanish NIF for "es", Italian fiscal code for "it"); users write
them in whatever language they type, and the engine analyses every text with one registry, so each is
built for every language the engine reads. Their own checks stay: NIF and NIE letters, the fiscal code's check
character, the NINO's prefixes. The bare-digit ones (the NHS number's ten digits, the German tax id's
eleven) look like any phone number or order id, so they count only next to their own context words
("NHS", "Steuer-ID"). So do passports, identity cards and the German social-security number, whose
patterns are a few letters and digits: only next to a word for the document, in any of the six languages
(Presidio's own context for them holds "us", "italiano" or "viaggio", which half the texts contain).
"""

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import (
    DeIdCardRecognizer,
    DePassportRecognizer,
    DeSocialSecurityRecognizer,
    DeTaxIdRecognizer,
    EsNieRecognizer,
    EsNifRecognizer,
    EsPassportRecognizer,
    ItFiscalCodeRecognizer,
    ItIdentityCardRecognizer,
    ItPassportRecognizer,
    NhsRecognizer,
    UkNinoRecognizer,
    UkPassportRecognizer,
    UsPassportRecognizer,
)

from feedback_platform.lib.pii.digit_gate import has_digits

MIN_ID_DIGITS = 6
"""No national id here has fewer digits (the NINO has six): texts with fewer skip their recognizers, as most
do."""
MIN_DOCUMENT_DIGITS = 1
"""A passport or identity-card number may hold a single digit among its letters."""

DIGITS_ONLY_SCORE = 0.3
"""Below the engine's threshold: a digits-only id needs a context word, which adds Presidio's 0.35."""


class _SkipsTextsWithFewDigits:
    """Runs the recognizer only on texts holding at least `min_digits` digits."""

    min_digits = MIN_ID_DIGITS

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if not has_digits(text, self.min_digits):
            return []
        return super().analyze(text, entities, nlp_artifacts, regex_flags)  # type: ignore[misc]


def _gated(recognizer_class: type[PatternRecognizer]) -> type[PatternRecognizer]:
    return type(recognizer_class.__name__, (_SkipsTextsWithFewDigits, recognizer_class), {})


def _needing_context(patterns: list[Pattern]) -> list[Pattern]:
    return [Pattern(pattern.name, pattern.regex, DIGITS_ONLY_SCORE) for pattern in patterns]


class _ChecksumDoesNotLift:
    """A passing checksum leaves the pattern's low score as it is (Presidio would raise it to the maximum);
    a failing one still drops the match, and a pattern without a check (None) keeps it."""

    def validate_result(self, pattern_text: str) -> bool | None:
        return False if super().validate_result(pattern_text) is False else None  # type: ignore[misc]


class ContextualNhsRecognizer(_SkipsTextsWithFewDigits, _ChecksumDoesNotLift, NhsRecognizer):
    """The NHS number only near "NHS" or "health"."""

    PATTERNS = _needing_context(NhsRecognizer.PATTERNS)


class ContextualTaxIdRecognizer(_SkipsTextsWithFewDigits, _ChecksumDoesNotLift, DeTaxIdRecognizer):
    """The German tax id only near "Steuer-ID", its synonyms or "tax"."""

    PATTERNS = _needing_context(DeTaxIdRecognizer.PATTERNS)
    CONTEXT = [*DeTaxIdRecognizer.CONTEXT, "steuer", "tax"]
    """"Steuer-ID" is three tokens to spaCy, and Presidio compares context words with single tokens."""


PASSPORT_WORDS = ["passport", "reisepass", "passnummer", "passeport", "pasaporte", "passaporto", "paspoort"]
IDENTITY_CARD_WORDS = [
    *("identity", "id card", "ausweis", "identit", "carte d", "dni", "documento", "identiteitskaart", "cie"),
]
SOCIAL_SECURITY_WORDS = ["sozialversicherung", "rentenversicherung", "versicherungsnummer", "svnr", "rvnr"]
"""Words for each document in the six languages, as substrings of a nearby token ("identità", "Ausweis")."""


def _document_recognizer(
    recognizer_class: type[PatternRecognizer], context: list[str]
) -> type[PatternRecognizer]:
    """`recognizer_class` with its patterns needing one of `context` (and not Presidio's own words); a check
    digit, where the class has one, still drops a match but no longer lifts its score."""
    has_checksum = recognizer_class.validate_result is not PatternRecognizer.validate_result
    bases = (_SkipsTextsWithFewDigits, *([_ChecksumDoesNotLift] * has_checksum), recognizer_class)
    return type(
        recognizer_class.__name__,
        bases,
        {
            "PATTERNS": _needing_context(recognizer_class.PATTERNS),
            "CONTEXT": context,
            "min_digits": MIN_DOCUMENT_DIGITS,
        },
    )


DOCUMENT_RECOGNIZERS: tuple[type[PatternRecognizer], ...] = (
    *(
        _document_recognizer(recognizer, PASSPORT_WORDS)
        for recognizer in (
            DePassportRecognizer,
            EsPassportRecognizer,
            ItPassportRecognizer,
            UkPassportRecognizer,
            UsPassportRecognizer,
        )
    ),
    *(
        _document_recognizer(recognizer, IDENTITY_CARD_WORDS)
        for recognizer in (DeIdCardRecognizer, ItIdentityCardRecognizer)
    ),
    _document_recognizer(DeSocialSecurityRecognizer, SOCIAL_SECURITY_WORDS),
)


def national_id_recognizers() -> list[EntityRecognizer]:
    """The national-id recognizers, built for English texts (the registry copies them to other languages)."""
    language = "en"
    return [
        *(
            _gated(recognizer)(supported_language=language)
            for recognizer in (UkNinoRecognizer, EsNifRecognizer, EsNieRecognizer, ItFiscalCodeRecognizer)
        ),
        ContextualNhsRecognizer(supported_language=language),
        ContextualTaxIdRecognizer(supported_language=language),
        *(recognizer(supported_language=language) for recognizer in DOCUMENT_RECOGNIZERS),
    ]
