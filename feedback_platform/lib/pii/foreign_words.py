"""Words of the other languages the product serves, which the English NER model reads as names.

The English model sees "Danke für Ihre Frage", "Kann ich sonst noch helfen?" or "¡Claro!" as people and
places: capitalised words it does not know. A word is an ordinary word of a served language when it is
common there (wordfreq's Zipf frequency, from the lists bundled with the package) and far rarer in every
other language, English included. Names fail that test: a given name or surname is written in many
languages' texts, so its frequency is spread ("García" is 4.8 in Spanish and 3.7 in Dutch; "Danke" is 5.6
in German and at most 2.5 elsewhere). A span is dropped only when every one of its words is such a word
or a function word (spaCy's stop words) of a served language, so a name beside an ordinary word stays.

The rule's verdicts are computed once, over every word it can accept (each served language's words at
COMMON_ZIPF or above, and its stop words), and shipped as `foreign_words.txt.gz` (31,000 words, 90 kB):
loading wordfreq's six lists at run time took 240 MB and a second per process. `make lexicon`
(`write_foreign_words`) rebuilds the file with wordfreq (the redaction engine never loads it); a test
checks that the shipped file is what the rule gives.
"""

from functools import cache
from pathlib import Path

import regex as re

from feedback_platform.lib.pii.config import SERVED_LANGUAGES
from feedback_platform.lib.pii.person_patterns import PARTICLE_WORDS
from feedback_platform.lib.pii.stop_words import stop_words
from feedback_platform.lib.pii.word_lists import LEXICON_WORD, read_word_list, write_word_list

OTHER_LANGUAGES: tuple[str, ...] = tuple(language for language in SERVED_LANGUAGES if language != "en")
"""The served languages besides English, whose words the English model mistakes for names."""

COMMON_ZIPF = 3.8
"""How common a word must be in its language: about once in 160,000 words."""

SPECIFICITY_MARGIN = 2.5
"""How much rarer (in Zipf units; 2.5 is a factor of 300) the word must be in every other language. Cities'
local names are the names most confined to one language ("Köln", "Wien", "Firenze" clear a margin of 2 but
not 2.5)."""

NAME_PARTICLES = frozenset(PARTICLE_WORDS) | {"y", "e"}
"""Function words that are also parts of names ("van den Berg", "de la Cruz", and the "y" or "e" joining
Spanish and Italian double surnames): never evidence against a name."""

_WORD = re.compile(r"(?:\p{L}['\u2019](?=\p{L}))?([\p{L}\p{M}]+(?:['\u2019]\p{L}+)*)")
"""A word, without an elided article or pronoun before it ("n'ai" is "ai", "l'aide" is "aide")."""


FOREIGN_WORDS_FILE = Path(__file__).with_name("foreign_words.txt.gz")


@cache
def foreign_words() -> frozenset[str]:
    """The shipped words that pass the rule, case-folded."""
    return read_word_list(FOREIGN_WORDS_FILE)


def is_foreign_word(word: str) -> bool:
    """True when `word` is a common word or a function word of a served language, and neither an English
    function word nor a name particle (`passes_frequency_rule`, looked up in the shipped list)."""
    return word.casefold() in foreign_words()


def passes_frequency_rule(word: str) -> bool:
    """The rule itself, on wordfreq's frequencies: what `build_foreign_words` evaluates."""
    from wordfreq import zipf_frequency  # development dependency: only the rebuild reads the frequencies

    folded = word.casefold()
    if folded in NAME_PARTICLES or folded in stop_words("en"):
        return False
    frequency = {language: zipf_frequency(folded, language) for language in SERVED_LANGUAGES}
    for language in OTHER_LANGUAGES:
        elsewhere = max(value for other, value in frequency.items() if other != language)
        if folded in stop_words(language) and frequency[language] > frequency["en"]:
            return True
        if frequency[language] >= COMMON_ZIPF and frequency[language] - elsewhere >= SPECIFICITY_MARGIN:
            return True
    return False


def is_foreign_phrase(text: str) -> bool:
    """True when `text` has words and every one is a foreign word (`is_foreign_word`)."""
    words = _WORD.findall(text)
    return bool(words) and all(map(is_foreign_word, words))


def build_foreign_words() -> list[str]:
    """Every word the rule accepts, case-folded and sorted: each served language's words from the most
    common down to COMMON_ZIPF, and its stop words, that pass `passes_frequency_rule`."""
    from wordfreq import iter_wordlist, zipf_frequency

    candidates: set[str] = set()
    for language in OTHER_LANGUAGES:
        for word in iter_wordlist(language):
            if zipf_frequency(word, language) < COMMON_ZIPF:
                break
            candidates.add(word)
        candidates.update(stop_words(language))
    return sorted(
        {
            word.casefold()
            for word in candidates
            if LEXICON_WORD.fullmatch(word) and passes_frequency_rule(word)
        }
    )


def write_foreign_words(path: Path = FOREIGN_WORDS_FILE) -> int:
    """Rebuild the shipped list at `path` (byte-identical for the same wordfreq); returns the word count."""
    return write_word_list(path, build_foreign_words())
