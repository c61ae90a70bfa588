"""PERSON: capitalised words inside an English sentence that no served language uses commonly.

The small English model misses most names it has not seen in training ("the reply Okonkwo sent",
"ask Teodorescu about it"; it reads some as organisations, others as nothing). English capitalises a word
inside a sentence for a proper noun, and a proper noun that is not one of the language's words
(`known_words`) is most often someone's name: product, tool and company names that are rare words are kept
by the technical terms and the tenants' allow list.

Where it does not look, because a capital there says nothing: the first word of a sentence, of a clause
after a colon or a semicolon, or of a list item; sentences written in another served language (German
capitalises every noun); words made of English words by English affixes ("Reschedule", "Dermatology",
"Unarchive"); a word before a noun naming a company's team, support or product ("Acme support"). A found
name takes in the capitalised word right before it ("Ingrid Teodorescu"), and is redacted where it
recurs, as the model's names are.
"""

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS

from feedback_platform.lib.pii.known_words import is_english_word
from feedback_platform.lib.pii.language_routing import DEFAULT_LANGUAGE, sentences
from feedback_platform.lib.pii.name_propagation import recurrences
from feedback_platform.lib.pii.ordinary_words import without_ordinary_words
from feedback_platform.lib.pii.person_patterns import NAME_WORD
from feedback_platform.lib.pii.technical_terms import is_technical_term

SCORE = 0.5
"""As sure as a cue: above the engine's threshold, below spaCy's own names."""

_CAPITALISED_WORD = re.compile(
    r"(?<![\p{L}\p{M}\d@#/._\-'\u2019])\p{Lu}[\p{Ll}\p{M}]{2,}(?:['\u2019](?!s(?![\p{L}\p{M}]))[\p{L}\p{M}]+)*"
    r"(?![\p{L}\p{M}\d@/_\-]|\.\w)"
)
"""A capitalised word of three letters or more standing alone: not part of an identifier, a file name, an
address or a hyphenated compound ("Retry-After"), nor a word with a capital inside ("PayPal"); a possessive
"'s" after it is not part of it."""

_OPENING = re.compile(r"(?:\A|[:;>*\u2022\u2013\u2014\-]|\d[.)])[^\p{L}\d]*\Z")
"""What stands before the first word of a sentence's clause, matched against the sentence before a word:
nothing but punctuation since the sentence's start, a colon, a semicolon, a menu arrow, a bullet or an
item number."""
ORGANISATION_NOUNS = (
    r"team|support|staff|app|apps|account|accounts|store|shop|service|services|customers?|platform|website"
    r"|site|portal|api|cloud|products?|plan|plans|subscription|card|bank|office|offices|headquarters|brand"
    r"|employees|agents?|help[ \t]?desk|dashboard|console|sdk|cli|server|servers|community|newsletter|inc"
    r"|ltd|llc|gmbh|corp"
)
"""Nouns naming the parts and offers of a company or a product, after which a capitalised word is that
company's or product's name ("assistant for Acme support", "The Globex Retail team"), not a person's."""
_ORGANISATION_NOUN_AFTER = re.compile(rf"(?:[ \t]+{NAME_WORD})?[ \t]+(?i:{ORGANISATION_NOUNS})\b")
_NAME_BEFORE = re.compile(rf"(?<![\p{{L}}\p{{M}}\-'\u2019]){NAME_WORD}[ \t]+\Z")


class RareWordNameRecognizer(EntityRecognizer):
    """Rare capitalised words inside English sentences, with the given name before them and their
    recurrences, minus what `ordinary_words` rules out (code, interface controls, foreign phrases)."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], name="RareWordNameRecognizer")

    def load(self) -> None:
        """Nothing to load: the known words are read on first use."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """The names found in `text`, and their recurrences."""
        found = [RecognizerResult("PERSON", start, end, SCORE) for start, end in rare_name_spans(text)]
        found = without_ordinary_words(text, found, nlp_artifacts, self.supported_language)
        return found + recurrences(text, found, nlp_artifacts) if found else found


def rare_name_spans(text: str) -> list[tuple[int, int]]:
    """The spans of the rare capitalised words of `text`'s English sentences, each widened to the
    capitalised word before it (`_widened`); a rare word right after another joins its span."""
    spans = []
    for start, end, language in sentences(text):
        if language != DEFAULT_LANGUAGE:
            continue
        for word in _CAPITALISED_WORD.finditer(text, start, end):
            if (
                _opens_clause(text, start, word.start())
                or _is_ordinary(word.group())
                or _ORGANISATION_NOUN_AFTER.match(text, word.end())
            ):
                continue
            name_start, name_end = _widened(text, start, word.start(), word.end())
            if spans and name_start < spans[-1][1]:  # the word before was a rare word found already
                name_start = spans.pop()[0]
            spans.append((name_start, name_end))
    return spans


def _opens_clause(text: str, sentence_start: int, word_start: int) -> bool:
    return _OPENING.search(text[sentence_start:word_start]) is not None


def _is_ordinary(word: str) -> bool:
    return is_english_word(word) or is_technical_term(word)


def _widened(text: str, sentence_start: int, start: int, end: int) -> tuple[int, int]:
    """`start`..`end` with the capitalised word right before it on its line, unless that word is an English
    function word ("The") or a known word opening the clause ("Producer Liviana Teodorescu"). Not the word
    after it: a rare word before a known one is as often a brand ("Umbra Travel"), whose known word would
    then be redacted wherever it recurs."""
    before = _NAME_BEFORE.search(text, sentence_start, start)
    if before is None:
        return start, end
    word = before.group().strip()
    joins = word.casefold() not in ENGLISH_STOP_WORDS and not is_technical_term(word)
    if joins and (not _opens_clause(text, sentence_start, before.start()) or not is_english_word(word)):
        start = before.start()
    return start, end
