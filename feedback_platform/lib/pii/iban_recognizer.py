"""Presidio's IBAN recognizer, widened to IBANs typed in lower case."""

import regex as re
from presidio_analyzer.predefined_recognizers import IbanRecognizer


class CaseInsensitiveIbanRecognizer(IbanRecognizer):
    """Presidio's IBAN recognizer, also for IBANs typed in lower case ("gb42nawi0445..."): the checksum
    still has to pass, on the upper-cased value."""

    def __init__(self) -> None:
        super().__init__(regex_flags=re.DOTALL | re.MULTILINE | re.IGNORECASE)

    def validate_result(self, pattern_text: str) -> bool | None:
        """Presidio's checksum and format test on the upper-cased text."""
        return super().validate_result(pattern_text.upper())
