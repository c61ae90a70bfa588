"""Obfuscated PII: invisible characters and full-width forms are folded before analysis, and the spans
found map back onto the original text, which keeps its own characters outside them."""

import pytest

from feedback_platform.lib.pii import PiiRedactor
from feedback_platform.lib.pii.normalisation import fold
from feedback_platform.lib.pii.residual import find_residual_pii
from feedback_platform.lib.pii.spans import EntitySpan

ZERO_WIDTH_SPACE = "\u200b"
SOFT_HYPHEN = "\u00ad"
NO_BREAK_SPACE = "\u00a0"
FULL_WIDTH_PHONE = "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in "020 7946 0898")


@pytest.fixture(scope="module")
def redactor() -> PiiRedactor:
    return PiiRedactor()


# Guards the fold: invisible characters go, width variants become their plain forms, positions map back.
def test_fold_drops_invisible_characters_and_maps_back() -> None:
    text = f"j{ZERO_WIDTH_SPACE}ohn@example.com {FULL_WIDTH_PHONE}"
    folded = fold(text)
    assert folded.text == "john@example.com 020 7946 0898"
    email = EntitySpan(0, len("john@example.com"), "EMAIL_ADDRESS")
    phone = EntitySpan(len("john@example.com "), len(folded.text), "PHONE_NUMBER")
    assert folded.original_spans((email, phone)) == (
        EntitySpan(0, len("j\u200bohn@example.com"), "EMAIL_ADDRESS"),
        EntitySpan(len("j\u200bohn@example.com "), len(text), "PHONE_NUMBER"),
    )


# Guards the fast path: a text folding leaves alone needs no mapping.
@pytest.mark.parametrize("text", ["plain ascii", "Grüße aus Köln"])
def test_fold_leaves_ordinary_text_alone(text: str) -> None:
    assert fold(text).text == text
    assert fold(text).origins is None


# Guards issue 13's examples: an email split by a zero-width space and a phone number in full-width digits
# are caught, and the characters outside them (a no-break space, a soft hyphen) are stored as they were.
def test_obfuscated_email_and_phone_are_redacted_in_place(redactor: PiiRedactor) -> None:
    text = (
        f"Mail j{ZERO_WIDTH_SPACE}ohn@example.com or call {FULL_WIDTH_PHONE}, thanks{NO_BREAK_SPACE}a lot, "
        f"re{SOFT_HYPHEN}fund please."
    )
    assert redactor.redact([text]) == [
        f"Mail <EMAIL_ADDRESS> or call <PHONE_NUMBER>, thanks{NO_BREAK_SPACE}a lot, "
        f"re{SOFT_HYPHEN}fund please."
    ]


# Guards control characters (issue 16): a NUL or another C0 control inside an email or a card number hides
# nothing from the engine or the residual scan; the stored text keeps its tabs and line breaks.
def test_control_characters_hide_no_pii(redactor: PiiRedactor) -> None:
    text = "mail jo\x00hn@example.com\tcard 4111\x1b1111\x7f11111111\nthanks"
    assert redactor.redact([text]) == ["mail <EMAIL_ADDRESS>\tcard <CREDIT_CARD>\nthanks"]
    assert [kind for kind, _ in find_residual_pii(text)] == ["email", "credit_card"]


# Guards addresses spelled out to dodge filters: a dotted name before "at", or any name before "[at]", ending
# on a top-level domain; a verb before "at" is not an address.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("reach me: john dot smith at gmail dot com", "reach me: <EMAIL_ADDRESS>"),
        ("write to anna [at] acme [dot] de please", "write to <EMAIL_ADDRESS> please"),
        ("look at this dot com bubble", "look at this dot com bubble"),
    ],
)
def test_spelled_out_emails_are_redacted(redactor: PiiRedactor, text: str, expected: str) -> None:
    assert redactor.redact([text]) == [expected]
