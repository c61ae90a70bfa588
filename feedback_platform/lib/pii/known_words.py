"""Words a served language's texts use often, names among them: what a rare word is not.

A capitalised word that is rare in English text and in every served language is, in English prose, most
often a name the small spaCy model has not seen ("the reply Okonkwo sent", "ask Teodorescu about it");
`rare_word_name_recognizer` redacts it. A word is known when wordfreq (from the lists bundled with the
package) rates it at ENGLISH_COMMON_ZIPF or more in English, or at `foreign_words.COMMON_ZIPF` or more in
another served language: about once in a million English words, or once in 160,000 words of the other
language. Common given names and surnames are known ("Alexander", "Garcia"): spaCy knows them.

Shipped as `known_words.txt.gz` (about 67,000 words), rebuilt by `make lexicon`; a test checks that the
shipped file is what the rule gives.
"""

from functools import cache
from pathlib import Path

from feedback_platform.lib.pii.config import SERVED_LANGUAGES
from feedback_platform.lib.pii.foreign_words import COMMON_ZIPF
from feedback_platform.lib.pii.word_lists import LEXICON_WORD, read_word_list, write_word_list

ENGLISH_COMMON_ZIPF = 3.0
"""How common a word must be in English to be known: once in a million words. English prose is where the
rule looks, so its own words are taken down to a rarer frequency than the other languages' words."""

KNOWN_WORDS_FILE = Path(__file__).with_name("known_words.txt.gz")


def common_zipf(language: str) -> float:
    """The Zipf frequency from which a word of `language` is known."""
    return ENGLISH_COMMON_ZIPF if language == "en" else COMMON_ZIPF


@cache
def known_words() -> frozenset[str]:
    """The shipped known words, case-folded."""
    return read_word_list(KNOWN_WORDS_FILE)


def is_known_word(word: str) -> bool:
    """True when `word` is a known word (looked up in the shipped list)."""
    return word.casefold() in known_words()


def build_known_words() -> list[str]:
    """Every word of each served language's wordfreq list from the most common down to its `common_zipf`,
    case-folded and sorted."""
    from wordfreq import iter_wordlist, zipf_frequency  # only the rebuild reads the frequencies

    words: set[str] = set()
    for language in SERVED_LANGUAGES:
        for word in iter_wordlist(language):
            if zipf_frequency(word, language) < common_zipf(language):
                break
            if LEXICON_WORD.fullmatch(word):
                words.add(word.casefold())
    return sorted(words)


def write_known_words(path: Path = KNOWN_WORDS_FILE) -> int:
    """Rebuild the shipped list at `path` (byte-identical for the same wordfreq); returns the word count."""
    return write_word_list(path, build_known_words())


ENGLISH_PREFIXES = (
    *("re", "un", "pre", "dis", "mis", "non", "over", "under", "sub", "super", "inter", "multi", "auto"),
    *("co", "micro", "anti", "out", "up", "self", "cross", "semi"),
)
"""Prefixes that make English words of English words: "Reschedule", "Unarchive", "Multiregion"."""

ENGLISH_SUFFIXES = (
    *("ology", "ography", "ation", "ition", "ness", "ment", "ity", "ism", "ist", "ship", "hood", "able"),
    *("ible", "less", "ful", "ous", "ive", "ary", "ical", "ally", "ize", "ise", "izes", "ises", "ized"),
)
"""Derivational suffixes of English nouns, adjectives and verbs, which names do not end with: "Dermatology",
"Cautionary", "Tokenization". Not "-ing", "-ed" or "-er", which end names of many languages (Xiaoming,
Ahmed, Kastner)."""

MIN_STEM = 4
"""Letters a known word must have to count as the stem of an affixed word: "Remy" is not "re" + "my"."""


def is_english_word(word: str) -> bool:
    """True when `word` is known, or made of a known word by an English prefix or an inflection ("Kiosks",
    "Reschedule"), or ends with an English derivational suffix ("Dermatology")."""
    folded = word.casefold()
    if folded in known_words() or folded.endswith(ENGLISH_SUFFIXES):
        return True
    stems = [folded[len(prefix) :] for prefix in ENGLISH_PREFIXES if folded.startswith(prefix)]
    stems += [folded[: -len(ending)] for ending in ("s", "es") if folded.endswith(ending)]
    return any(len(stem) >= MIN_STEM and stem in known_words() for stem in stems)
