"""Names that redaction keeps: the tenants', their products', and the terms a deployment adds.

They come from the tenants file (`feedback_platform/tenants.yaml`, or the file a deployment names), are
validated on load, and reach Presidio as its allow list (`AnalyzerEngine.analyze(allow_list=...)`) in the
form of one regular expression: a detected span is dropped when it is a whole term, or the first words of
one, with an optional possessive or acronyms after it ("Globex IP"). Only leading words are allowed, so a
tenant called "Jordan Smith Consulting" keeps "Jordan Smith" but does not make "Smith" on its own a word
that is never redacted. A span
that lies inside a whole term where the text writes it ("Retail" of "the Acme Retail team") is dropped too
(`term_occurrences_pattern`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import regex as re

from feedback_platform.lib.tenants import load_tenants_file


def load_allow_list(path: Path) -> tuple[str, ...]:
    """The terms of the tenants file at `path`; TenantsFileError naming the file and the key that is wrong."""
    return load_tenants_file(path).terms()


def allow_list_pattern(terms: Iterable[str]) -> str | None:
    """The regular expression a span must match in full to be kept: a term or its first words, with an
    optional 's or acronyms after it ("Globex API", "a Globex IP range"); None when there are no terms."""
    prefixes = {
        " ".join(words[:length])
        for term in terms
        for words in [term.split()]
        for length in range(1, len(words) + 1)
    }
    if not prefixes:
        return None
    return rf"\A(?:{_alternatives(prefixes)})(?:['\u2019]s|(?:[ \t]+\p{{Lu}}{{2,5}})+)?\Z"


def term_occurrences_pattern(terms: Iterable[str]) -> str | None:
    """The regular expression of the terms themselves, as whole words, wherever a text writes them; None when
    there are no terms."""
    phrases = {" ".join(term.split()) for term in terms if term.split()}
    return rf"(?<!\w)(?:{_alternatives(phrases)})(?!\w)" if phrases else None


def _alternatives(phrases: set[str]) -> str:
    """The phrases as one alternation, longest first, any whitespace run between their words."""
    return "|".join(
        r"\s+".join(re.escape(word) for word in phrase.split())
        for phrase in sorted(phrases, key=lambda phrase: (-len(phrase), phrase))
    )
