"""The leak test: is a labelled value still readable in the redacted text?

A value is leaked when the redacted text still holds
- the value itself (also with its whitespace runs collapsed, for values spread over lines);
- for numbers (`NUMERIC_ENTITIES`), its digit sequence, whatever separators stand between the digits:
  "555-123-4567" leaks as "555 123 4567", "(555) 123 4567" or "5551234567";
- for names (`NAME_ENTITIES`), any one of its name tokens (`name_tokens`) as a whole word: "Maria" left
  from "Maria Gonzalez" is a leak.
"""

import regex as re

from feedback_platform.lib.pii_eval.labels import NAME_ENTITIES, NUMERIC_ENTITIES

MIN_LEAK_DIGITS = 4
"""Digit sequences shorter than this are not searched on their own: three digits are in any text."""

_NAME_TOKEN = re.compile(r"\p{L}[\p{L}\p{M}'\u2019]*")
_WHITESPACE = re.compile(r"\s+")


def is_leaked(entity_type: str, value: str, redacted: str) -> bool:
    """True when `value`, labelled `entity_type` in the original text, is still readable in `redacted`."""
    if value in redacted or _collapse(value) in _collapse(redacted):
        return True
    if entity_type in NUMERIC_ENTITIES and _digits_readable(value, redacted):
        return True
    return entity_type in NAME_ENTITIES and any(
        re.search(rf"(?<![\p{{L}}\p{{M}}]){re.escape(token)}(?![\p{{L}}\p{{M}}])", redacted)
        for token in name_tokens(value)
    )


def name_tokens(value: str) -> list[str]:
    """The words of a name that identify someone: two letters or more, so an initial ("J.") is not one, and
    in a capitalised name not the lower-case particles ("de", "la" of "Elena de la Cruz"), which every
    French or Spanish sentence holds."""
    tokens = [token for token in _NAME_TOKEN.findall(value) if len(token) >= 2]
    if any(token[0].isupper() for token in tokens):
        return [token for token in tokens if not token.islower()]
    return tokens


def _digits_readable(value: str, redacted: str) -> bool:
    digits = [character for character in value if character.isdigit()]
    if len(digits) < MIN_LEAK_DIGITS:
        return False
    # Digits in order, any run of non-alphanumerics between them, and no digit right before or after.
    pattern = r"(?<!\d)" + r"[\W_]*".join(digits) + r"(?!\d)"
    return re.search(pattern, redacted) is not None


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()
