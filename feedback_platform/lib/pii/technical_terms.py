"""Well-known technical terms (languages, frameworks, databases, cloud and orchestration tools) that the
small English model takes for people or places: "compare Redis and Postgres", "deploy on Heroku".

The list ships as `technical_terms.txt`, one term a line, read once. It clears only spans the model found:
a name after a cue ("Mr Flask", "Regards,\\nDocker Smith") is still redacted, and terms that are as often a
person's name are not in the list (see the file's header).
"""

from functools import cache
from pathlib import Path

TERMS_FILE = Path(__file__).with_name("technical_terms.txt")


def is_technical_term(phrase: str) -> bool:
    """True when `phrase` is a listed term, or made only of listed terms, with an optional possessive."""
    words = phrase.removesuffix("'s").removesuffix("\u2019s").split()
    terms = _terms()
    return bool(words) and (
        " ".join(words).casefold() in terms or all(word.casefold() in terms for word in words)
    )


@cache
def _terms() -> frozenset[str]:
    lines = TERMS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        " ".join(line.split()).casefold() for line in lines if line.strip() and not line.startswith("#")
    )
