"""Keyed pseudonyms: one entity, one pseudonym within a conversation, across every text of it."""

import hashlib
import re
from pathlib import Path

import pytest

from feedback_platform.lib.pii import PLACEHOLDER, BulkRedactor, KeyedPseudonyms, PiiRedactor
from feedback_platform.lib.pii.placeholders import normalised_value

KEY = "a test key that is long enough"


@pytest.fixture(scope="module")
def engine() -> PiiRedactor:
    return PiiRedactor()


def pseudonyms_in(text: str) -> list[str]:
    return re.findall(r"<[A-Z_]+_[0-9a-f]{8}>", text)


# Guards the promise: <PERSON_x> stays the same person across prompt, output, comment and edit.
def test_one_person_keeps_one_pseudonym_across_the_texts_of_a_conversation(engine: PiiRedactor) -> None:
    prompt = "Write a short thank-you note to Olivia Carter for fixing the billing bug."
    output = "Dear Olivia Carter, thank you for fixing the billing bug so quickly."
    comment = "Good, but Olivia Carter prefers a less formal tone."
    edit = "Hi Olivia Carter, thanks a lot for fixing the billing bug! Noah Bennett"
    bulk = BulkRedactor(redactor=engine, pseudonyms=KeyedPseudonyms(KEY))
    redacted = bulk.redact([prompt, output, comment, edit], scopes=["conversation-1"] * 4)

    olivia = {pseudonyms_in(text)[0] for text in redacted}
    assert len(olivia) == 1 and next(iter(olivia)).startswith("<PERSON_")
    assert redacted[1] == f"Dear {next(iter(olivia))}, thank you for fixing the billing bug so quickly."
    noah = pseudonyms_in(redacted[3])[1]
    assert noah.startswith("<PERSON_") and noah not in olivia  # another person, another pseudonym
    assert all("Olivia" not in text and "Carter" not in text for text in redacted)


# Guards unlinkability: the same person in two conversations gets two unrelated pseudonyms.
def test_another_conversation_gives_another_pseudonym(engine: PiiRedactor) -> None:
    bulk = BulkRedactor(redactor=engine, pseudonyms=KeyedPseudonyms(KEY))
    text = "Please forward this to olivia.carter@gmail.com today."
    first, second, again = bulk.redact(
        [text, text, text], scopes=["conversation-1", "conversation-2", "conversation-1"]
    )
    assert pseudonyms_in(first)[0].startswith("<EMAIL_ADDRESS_")
    assert first != second and first == again


# Guards the keyed hash: without the key nobody can test a guessed value against a pseudonym.
def test_pseudonyms_depend_on_the_key_and_are_not_a_plain_hash() -> None:
    ours = KeyedPseudonyms(KEY).pseudonym("c1", "PERSON", "Olivia Carter")
    theirs = KeyedPseudonyms("another key, also long enough").pseudonym("c1", "PERSON", "Olivia Carter")
    assert ours != theirs
    for unkeyed in ("olivia carter", "c1\x1fPERSON\x1folivia carter", "Olivia Carter"):
        assert hashlib.sha256(unkeyed.encode()).hexdigest()[:8] not in ours
    with pytest.raises(ValueError, match="at least 16 bytes"):
        KeyedPseudonyms("short")


# Guards normalisation: two spellings of one number or name are one entity.
def test_spellings_of_one_value_share_a_pseudonym() -> None:
    pseudonyms = KeyedPseudonyms(KEY)
    assert pseudonyms.pseudonym("c", "PHONE_NUMBER", "+1 (415) 555-0142") == pseudonyms.pseudonym(
        "c", "PHONE_NUMBER", "+1 415.555.0142"
    )
    assert pseudonyms.pseudonym("c", "PERSON", "Olivia  CARTER") == pseudonyms.pseudonym(
        "c", "PERSON", "olivia carter"
    )
    assert normalised_value("IBAN_CODE", "de89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    assert pseudonyms.pseudonym("c", "PERSON", "Olivia") != pseudonyms.pseudonym("c", "LOCATION", "Olivia")


# Guards the span cache: one analysis serves typed placeholders and pseudonyms in every scope.
def test_typed_and_pseudonymised_runs_share_the_cache(tmp_path: Path, engine: PiiRedactor) -> None:
    cache = tmp_path / "cache.sqlite"
    text = "I am Noah Bennett, call me on +44 20 7946 0958."
    with BulkRedactor(redactor=engine, cache_path=cache) as typed:
        assert typed.redact([text]) == ["I am <PERSON>, call me on <PHONE_NUMBER>."]
        assert typed.stats.analysed == 1
    with BulkRedactor(redactor=engine, cache_path=cache, pseudonyms=KeyedPseudonyms(KEY)) as pseudonymised:
        (redacted,) = pseudonymised.redact([text], scopes=["c1"])
        assert pseudonymised.stats.cached == 1 and pseudonymised.stats.analysed == 0
    assert [match.group(1) for match in PLACEHOLDER.finditer(redacted)] == ["PERSON", "PHONE_NUMBER"]


# Guards misuse: pseudonyms without a scope per text would silently link conversations; refused.
def test_pseudonyms_need_a_scope_for_every_text(engine: PiiRedactor) -> None:
    bulk = BulkRedactor(redactor=engine, pseudonyms=KeyedPseudonyms(KEY))
    with pytest.raises(ValueError, match="scope"):
        bulk.redact(["Call Noah Bennett."])
    with pytest.raises(ValueError, match="1 scopes for 2 texts"):
        bulk.redact(["Call Noah Bennett.", "Hi"], scopes=["c1"])
