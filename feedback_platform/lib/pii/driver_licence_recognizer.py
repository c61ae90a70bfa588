"""The DRIVER_LICENSE recognizer: a licence number where the text says it is one.

Licence numbers have no format common to the states and countries that issue them (digits, a letter and
digits, groups with dashes), so a bare pattern would take order numbers and ids for licences. Here the
number must follow a licence cue in English, German, French, Spanish, Italian or Dutch ("driver's license
number is", "Führerscheinnummer", "permis de conduire n°", "carnet de conducir", "patente di guida",
"rijbewijs"), and hold at least four digits.
"""

from presidio_analyzer import Pattern, PatternRecognizer

from feedback_platform.lib.pii.pattern_flags import CASE_SENSITIVE

_CUE = (
    r"(?i:driver'?s?[ \t]+licen[cs]e|driving[ \t]+licen[cs]e|licen[cs]e[ \t]+(?:no\.?|number|\#)|DL[ \t]*\#?"
    r"|f\u00fchrerschein(?:nummer)?|permis[ \t]+de[ \t]+conduire"
    r"|(?:carnet|licencia|permiso)[ \t]+de[ \t]+conducir"
    r"|patente(?:[ \t]+di[ \t]+guida)?|rijbewijs(?:nummer)?)"
)
"""Words that announce a driving licence, in the six languages the product serves."""
_FILLER = (
    r"(?:[ \t]+(?i:number|no\.?|n[\u00b0\u00ba]|nr\.?|nummer|num\u00e9ro|n\u00famero|numero"
    r"|is|es|est|ist|\u00e8|:))*"
)
"""What may stand between the cue and the number: "number", "is", "n°", a colon."""
LICENCE_PATTERN = rf"(?<=\b{_CUE}{_FILLER}[ \t]*[:\#]?[ \t]*)[A-Z0-9][A-Z0-9-]{{4,19}}\b"

MIN_DIGITS = 4
"""Fewer digits than this after a cue is a word or a reference, not a licence number."""


class DriverLicenceRecognizer(PatternRecognizer):
    """Driving-licence numbers right after a licence cue."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="DRIVER_LICENSE",
            patterns=[Pattern("licence_number_after_cue", LICENCE_PATTERN, 0.85)],
            global_regex_flags=CASE_SENSITIVE,
        )

    def validate_result(self, pattern_text: str) -> bool:
        return sum(character.isdigit() for character in pattern_text) >= MIN_DIGITS
