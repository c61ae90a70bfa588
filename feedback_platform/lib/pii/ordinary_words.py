"""Spans the spaCy model reads as names or places that are ordinary words: a capitalised word opening a
sentence ("Draft replies that ...", "Check the order"), identifiers inside code ("from globex import
Client"), the labels of buttons and menu items ("tap Request refund"), and words of the product's other
languages ("Danke für Ihre Frage", see `feedback_platform.lib.pii.foreign_words`).

The small English model's NER takes many sentence-initial capitalised words for people. Its own tagger,
which the engine does not run on every text, tells them apart: for a one-word PERSON span that opens a
sentence, the sentence is tagged on demand, and the span is dropped when the word is tagged as an ordinary
word (a verb, a common noun, an interjection ...) rather than a proper noun. A proper noun, a modal
("Will asked ...") or any other tag keeps the span, and so does a word followed by a colon (a dialogue's
speaker), so a name is not let through on a doubt.
"""

from collections.abc import Iterable

import regex as re
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS as _ENGLISH_STOP_WORDS

from feedback_platform.lib.pii.foreign_words import is_foreign_phrase
from feedback_platform.lib.pii.known_words import is_english_word
from feedback_platform.lib.pii.person_patterns import GREETINGS, SIGN_OFFS
from feedback_platform.lib.pii.sentence_tagger import SentenceTagger, TagRequest, sentence_tagger
from feedback_platform.lib.pii.stop_words import served_stop_words

ORDINARY_WORD_TAGS = frozenset(
    {"VB", "VBP", "VBZ", "NN", "NNS", "UH", "JJ", "RB", "IN", "DT", "PRP"}
    | {"VERB", "AUX", "NOUN", "INTJ", "ADJ", "ADV", "ADP", "DET", "PRON"}
)
"""Tags of words that are not names: base and present verbs, common nouns, interjections, adjectives,
adverbs, prepositions, determiners, pronouns; as the English tagger writes them (Penn Treebank) and as the
French morphologizer does (Universal Dependencies, its only tags without the attribute ruler: "Petite
question" is an adjective, not a person)."""

_SENTENCE_START = re.compile(r"(?:\A|[.!?:;]\s+|\n\s*)(?:\p{L}+(?:[ \t]\p{L}+)?,[ \t]+)?\Z")
"""What stands right before a word that opens a sentence, or its clause after a greeting of one or two words
("Bonjour, Draft a reply", "Guten Tag, Draft ..."), matched against the text before it."""
_FRENCH_IMPERATIVE = re.compile(r"\p{Lu}\p{Ll}{2,}(?:ez|ons)")
_FRENCH_DETERMINER_AFTER = re.compile(
    r"[ \t]+(?:un|une|des|du|mon|mes|ton|tes|son|ses|notre|nos|votre|vos|ce|cet|cette|ces)(?![\p{L}])"
)
"""A French imperative opening a sentence, before its object: "Vérifiez mon abonnement", "Traduisez ce
texte". Not before "le" or "la", which are as often the object pronoun after a surname ending
so ("Hernandez le sait"), nor "ma", as often "m'a" written without its apostrophe."""
_SENTENCE = re.compile(r"[^.!?\n]*[.!?]?")
_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]+`", re.DOTALL)
"""Markdown code: fenced blocks and inline code."""


def without_ordinary_words(
    text: str, results: list[RecognizerResult], nlp_artifacts: NlpArtifacts | None, language: str
) -> list[RecognizerResult]:
    """`results` minus the PERSON and LOCATION spans inside code, made of words of another served language
    or of lower-case function words alone, naming a control of an interface, being a greeting or sign-off
    or a German verb before "Sie", the one-word PERSON spans opening a sentence that the text also writes in
    lower case or the model's tagger reads as an ordinary word, and the one-word lower-case spans the tagger
    reads as a common noun ("follow the next cursor")."""
    code = [match.span() for match in _CODE.finditer(text)]
    has_name = any(result.entity_type in ("PERSON", "LOCATION") for result in results)
    tagger = _tagger(nlp_artifacts, language) if has_name else None
    return [
        result
        for result in results
        if not (
            result.entity_type in ("PERSON", "LOCATION")
            and (
                any(start <= result.start and result.end <= end for start, end in code)
                or is_foreign_phrase(text[result.start : result.end])
                or _names_an_interface_control(text, result)
                or _SALUTATION.fullmatch(text, result.start, result.end) is not None
                or _is_lowercase_function_words(text[result.start : result.end])
                or _GERMAN_FORMAL_VERB.fullmatch(text, result.start, result.end) is not None
                or _is_lowercase_common_noun(text, result, tagger)
                or _is_coordinated_with_a_common_word(text, result, results)
            )
        )
        and not (result.entity_type == "PERSON" and _opens_sentence_as_common_word(text, result, tagger))
    ]


_SALUTATION = re.compile(rf"(?i:{GREETINGS}|{SIGN_OFFS})")
"""A greeting or a sign-off on its own ("Buongiorno", "Bedankt"): the words around a name, not one."""
_GERMAN_FORMAL_VERB = re.compile(r"\p{Lu}\p{Ll}+n[ \t]+Sie")
"""A verb and the formal "Sie" ("Stornieren Sie bitte ...", "Können Sie ..."): a request, not a name."""


def _is_lowercase_function_words(phrase: str) -> bool:
    """True for a span of lower-case function words of the served languages only ("ma la", "de la"): no
    name is made of them alone."""
    words = phrase.split()
    return bool(words) and all(word.islower() and word in served_stop_words() for word in words)


_INTERFACE_VERB = re.compile(r"\b(?:tap|click|select|choose|press|hit|pick)(?:[ \t]+(?:on|the))?[ \t]+\Z")
_CONTENT_WORD_AFTER = re.compile(r"[ \t]+(\p{Ll}+)\b")


def _names_an_interface_control(text: str, result: RecognizerResult) -> bool:
    """True for a span after "tap", "click", "select", "choose" ... that continues with a lower-case content
    word, as the label of a button or menu item does ("tap Request refund", "select Edit address"), or that
    is an English word ending its clause ("choose Redirect; the carrier ..."). A person chosen in an
    interface is followed by a function word ("select Anna from the list") and stays."""
    if _INTERFACE_VERB.search(text, max(0, result.start - 20), result.start) is None:
        return False
    after = _CONTENT_WORD_AFTER.match(text, result.end)
    if after is not None:
        return after.group(1) not in _ENGLISH_STOP_WORDS
    return _CLAUSE_END.match(text, result.end) is not None and is_english_word(
        text[result.start : result.end]
    )


_CLAUSE_END = re.compile(r"[;:,]")


def _opens_sentence_as_common_word(
    text: str, result: RecognizerResult, tagger: SentenceTagger | None
) -> bool:
    """True for a one-word span opening a sentence that the text also writes in lower case ("Keys are
    revoked under Settings > API keys"), that is a French imperative before its object, or that `tagger`
    reads as an ordinary word."""
    verdict = _verdict_without_tagger(text, result.start, result.end)
    if verdict is not None or tagger is None:
        return bool(verdict)
    tagged = tagger.tag(*_sentence_it_opens(text, result.start))
    word = text[result.start : result.end]
    return tagged is not None and tagged[0] == word and tagged[1] in ORDINARY_WORD_TAGS


def _verdict_without_tagger(text: str, start: int, end: int) -> bool | None:
    """Whether the span `start:end` is a common word opening a sentence, when the text tells (False for more
    than one word, a dialogue's speaker or a word inside a sentence); None when only the tagger can."""
    word = text[start:end]
    if (
        " " in word
        or text.startswith(":", end)  # a dialogue's speaker: "Alice: Who are you?"
        or not _opens_a_sentence(text, start)
    ):
        return False
    if word != word.lower() and re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", text):
        return True
    if _FRENCH_IMPERATIVE.fullmatch(word) and _FRENCH_DETERMINER_AFTER.match(text, end):
        return True
    return None


_CONJUNCT_BEFORE = re.compile(r"(?<![\p{L}\p{M}])\p{Lu}[\p{Ll}\p{M}]+(?=(?:,|[ \t]+(?:and|or|&))[ \t]+\Z)")
_CONJUNCT_AFTER = re.compile(r"(?:,|[ \t]+(?:and|or|&))[ \t]+(\p{Lu}[\p{Ll}\p{M}]+)(?![\p{L}\p{M}])")


def _is_coordinated_with_a_common_word(
    text: str, result: RecognizerResult, results: list[RecognizerResult]
) -> bool:
    """True for a one-word span that is an English word joined by "and", "or" or a comma to a capitalised
    English word no result covers: "Patience and Discipline" are two nouns in title case, and a model that
    took one of them for a person would have taken both."""
    word = text[result.start : result.end]
    if " " in word or not is_english_word(word):
        return False
    before = _CONJUNCT_BEFORE.search(text, max(0, result.start - 40), result.start)
    after = _CONJUNCT_AFTER.match(text, result.end)
    conjuncts = [(before.start(), before.end())] if before else []
    conjuncts += [after.span(1)] if after else []
    return any(
        is_english_word(text[start:end])
        and not any(other.start < end and start < other.end for other in results)
        for start, end in conjuncts
    )


COMMON_NOUN_TAGS = frozenset({"NN", "NNS", "NOUN"})
"""The tags of a common noun, in the English tagger's tag set and in the French morphologizer's."""
_SENTENCE_END = re.compile(r"[.!?\n][^.!?\n]*\Z")


def _is_lowercase_common_noun(text: str, result: RecognizerResult, tagger: SentenceTagger | None) -> bool:
    """True for a one-word lower-case span that `tagger`, reading the sentence it stands in, tags as a
    common noun. The tagger reads names typed in lower case as proper nouns ("leave me nina"), which stay."""
    word = text[result.start : result.end]
    if tagger is None or not _is_one_lowercase_word(word):
        return False
    tagged = tagger.tag(*_sentence_around(text, result.start))
    return tagged is not None and tagged[0] == word and tagged[1] in COMMON_NOUN_TAGS


def _is_one_lowercase_word(word: str) -> bool:
    return word.isalpha() and word.islower()


def _opens_a_sentence(text: str, start: int) -> bool:
    return _SENTENCE_START.search(text[max(0, start - 30) : start]) is not None


def _sentence_it_opens(text: str, start: int) -> TagRequest:
    """The sentence the word at `start` opens, and the word's offset in it (0)."""
    return _SENTENCE.match(text, start).group(), 0


def _sentence_around(text: str, start: int) -> TagRequest:
    """The sentence the word at `start` stands in (from the end of the previous one, at most 200 characters
    back), and the word's offset in it."""
    before = _SENTENCE_END.search(text, max(0, start - 200), start)
    sentence_start = before.start() + 1 if before else max(0, start - 200)
    return _SENTENCE.match(text, sentence_start).group(), start - sentence_start


def tag_requests(text: str, names: Iterable[tuple[int, int, str]]) -> list[TagRequest]:
    """What the tagger may be asked about the names of `text`, given as (start, end, entity type): the
    sentence a one-word person's name opens, when the text does not tell, and the sentence a one-word
    lower-case name stands in. For `SentenceTagger.prepare`, so that a batch's words are tagged together;
    more than will be asked, since the tests before the tagger's drop some names first."""
    requests = []
    for start, end, entity_type in names:
        word = text[start:end]
        if entity_type in ("PERSON", "LOCATION") and _is_one_lowercase_word(word):
            requests.append(_sentence_around(text, start))
        if entity_type == "PERSON" and _verdict_without_tagger(text, start, end) is None:
            requests.append(_sentence_it_opens(text, start))
    return requests


def _tagger(nlp_artifacts: NlpArtifacts | None, language: str) -> SentenceTagger | None:
    """The sentence tagger of the loaded spaCy pipeline of `language`, if it has one."""
    if nlp_artifacts is None or nlp_artifacts.nlp_engine is None:
        return None
    return sentence_tagger(nlp_artifacts.nlp_engine.nlp.get(language))
