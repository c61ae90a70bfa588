"""Unique running text for the realistic mode of the generator.

The default sample repeats a few hundred templated sentences, so deduplication hides what redaction and
NER cost on real traffic, where every output and user turn is new text. In the realistic mode each output
and user turn gains sentences of words drawn by their frequency in the user's language, from the word
lists bundled with wordfreq (no download): a Zipf-shaped vocabulary of tens of thousands of word types,
new word sequences in every text, and the same planted PII and feedback as the templated sample.
"""

import random
from functools import cache
from itertools import accumulate

import wordfreq

VOCABULARY_SIZE = 40_000
"""Word types per language, the most frequent first."""
OUTPUT_WORDS = (100, 400)
"""The length of a realistic output, in words, drawn uniformly."""
USER_TURN_WORDS = (8, 40)
"""The running text a realistic user turn adds to its question, in words."""
SENTENCE_WORDS = (6, 24)


@cache
def _vocabulary(language: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The language's most frequent words (letters and apostrophes: "don't", "l'"), and their cumulative
    frequencies."""
    frequencies = wordfreq.get_frequency_dict(language)
    top = wordfreq.top_n_list(language, VOCABULARY_SIZE)
    words = tuple(word for word in top if word.replace("'", "").isalpha())
    return words, tuple(accumulate(frequencies[word] for word in words))


def running_text(language: str, words: int, rng: random.Random) -> str:
    """About `words` words of sentences in `language`, each capitalised and ended with a full stop."""
    vocabulary, cum_weights = _vocabulary(language)
    drawn = rng.choices(vocabulary, cum_weights=cum_weights, k=max(1, words))
    sentences = []
    while drawn:
        length = rng.randint(*SENTENCE_WORDS)
        sentence, drawn = drawn[:length], drawn[length:]
        sentences.append(sentence[0][:1].upper() + " ".join(sentence)[1:] + ".")
    return " ".join(sentences)


def output_length(rng: random.Random) -> int:
    return rng.randint(*OUTPUT_WORDS)


def user_turn_length(rng: random.Random) -> int:
    return rng.randint(*USER_TURN_WORDS)
