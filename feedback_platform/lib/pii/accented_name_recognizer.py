"""PERSON: full names written with letters English does not use ("Elínborg Guðmundsdóttir", "Edi Živković").

The small English model knows English names; a name from another language in English prose ("a Calquín
Cazares concert") it often misses. Two or three capitalised words, one of them holding a letter outside
A-Z, are a name from another language, or a place, which is redacted as well. German or French nouns and
phrases ("Schöne Grüße") are common words of their language and are not taken (`foreign_words`), nor is a
phrase opening with an English function word ("The Škoda ...").
"""

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS

from feedback_platform.lib.pii.foreign_words import is_foreign_phrase
from feedback_platform.lib.pii.name_propagation import recurrences
from feedback_platform.lib.pii.pattern_flags import CASE_SENSITIVE
from feedback_platform.lib.pii.person_patterns import FULL_NAME

_WHOLE_WORDS = r"(?<![\p{{L}}\p{{M}}]){}(?![\p{{L}}\p{{M}}])"
_NON_ENGLISH_LETTER = re.compile(r"[^\x00-\x7f\p{M}'\u2019.\s-]")


class AccentedNameRecognizer(PatternRecognizer):
    """Full names holding a letter outside A-Z, not made of common words of a served language, and the
    other places their words stand ("early Živković" after "Edi Živković's")."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PERSON",
            name="AccentedNameRecognizer",
            patterns=[
                Pattern("accented_full_name", rf"(?<![\p{{L}}\p{{M}}]){FULL_NAME}(?![\p{{L}}\p{{M}}])", 0.5)
            ],
            global_regex_flags=CASE_SENSITIVE,
        )

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """The pattern's names plus their recurrences."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return results + recurrences(text, results, nlp_artifacts) if results else results

    def invalidate_result(self, pattern_text: str) -> bool:
        """A match with only English letters, opening with an English function word, or made of ordinary
        words of a served language is not taken."""
        return (
            _NON_ENGLISH_LETTER.search(pattern_text) is None
            or pattern_text.split()[0].casefold() in ENGLISH_STOP_WORDS
            or is_foreign_phrase(pattern_text)
        )
