"""National identity numbers of the countries the product serves, from Presidio's predefined recognizers.

Presidio ships them for one language each (Spanish NIF for "es", Italian fiscal code for "it"); users write
them in whatever language they type, and the engine analyses every text with one registry, so each is
built for every language the engine reads. Their own checks stay: NIF and NIE letters, the fiscal code's check
character, the NINO's prefixes. The bare-digit ones (the NHS number's ten digits, the German tax id's
eleven) look like any phone number or order id, so they count only next to their own context words
("NHS", "Steuer-ID").
"""

from presidio_analyzer import EntityRecognizer, Pattern
from presidio_analyzer.predefined_recognizers import (
    DeTaxIdRecognizer,
    EsNieRecognizer,
    EsNifRecognizer,
    ItFiscalCodeRecognizer,
    NhsRecognizer,
    UkNinoRecognizer,
)

DIGITS_ONLY_SCORE = 0.3
"""Below the engine's threshold: a digits-only id needs a context word, which adds Presidio's 0.35."""


class ContextualNhsRecognizer(NhsRecognizer):
    """The NHS number only near "NHS" or "health": a passing checksum does not lift it on its own."""

    PATTERNS = [Pattern(pattern.name, pattern.regex, DIGITS_ONLY_SCORE) for pattern in NhsRecognizer.PATTERNS]

    def validate_result(self, pattern_text: str) -> bool | None:
        """False for a failed checksum; otherwise the score stays as low as the pattern's."""
        return None if super().validate_result(pattern_text) else False


class ContextualTaxIdRecognizer(DeTaxIdRecognizer):
    """The German tax id only near "Steuer-ID", its synonyms or "tax"."""

    PATTERNS = [
        Pattern(pattern.name, pattern.regex, DIGITS_ONLY_SCORE) for pattern in DeTaxIdRecognizer.PATTERNS
    ]
    CONTEXT = [*DeTaxIdRecognizer.CONTEXT, "steuer", "tax"]
    """"Steuer-ID" is three tokens to spaCy, and Presidio compares context words with single tokens."""

    def validate_result(self, pattern_text: str) -> bool | None:
        """False for a failed checksum; otherwise the score stays as low as the pattern's."""
        return None if super().validate_result(pattern_text) else False


def national_id_recognizers() -> list[EntityRecognizer]:
    """The national-id recognizers, built for English texts (the registry copies them to other languages)."""
    language = "en"
    return [
        UkNinoRecognizer(supported_language=language),
        EsNifRecognizer(supported_language=language),
        EsNieRecognizer(supported_language=language),
        ItFiscalCodeRecognizer(supported_language=language),
        ContextualNhsRecognizer(supported_language=language),
        ContextualTaxIdRecognizer(supported_language=language),
    ]
