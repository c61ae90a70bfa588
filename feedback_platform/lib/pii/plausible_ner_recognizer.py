"""Presidio's spaCy recognizer with the names it finds filtered for plausibility and then spread."""

import regex as re
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from feedback_platform.lib.pii.language_routing import DEFAULT_LANGUAGE, sentences
from feedback_platform.lib.pii.name_propagation import (
    peers_of_people,
    recurrences,
    speakers_read_as_places,
    with_particles,
)
from feedback_platform.lib.pii.ordinary_words import without_ordinary_words
from feedback_platform.lib.pii.person_patterns import NAME_WORD
from feedback_platform.lib.pii.technical_terms import is_technical_term
from feedback_platform.lib.pii.territories import is_territory


class PlausibleNerRecognizer(SpacyRecognizer):
    """Presidio's spaCy recognizer, minus PERSON and LOCATION spans that cannot be a name.

    The small model takes identifiers for people and places ("GPT-4", "Q3", "index.html", "v2.0.1"), and
    reads across sentence ends ("¡Claro! Insurance") and colons ("Kurze Frage: Write", 'Heather:"I'm
    Roberto'); a span is cut at its first colon, and the name of a person or a place has no digit,
    underscore, slash, @, file extension or sentence punctuation, and a person's name is not one
    all-capital word ("JSON", "SAML"); no span is a street-type abbreviation alone ("St."). A country or
    world region is a place too coarse to be personal data (`feedback_platform.lib.pii.territories`), and a
    well-known technical term is neither (`feedback_platform.lib.pii.technical_terms`). Lower-case spans
    stay: users type names in lower case.
    """

    CHECKED_ENTITIES = frozenset({"PERSON", "LOCATION"})
    _NOT_A_NAME = re.compile(r"[\d_/@#<>=!?¡¿]|\w\.\w{2,}")
    _ACRONYM = re.compile(r"\A\p{Lu}{2,}\Z")
    _STREET_TYPE_ALONE = re.compile(r"\A(?i:st|rd|ave|str)\.?\Z")
    """"St." after a street's house number, which the model reads as a place of its own."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Entities found by spaCy, without the PERSON/LOCATION spans holding characters no name has or
        that are ordinary words (see `feedback_platform.lib.pii.ordinary_words`), with a dialogue's
        speakers read as places made people, and with each name extended to the capitalised words around
        it, spread to the other members of its list or the other speakers of its dialogue, and repeated
        where it recurs."""
        found = [self._cut_at_colon(text, found) for found in super().analyze(text, entities, nlp_artifacts)]
        if self.supported_language != DEFAULT_LANGUAGE:
            found = self._outside_english_sentences(text, found)
        results = without_ordinary_words(
            text,
            [
                result
                for result in found
                if result.entity_type not in self.CHECKED_ENTITIES or self._may_be_a_name(result, text)
            ],
            nlp_artifacts,
            self.supported_language,
        )
        results = speakers_read_as_places(text, results)
        people = [result for result in results if result.entity_type == "PERSON"]
        if not people:
            return results
        for person in people:
            while match := self._CONTINUATION.match(text, person.end):
                person.end = match.end()
        for person in with_particles(text, people):
            if match := self._HYPHENATED_BEFORE.search(text, max(0, person.start - 30), person.start):
                person.start = match.start()
        people += peers_of_people(text, people)
        return (
            results
            + [person for person in people if person not in results]
            + recurrences(text, people, nlp_artifacts)
        )

    def _outside_english_sentences(
        self, text: str, results: list[RecognizerResult]
    ) -> list[RecognizerResult]:
        """`results` of another language's model minus its names and places inside the text's English
        sentences: a text is routed by most of its words, and the French model reads an English sentence
        beside French ones as names ("Appointments cannot be cancelled" as a place)."""
        english = [(start, end) for start, end, language in sentences(text) if language == DEFAULT_LANGUAGE]
        return [
            result
            for result in results
            if result.entity_type not in self.CHECKED_ENTITIES
            or not any(start <= result.start < end for start, end in english)
        ]

    def _cut_at_colon(self, text: str, result: RecognizerResult) -> RecognizerResult:
        colon = text.find(":", result.start, result.end)
        if result.entity_type in self.CHECKED_ENTITIES and colon >= 0:
            result.end = result.start + len(text[result.start : colon].rstrip())
        return result

    def _may_be_a_name(self, result: RecognizerResult, text: str) -> bool:
        span = text[result.start : result.end]
        return (
            bool(span)
            and not self._NOT_A_NAME.search(span)
            and not (self._ACRONYM.match(span) if result.entity_type == "PERSON" else is_territory(span))
            and not is_technical_term(span)
            and not self._STREET_TYPE_ALONE.match(span)
        )

    _CONTINUATION = re.compile(
        r"(?:[ \t]+(?!(?:I|A|He|She|It|We|You|They|The|This|That|And|But|Or|In|On|At|To)\b)"
        rf"(?:\p{{Lu}}\.?(?=[ \t])|{NAME_WORD})|-\p{{L}}+|['\u2019]\p{{Lu}}\p{{Ll}}+)"
    )
    """What continues a name on its line: a middle initial, a hyphenated part, the rest of an elided surname
    ("Dell" + "'Acqua"), a capitalised surname."""
    _HYPHENATED_BEFORE = re.compile(r"(?<![\p{L}-])\p{Lu}[\p{Ll}'\u2019]+-\Z")
    """The first part of a hyphenated given name the model left out: "Jan-" of "Jan-Willem van den Heuvel"."""
