"""The shipped word lists of the PII engine: sorted, case-folded words, one a line, gzipped.

The lists are derived from wordfreq's frequencies by `make lexicon` and read here without wordfreq, whose
six lists cost 240 MB and a second per process to load."""

import gzip
from pathlib import Path

import regex as re

LEXICON_WORD = re.compile(r"[\p{L}\p{M}'\u2019]+")
"""What a word of a shipped list looks like: letters only, as the words of a name are."""


def read_word_list(path: Path) -> frozenset[str]:
    """The words of the shipped list at `path`."""
    return frozenset(gzip.decompress(path.read_bytes()).decode("utf-8").split("\n"))


def write_word_list(path: Path, words: list[str]) -> int:
    """Write `words` (sorted, case-folded) to `path`, byte-identical for the same words; returns the count."""
    path.write_bytes(gzip.compress("\n".join(words).encode("utf-8"), mtime=0))
    return len(words)
