"""Phone-number recognizers: Presidio's libphonenumber-based one, plus two pattern recognizers for what it
misses.

Presidio's PhoneRecognizer runs libphonenumber's matcher once per configured region. A number written with
a +country code is found whatever the regions ("+44 20 7946 0958" with regions ("US",)); the regions only
decide which national formats without a country code are tried ("020 7946 0958" needs "GB"), and each
region is one more pass over the text.
"""

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from feedback_platform.lib.pii.digit_gate import has_digits
from feedback_platform.lib.pii.pattern_flags import CASE_SENSITIVE

MIN_PHONE_DIGITS = 7
"""No phone number of the configured regions is shorter; texts with fewer digits skip the matcher."""

BARE_DIGITS_SCORE = 0.1
"""Score of a match that is an unbroken digit run ("1234567890"): it is as likely an order id or a
timestamp, so it needs a context word ("call", "phone", ...) to pass the threshold."""

STRONG_CONTEXT = [
    "phone",
    "telephone",
    "tel",
    "mobile",
    "cell",
    "call",
    "fax",
    "whatsapp",
    "sms",
    "dial",
    "contact",
    "reach",
    "answer",
    "office",
    "desk",
    "landline",
    "registered",
]
"""Context for the weak patterns; "number" is left out, it precedes order and ticket ids just as often.
"registered" for "my registered (number)". Presidio matches them as substrings of the words before a match
("answering", "Tel.")."""

LINE_LABELS = r"(?i:office|fax|mobile|cell|home|work|desk|direct|tel|phone)"
"""Labels written after a number in signatures and address blocks: "416 60 039 office", "... -Fax"."""


class RegionalPhoneRecognizer(PhoneRecognizer):
    """Presidio's PhoneRecognizer, skipped on texts with too few digits and wary of bare digit runs."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Phone numbers libphonenumber deems valid in one of the regions; bare digit runs score low."""
        if not has_digits(text, MIN_PHONE_DIGITS):
            return []
        results = super().analyze(text, entities, nlp_artifacts)
        for result in results:
            if text[result.start : result.end].isdigit():
                result.score = BARE_DIGITS_SCORE
        return results


class InternationalPhoneRecognizer(PatternRecognizer):
    """Phone numbers written with a +country code, valid or not.

    libphonenumber accepts only numbers in assigned ranges; a mistyped or fictional-range number
    ("+44 7700 900123") is still a phone number a user typed, so any +country number of 8 to 15 digits,
    with an optional extension, is taken.
    """

    PATTERNS = [
        Pattern(
            "plus_country_code",
            r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{1,5}\)?){2,6}"
            r"(?:\s?(?:x|ext\.?)\s?\d{1,6})?(?!\w)",
            0.5,
        )
    ]

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER",
            patterns=self.PATTERNS,
            context=PhoneRecognizer.CONTEXT,
            global_regex_flags=CASE_SENSITIVE,
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject matches whose digit count cannot be an international number (E.164: 8 to 15)."""
        number = re.split(r"\s?(?:x|ext\.?)\s?\d", pattern_text)[0]
        return not 8 <= sum(character.isdigit() for character in number) <= 15


class GroupedDigitsPhoneRecognizer(PatternRecognizer):
    """Digit groups such as "467 3395" or "(99) 645-791" right after a word like "phone" or "call".

    Local numbers of any country have these shapes, and so do many ids, so the pattern scores too low to
    pass on its own: only a context word lifts it over the threshold.
    """

    _GROUPS = r"(?<![\w.+/-])(?:\(\d{1,4}\)\s?)?\d{2,4}(?:[ .-]\d{2,6}){1,4}"
    PATTERNS = [
        Pattern("grouped_digits", rf"{_GROUPS}(?![\w]|[.,/-]\d)", BARE_DIGITS_SCORE),
        Pattern("grouped_digits_then_label", rf"{_GROUPS}(?=[ \t]*[-:,]?[ \t]*{LINE_LABELS}\b)", 0.5),
    ]
    _DATE = re.compile(r"\d{4}([./-])\d{1,2}\1\d{1,2}|\d{1,2}([./-])\d{1,2}\2\d{2,4}")

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER",
            patterns=self.PATTERNS,
            context=STRONG_CONTEXT,
            global_regex_flags=CASE_SENSITIVE,
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject dates and digit counts no phone number has."""
        digits = sum(character.isdigit() for character in pattern_text)
        return not 7 <= digits <= 12 or self._DATE.fullmatch(pattern_text) is not None
