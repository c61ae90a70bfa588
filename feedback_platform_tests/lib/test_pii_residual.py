"""find_residual_pii: the regex scan that data-quality checks run over redacted tables."""

import polars as pl
import pytest

from feedback_platform.lib.pii import find_residual_pii
from feedback_platform.lib.pii.residual import luhn_valid
from feedback_platform.lib.redaction.frames import residual_pii


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to jane.doe+ai@example.co.uk today", [("email", "jane.doe+ai@example.co.uk")]),
        # obfuscated: a zero-width space inside the address, full-width digits in the number
        ("write to jane\u200b.doe@example.com", [("email", "jane.doe@example.com")]),
        (
            "call +44 " + "".join(chr(0xFF10 + int(d)) for d in "2079460958"),
            [("phone_number", "+44 2079460958")],
        ),
        (
            "call +44 20 7946 0958 or +1 (415) 555-0142",
            [("phone_number", "+44 20 7946 0958"), ("phone_number", "+1 (415) 555-0142")],
        ),
        (
            "office (415) 555-2671, cell 415.555.2671",
            [("phone_number", "(415) 555-2671"), ("phone_number", "415.555.2671")],
        ),
        (
            "Berlin 030 1234567, London 020 7946 0958",
            [("phone_number", "030 1234567"), ("phone_number", "020 7946 0958")],
        ),
        (
            "card 4111 1111 1111 1111 and 4111-1111-1111-1111",
            [("credit_card", "4111 1111 1111 1111"), ("credit_card", "4111-1111-1111-1111")],
        ),
        ("amex 378282246310005 on file", [("credit_card", "378282246310005")]),
        ("key=AKIAIOSFODNN7EXAMPLE", [("api_key", "AKIAIOSFODNN7EXAMPLE")]),
        (
            "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z in the prompt",
            [("api_key", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z")],
        ),
        ("Authorization: Bearer abc123def456ghi789jkl", [("api_key", "abc123def456ghi789jkl")]),
    ],
)
def test_residual_pii_is_found(text: str, expected: list[tuple[str, str]]) -> None:
    # Guards the scan's recall on each kind it claims: email, phone, Luhn-valid card, credential.
    assert find_residual_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Write to <EMAIL_ADDRESS> or call <PHONE_NUMBER>; card <CREDIT_CARD>, key <API_KEY>.",
        "Authorization: Bearer <API_KEY>, password: <API_KEY>",
        "<PERSON> lives at <STREET_ADDRESS>, <LOCATION>.",
        "The refund of $1,249.99 was processed on 2024-03-15 14:32:07 UTC.",
        "Order #1234567890 and ticket 987654321 are linked to request 8c6f1a2e-77d4-4b1f-9a31-0d2c6e5b9f10.",
        "created_at 1710512345678, latency 1234 ms, version 1.2.3, build 20240315.1",
        "Upgrade numpy from 1.26.4 to 2.0.1; the model scored 0.9134 on 1 234 567 tokens.",
        "Card-like but not Luhn-valid: 4111 1111 1111 1112.",
        "Timestamps 2024-03-15T14:32:07.123Z and 15/03/2024 10:00, ratio 16:9, IP 10.0.0.1.",
        "Use @dataclass(frozen=True) and torch==2.3.1 with python>=3.11.",
    ],
)
def test_residual_scan_stays_quiet_on_placeholders_and_ordinary_text(text: str) -> None:
    # Guards against false alarms: placeholders, prices, ids, timestamps, versions must not fire the check.
    assert find_residual_pii(text) == []


def test_luhn_check() -> None:
    # Guards the checksum that separates card numbers from other long digit runs.
    assert luhn_valid("4111111111111111")
    assert luhn_valid("378282246310005")
    assert not luhn_valid("4111111111111112")


# Guards the scan over a table's texts: a text repeated across rows (a shared system prompt) is scanned
# once, and every row holding it still gets its findings, masked, in row order.
def test_residual_findings_reach_every_row_of_a_repeated_text() -> None:
    shared = "Escalate to ops@example.com or +44 20 7946 0958."
    texts = pl.DataFrame(
        {
            "id": ["r1", "r2", "r3", "r3"],
            "field": ["system", "system", "system", "output"],
            "text": [shared, shared, shared, "Nothing to see here."],
        }
    )
    scanned: list[str] = []

    def counting_scan(text: str) -> list[tuple[str, str]]:
        scanned.append(text)
        return find_residual_pii(text)

    findings = residual_pii(texts, counting_scan)
    assert sorted(scanned) == sorted({shared, "Nothing to see here."})
    assert findings.rows() == [
        (row, "system", kind, masked)
        for row in ("r1", "r2", "r3")
        for kind, masked in (("email", "op*************"), ("phone_number", "+4**************"))
    ]
