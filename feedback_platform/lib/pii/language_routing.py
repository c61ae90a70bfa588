"""Which spaCy pipeline reads a text: the one of the language the text is written in, when one is installed.

Routing goes by the text, not by the row's `language` column. The column says which language a user was
served in, and one response row holds the operator's English system prompt, English knowledge-base
documents and the user's own words, which mix languages ("Bonjour ! How do I return an item?"). Each
sentence is read as written in the served language whose own function words it holds most of (spaCy's stop
words, minus those any two served languages share), when it holds at least `MIN_FUNCTION_WORDS` of them and
more than English ones: one greeting does not make an English question French, and a Spanish sentence is
not read as French for its "de". The text is written in the language of most of its words, so an English
answer inside a French greeting and closing is English, as the English model reads it best.
"""

from collections import Counter
from collections.abc import Collection, Iterator
from functools import cache

import regex as re

from feedback_platform.lib.pii.config import SERVED_LANGUAGES
from feedback_platform.lib.pii.foreign_words import NAME_PARTICLES, is_foreign_word
from feedback_platform.lib.pii.stop_words import stop_words

DEFAULT_LANGUAGE = "en"

MIN_FUNCTION_WORDS = 1
"""Own function words a text needs in a language before it is read as that language (and it must hold more
of them than of English ones)."""

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
"""A sentence, or a line: what one writer wrote in one language."""
_WORD = re.compile(r"(?<![\p{L}.@/])\p{L}{2,}(?![\p{L}]|[.@/]\p{L})")
"""Words of two letters or more, outside addresses and file names: the single letters of "i'm" or "y/o" and
the ".de" of a mail domain are in French's list too."""


@cache
def _language_of_function_word() -> dict[str, str]:
    """Each served language's own stop words (those no other served language has: "je", "avec"; not "de",
    "a" or "on"), mapped to that language; disjoint by construction, so one lookup tells a word's language.

    Not the words of another language's list that English texts use more than that language's do (spaCy's
    French list holds "hi", "stop" and "different", its Dutch one "want"): the shipped foreign words hold
    each language's stop words that it uses more than English does (`foreign_words.passes_frequency_rule`),
    and the name particles ("van", "von") are kept as they are."""
    owner: dict[str, str] = {}
    for language in SERVED_LANGUAGES:
        others = frozenset().union(*(stop_words(other) for other in SERVED_LANGUAGES if other != language))
        own = stop_words(language) - others
        if language != DEFAULT_LANGUAGE:
            own = {word for word in own if is_foreign_word(word) or word in NAME_PARTICLES}
        owner.update(dict.fromkeys(own, language))
    return owner


def written_language(text: str) -> str:
    """The served language most of the text's words are written in, sentence by sentence; English on a
    tie."""
    words_by_language = Counter[str]()
    for sentence in _SENTENCE.findall(text):
        words = _WORD.findall(sentence)
        words_by_language[_sentence_language(words)] += len(words)
    return max(SERVED_LANGUAGES, key=words_by_language.__getitem__)


def sentences(text: str) -> Iterator[tuple[int, int, str]]:
    """Each sentence of `text` (or line) as its start, its end and the served language it is written in."""
    for sentence in _SENTENCE.finditer(text):
        yield sentence.start(), sentence.end(), _sentence_language(_WORD.findall(sentence.group()))


def _sentence_language(words: list[str]) -> str:
    """The served language whose own function words a sentence's `words` hold most of; English when none
    holds MIN_FUNCTION_WORDS or more than English."""
    owner = _language_of_function_word()
    counts = Counter(owner.get(word.casefold()) for word in words)
    best = max(SERVED_LANGUAGES, key=counts.__getitem__)
    outweighs_english = counts[best] >= MIN_FUNCTION_WORDS and counts[best] > counts[DEFAULT_LANGUAGE]
    return best if outweighs_english else DEFAULT_LANGUAGE


def text_language(text: str, pipelines: Collection[str]) -> str:
    """The language whose pipeline reads `text`: the one it is written in when `pipelines` has it, else
    English (whose pipeline, with the locale-aware recognizers, reads the languages without one)."""
    if all(pipeline == DEFAULT_LANGUAGE for pipeline in pipelines):
        return DEFAULT_LANGUAGE
    language = written_language(text)
    return language if language in pipelines else DEFAULT_LANGUAGE
