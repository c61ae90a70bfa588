"""spaCy's stop-word lists (function words) of a language, read without loading the language's package.

`import spacy.lang.de.stop_words` first imports `spacy.lang.de`, which builds its tokenizer exceptions and
lexical attributes: close to a second per language. The lists are plain modules with no imports, so they
are loaded from their files alone.
"""

import importlib.util
from functools import cache
from pathlib import Path

import spacy

from feedback_platform.lib.pii.config import SERVED_LANGUAGES


@cache
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words of `language` (an ISO 639-1 code spaCy ships, e.g. "de")."""
    path = Path(spacy.__file__).parent / "lang" / language / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"_stop_words_{language}", path)
    if spec is None or spec.loader is None:
        raise LookupError(f"spaCy has no stop-word list for {language!r} at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


@cache
def served_stop_words() -> frozenset[str]:
    """The stop words of every served language, together."""
    return frozenset().union(*(stop_words(language) for language in SERVED_LANGUAGES))
