"""Where a found person's name spreads to: the rest of a surname with particles, its recurrences in the
text, the other members of its list and the other speakers of its dialogue. Shared by the spaCy recognizer
and the cue recognizer."""

import unicodedata
from collections.abc import Iterator

import regex as re
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from feedback_platform.lib.pii.person_patterns import NAME_WORD, PARTICLES

_SURNAME_AFTER_PARTICLES = re.compile(rf"(?:[ \t]+{PARTICLES})+[ \t]+{NAME_WORD}")
_GIVEN_NAME_BEFORE_PARTICLES = re.compile(rf"{NAME_WORD}(?:[ \t]+{PARTICLES})+[ \t]+\Z")
"""Only across particles, so a greeting before a name ("Thanks Anna") is never taken into it."""

_INNER_APOSTROPHE = r"(?:['\u2019](?!s(?![\p{L}\p{M}]))[\p{L}\p{M}]+)*"
"""An apostrophe inside a name ("O'Neil", "Dell'Acqua"), not the possessive "'s" after one."""
_NAME_TOKEN = re.compile(rf"\p{{Lu}}['\u2019]?[\p{{L}}\p{{M}}]+{_INNER_APOSTROPHE}")
_ANY_NAME_TOKEN = re.compile(
    rf"\p{{Lu}}['\u2019]?[\p{{L}}\p{{M}}]+{_INNER_APOSTROPHE}"
    rf"|\p{{Ll}}['\u2019]?[\p{{L}}\p{{M}}]{{2,}}{_INNER_APOSTROPHE}"
)
"""A name's words as they recur: "Živković" after "Edi Živković's", without the possessive."""


def recurrences(
    text: str, people: list[RecognizerResult], nlp_artifacts: NlpArtifacts | None, lowercase: bool = False
) -> list[RecognizerResult]:
    """Other occurrences of a found name's words: "Asya" after "Asya Godina". A word that is also a
    stop word ("Will", "May") is not repeated, nor is one inside a found span. With `lowercase`, the
    lower-case words of a name are repeated too ("borna" after "borna jerković"), from three letters."""
    token_pattern = _ANY_NAME_TOKEN if lowercase else _NAME_TOKEN
    found = [(found_person.start, found_person.end) for found_person in people]
    tokens = {
        token
        for found_person in people
        for token in token_pattern.findall(text[found_person.start : found_person.end])
        if nlp_artifacts is None or not nlp_artifacts.nlp_engine.is_stopword(token, "en")
    }
    return [
        RecognizerResult("PERSON", start, end, people[0].score)
        for token in tokens
        for start, end in _whole_word_occurrences(text, token)
        if not any(found_start <= start < found_end for found_start, found_end in found)
    ]


def _whole_word_occurrences(text: str, word: str) -> Iterator[tuple[int, int]]:
    """The spans where `word` stands in `text` with no letter or mark on either side, left to right and not
    overlapping, as a regex with those lookarounds finds them; `str.find`, as a pattern per word would be
    compiled for every name of every text."""
    start = text.find(word)
    while start != -1:
        end = start + len(word)
        if _is_letter_or_mark(text, start - 1) or _is_letter_or_mark(text, end):
            start = text.find(word, start + 1)
        else:
            yield start, end
            start = text.find(word, end)


def _is_letter_or_mark(text: str, position: int) -> bool:
    return 0 <= position < len(text) and unicodedata.category(text[position])[0] in "LM"


_LIST_WORD = r"\p{Lu}[\p{Ll}\p{M}'\u2019-]+"
_LOWER_LIST_WORD = r"\p{Ll}[\p{Ll}\p{M}'\u2019-]+"
_LISTS = [
    re.compile(
        rf"(?<![\p{{L}}\p{{M}}]){_LIST_WORD}(?:,[ \t]+{_LIST_WORD})+,?[ \t]+(?:and|or|&)[ \t]+{_LIST_WORD}"
    ),
    re.compile(
        rf"(?<=:[ \t]*){_LOWER_LIST_WORD}(?:,[ \t]+{_LOWER_LIST_WORD}){{2,}},?[ \t]+(?:and|or)[ \t]+"
        rf"{_LOWER_LIST_WORD}(?=[ \t]*[.!?\n]|$)"
    ),
]
"""Enumerations of three single words or more, "Kónya, Becker and Vasquez", and lower-case ones after a
colon; a pair ("Wisdom and Discipline") is too often two words that are not names."""
_SPEAKER = re.compile(
    r"(?m)^[^\p{L}\n]*(?!(?:User|Assistant|System|Bot|Human|AI|Agent|Customer|Q|A|Me|You)\b)"
    r"(\p{L}[\p{Ll}\p{M}'\u2019-]+)[ \t]*:(?=[ \t]*[\"\u201c\p{L}])"
)
"""The speaker label opening a dialogue line: "Anna: ...", "Koppány: "Who are you?""."""
_JOINERS = frozenset({"and", "or"})
_LIST_MEMBER = re.compile(r"[\p{L}][\p{L}\p{M}'\u2019-]*")


def peers_of_people(text: str, people: list[RecognizerResult]) -> list[RecognizerResult]:
    """Names standing where found people stand: the other members of a list holding two people, or one
    in a list of five names or more (one in a short list is not enough: spaCy takes one of "Python, Rust,
    Go and Java" for a person), and the other speakers of a dialogue one of whose speakers is a person."""
    lists = [
        [member.span() for member in _LIST_MEMBER.finditer(text, *match.span()) if member[0] not in _JOINERS]
        for pattern in _LISTS
        for match in pattern.finditer(text)
    ]
    groups = [(1 if len(members) >= 5 else 2, members) for members in lists]
    groups.append((1, [match.span(1) for match in _SPEAKER.finditer(text)]))
    score = people[0].score
    peers = []
    for needed, group in groups:
        found = [any(p.start < end and start < p.end for p in people) for start, end in group]
        if sum(found) >= needed:
            peers += [
                RecognizerResult("PERSON", start, end, score)
                for (start, end), is_found in zip(group, found, strict=True)
                if not is_found
            ]
    return peers


def speakers_read_as_places(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    """`results`, with each place that is exactly the speaker label of a dialogue (two speaker lines or
    more) made a person: places do not speak ('Zuzana: "Who are you?"', which the model reads as a
    place). The other speakers then follow it as its peers."""
    speakers = {match.span(1) for match in _SPEAKER.finditer(text)}
    if len(speakers) < 2:
        return results
    for result in results:
        if result.entity_type == "LOCATION" and (result.start, result.end) in speakers:
            result.entity_type = "PERSON"
    return results


def with_particles(text: str, people: list[RecognizerResult]) -> list[RecognizerResult]:
    """`people`, each widened over particles to the rest of its name: back to the given name before them
    ("Willemine ten" + "Pas") and on to the surname after them ("Jan" + " van den Berg")."""
    for person in people:
        if before := _GIVEN_NAME_BEFORE_PARTICLES.search(text, 0, person.start):
            person.start = before.start()
        if after := _SURNAME_AFTER_PARTICLES.match(text, person.end):
            person.end = after.end()
    return people
