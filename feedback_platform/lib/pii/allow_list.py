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
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class AllowListError(ValueError):
    """The tenants file cannot be read or does not have the expected shape; the message names the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TenantNames(_Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    products: tuple[str, ...] = ()


class TenantsFile(_Strict):
    tenants: tuple[TenantNames, ...] = ()
    allow: tuple[str, ...] = ()

    def terms(self) -> tuple[str, ...]:
        """Every name to keep, tenants first, each once, in file order."""
        names = [name for tenant in self.tenants for name in (tenant.name, *tenant.products)]
        return tuple(dict.fromkeys(term.strip() for term in [*names, *self.allow] if term.strip()))


def load_allow_list(path: Path) -> tuple[str, ...]:
    """The terms of the tenants file at `path`; AllowListError naming the file and the key that is wrong."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise AllowListError(f"cannot read the tenants file {path}: {error}") from error
    try:
        return TenantsFile.model_validate(raw or {}).terms()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()
        )
        raise AllowListError(f"{path}: {problems}") from error


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
