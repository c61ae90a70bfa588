"""Long texts are redacted in overlapping windows: every character is read, no entity is lost at a cut, and
a text short enough to be read whole is read exactly as before."""

import itertools

import pytest
import spacy
from presidio_analyzer import RecognizerResult

from feedback_platform.lib.pii.chunks import CHUNK_CHARS, OVERLAP_CHARS, merged, windows
from feedback_platform.lib.pii.engine import PiiRedactor


@pytest.fixture(scope="module")
def redactor() -> PiiRedactor:
    return PiiRedactor()


def test_a_text_that_fits_is_one_window() -> None:
    assert windows("short text") == [(0, "short text")]
    text = "x" * CHUNK_CHARS
    assert windows(text) == [(0, text)]


# Guards the windows' geometry: each is at most the size, each starts `overlap` before the end of the one
# before (so an entity shorter than the overlap lies whole in one of them), together they cover the text,
# and a window ends just after a whitespace when its last stretch has one.
@pytest.mark.parametrize("text", ["word " * 50, "abcdefghij" * 25, "a b " * 3 + "z" * 200])
def test_windows_cover_the_text_and_overlap(text: str) -> None:
    size, overlap = 40, 10
    pieces = windows(text, size=size, overlap=overlap)
    assert len(pieces) > 1
    assert all(len(piece) <= size and text[offset : offset + len(piece)] == piece for offset, piece in pieces)
    assert pieces[0][0] == 0
    assert pieces[-1][0] + len(pieces[-1][1]) == len(text)
    for (offset, piece), (next_offset, _) in itertools.pairwise(pieces):
        assert next_offset == offset + len(piece) - overlap
        ends_at_space = any(c.isspace() for c in piece[-overlap:])
        assert piece[-1].isspace() == ends_at_space


def test_repeated_finds_in_the_overlap_count_once_at_their_place() -> None:
    first = [RecognizerResult("EMAIL_ADDRESS", 90, 110, 0.5)]
    second = [RecognizerResult("EMAIL_ADDRESS", 10, 30, 1.0), RecognizerResult("PERSON", 40, 45, 0.8)]
    found = merged([(0, first), (80, second)])
    assert [(r.entity_type, r.start, r.end, r.score) for r in found] == [
        ("EMAIL_ADDRESS", 90, 110, 1.0),
        ("PERSON", 120, 125, 0.8),
    ]


# Guards issue 16's "long but legal texts are redacted in chunks, never skipped": a text longer than spaCy
# takes whole (E088), with an email across a cut that has no whitespace near it (so the cut falls inside the
# email), comes out with every planted value replaced and every other character as it was.
def test_a_text_of_several_windows_is_redacted_everywhere(redactor: PiiRedactor) -> None:
    emails = [f"person{number}@example.org" for number in range(4)]
    sentence = "The parcel was late and the tracking page kept showing the wrong depot. "
    start = f"Mail {emails[0]} first. " + sentence * ((CHUNK_CHARS - 2 * OVERLAP_CHARS) // len(sentence))
    across_the_cut = "x" * (CHUNK_CHARS - 8 - len(start) - 1) + "<" + emails[1] + ">" + "x" * 50
    rest = sentence * (spacy.blank("en").max_length // len(sentence))
    text = f"{start}{across_the_cut} {rest} then {emails[2]} and at the end {emails[3]}"
    assert len(text) > spacy.blank("en").max_length
    assert text.index(emails[1]) < CHUNK_CHARS < text.index(emails[1]) + len(emails[1])
    assert windows(text)[0][1].endswith("<" + emails[1][:8])

    redacted = redactor.redact([text])[0]

    assert not [email for email in emails if email in redacted]
    assert redacted.count("<EMAIL_ADDRESS>") == 4
    assert redacted.replace("<EMAIL_ADDRESS>", "") == _without(text, emails)


def _without(text: str, values: list[str]) -> str:
    for value in values:
        text = text.replace(value, "")
    return text
