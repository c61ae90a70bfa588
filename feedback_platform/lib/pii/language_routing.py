"""Which spaCy pipeline reads a text: the one of the language the text is written in, when one is installed.

Routing goes by the text, not by the row's `language` column. The column says which language a user was
served in, and one response row holds the operator's English system prompt, English knowledge-base
documents and the user's own words, which mix languages ("Bonjour ! How do I return an item?"). A text is
read as written in a language when it holds more of that language's function words (spaCy's stop words,
minus those the languages share) than English ones, and at least `MIN_FUNCTION_WORDS` of them: one
greeting does not make an English question French.
"""

from collections.abc import Iterable
from functools import cache

import regex as re

from feedback_platform.lib.pii.stop_words import stop_words

DEFAULT_LANGUAGE = "en"

MIN_FUNCTION_WORDS = 2
"""Function words a text needs in a language before it is routed away from English."""

_WORD = re.compile(r"(?<![\p{L}.@/])\p{L}{2,}(?![\p{L}]|[.@/]\p{L})")
"""Words of two letters or more, outside addresses and file names: the single letters of "i'm" or "y/o" and
the ".de" of a mail domain are in French's list too."""


@cache
def _own_function_words(language: str, others: tuple[str, ...]) -> frozenset[str]:
    """The language's stop words that none of `others` has ("je", "avec", not "a" or "on")."""
    shared = frozenset().union(*(stop_words(other) for other in others))
    return stop_words(language) - shared


def text_language(text: str, languages: Iterable[str]) -> str:
    """The language of `languages` (English always among them) the text is mostly written in."""
    candidates = tuple(dict.fromkeys((DEFAULT_LANGUAGE, *languages)))
    if len(candidates) == 1:
        return DEFAULT_LANGUAGE
    words = [word.casefold() for word in _WORD.findall(text)]
    counts = {
        language: sum(
            word in _own_function_words(language, tuple(other for other in candidates if other != language))
            for word in words
        )
        for language in candidates
    }
    best = max(candidates, key=lambda language: counts[language])
    if (
        best == DEFAULT_LANGUAGE
        or counts[best] < MIN_FUNCTION_WORDS
        or counts[best] <= counts[DEFAULT_LANGUAGE]
    ):
        return DEFAULT_LANGUAGE
    return best
