"""Residual PII scan: regex-only, independent of Presidio, for data-quality checks on redacted tables.

It answers "did anything obviously personal get through?", so it looks only for things that regular
expressions find with little doubt: email addresses, phone numbers in unambiguous shapes, card numbers
that pass the Luhn check, and credentials. It must stay quiet on placeholders ("<PHONE_NUMBER>") and on
ordinary ids, timestamps, prices and version strings, or the check would fail on every table.
"""

import regex as re

from feedback_platform.lib.pii.normalisation import fold
from feedback_platform.lib.pii.secret_patterns import SECRET_PATTERNS

RESIDUAL_SCAN_VERSION = "2"
"""The version of what the scan finds: bump it with any pattern change, so that rows a dataset audit let
through under the old patterns are scanned again rather than carried over (defs/datasets/staged_audits.py)."""

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)

_PHONES = [
    # +country numbers: "+44 20 7946 0958", "+49 (0)30 1234567".
    re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{1,5}\)?){2,6}(?!\w)"),
    # North American: "(415) 555-2671", "415-555-2671", "415.555.2671".
    re.compile(r"(?<![\w.+-])(?:\(\d{3}\)\s?|\d{3}([-. ]))\d{3}(?(1)\1|[-. ])\d{4}(?![\w]|[.-]\d)"),
    # National numbers with a trunk 0, in groups: "020 7946 0958", "030 1234567", "024 971 50 30".
    re.compile(r"(?<![\w.+/-])0\d{1,4}[ /-]\d{2,8}(?:[ -]\d{2,4}){0,3}(?![\w]|[./:-]\d)"),
]
_PHONE_DIGITS = {0: (8, 15), 1: (10, 10), 2: (9, 12)}
"""Digit counts each phone shape must have, by its index in _PHONES."""

_CARD = re.compile(
    r"(?<![\w.,/-])(?:\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}|3[47]\d{2}[ -]?\d{6}[ -]?\d{5})(?![\w]|[.,/ -]\d)"
)
_CARD_PREFIXES = ("2", "3", "4", "5", "6", "1800")
"""Issuer prefixes of card networks (Visa 4, Mastercard 2/5, Amex/Diners/JCB 3, Discover/UnionPay 6):
a millisecond timestamp (1...) or an id starting with 7-9 is not taken for a card."""

_SECRETS = [re.compile(regex) for regex in SECRET_PATTERNS.values()]


def find_residual_pii(text: str) -> list[tuple[str, str]]:
    """(kind, matched text) for every email, phone number, card number or credential left in `text`.

    Kinds are "email", "phone_number", "credit_card" and "api_key", in order of position in the text; a
    match inside another one (a North American number inside a +1 number) is reported once. The text is
    scanned folded, as the engine analyses it, so a zero-width space or full-width digits hide nothing
    (the matched text is reported folded).
    """
    text = fold(text).text
    matches = [("email", match) for match in _EMAIL.finditer(text)]
    for index, pattern in enumerate(_PHONES):
        low, high = _PHONE_DIGITS[index]
        matches += [
            ("phone_number", match)
            for match in pattern.finditer(text)
            if low <= _count_digits(match.group()) <= high
        ]
    matches += [("credit_card", match) for match in _CARD.finditer(text) if _is_card_number(match.group())]
    matches += [("api_key", match) for pattern in _SECRETS for match in pattern.finditer(text)]

    reported: list[tuple[str, str]] = []
    covered_until = -1
    for kind, match in sorted(matches, key=lambda item: (item[1].start(), -item[1].end())):
        if match.end() <= covered_until:
            continue
        reported.append((kind, match.group()))
        covered_until = max(covered_until, match.end())
    return reported


def _count_digits(text: str) -> int:
    return sum(character.isdigit() for character in text)


def _is_card_number(candidate: str) -> bool:
    digits = "".join(character for character in candidate if character.isdigit())
    return (
        13 <= len(digits) <= 19
        and digits.startswith(_CARD_PREFIXES)
        and len(set(digits)) > 1
        and luhn_valid(digits)
    )


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn checksum that card numbers carry."""
    total = 0
    for position, character in enumerate(reversed(digits)):
        value = int(character)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0
