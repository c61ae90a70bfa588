"""The targets the redaction engine is held to (issue 13), as data the evaluation report checks."""

from dataclasses import dataclass

OVERALL = "overall"
NON_PII_KEPT = "non-PII words kept"
PII_FREE_UNCHANGED = "PII-free texts unchanged"
"""Texts without a labelled value that come out of redaction byte-identical."""
SYSTEM_PROMPT_FIELD = "messages.system"
PII_FREE_SYSTEM_PROMPTS_CHANGED = "PII-free system prompts changed"
"""System prompts (operator-written) without a labelled value that redaction changed; only in sets whose
records name their field, such as the generated one."""


@dataclass(frozen=True)
class Target:
    """A bound on one row of the report: a leak rate at most `bound`, or a kept rate at least `bound`."""

    row: str
    bound: float
    at_least: bool = False

    def passes(self, value: float) -> bool:
        """True when `value` meets the target."""
        return value >= self.bound if self.at_least else value <= self.bound

    def describe(self) -> str:
        """The target as it reads in the report: "<= 1.0%" or ">= 97.0%"."""
        return f"{'>=' if self.at_least else '<='} {self.bound:.1%}"


ISSUE_TARGETS: tuple[Target, ...] = (
    Target(OVERALL, 0.02),
    Target("PERSON", 0.04),
    Target("STREET_ADDRESS", 0.04),
    Target("PHONE_NUMBER", 0.01),
    Target("US_DRIVER_LICENSE", 0.10),
    Target("EMAIL_ADDRESS", 0.005),
    Target("CREDIT_CARD", 0.005),
    Target("IBAN_CODE", 0.005),
    Target("US_SSN", 0.005),
    Target("IP_ADDRESS", 0.005),
    Target("API_KEY", 0.005),
    Target(NON_PII_KEPT, 0.99, at_least=True),
    Target(PII_FREE_UNCHANGED, 0.995, at_least=True),
    Target(PII_FREE_SYSTEM_PROMPTS_CHANGED, 0.0),
)
"""Leak at most 2 % overall, 4 % of names and of street addresses, 1 % of phone numbers, 10 % of driver's
licences, 0.5 % of each other identifier and secret; keep at least 99 % of ordinary words and 99.5 % of the
texts without personal data byte for byte, and change no system prompt that holds none."""

LANGUAGE_TARGETS: tuple[Target, ...] = (Target(OVERALL, 0.03), Target(NON_PII_KEPT, 0.985, at_least=True))
"""Over the texts of each language a set names (en, de, fr, es, it, nl): leak at most 3 %, keep at least
98.5 % of ordinary words. Their rows read "overall [de]", "non-PII words kept [de]"."""


def language_row(row: str, language: str) -> str:
    """The name of a per-language row: "overall [de]"."""
    return f"{row} [{language}]"


TEXT_ROWS = frozenset({NON_PII_KEPT, PII_FREE_UNCHANGED, PII_FREE_SYSTEM_PROMPTS_CHANGED})
"""Target rows about what redaction keeps rather than about one entity type's leaks."""

TARGETED_ENTITIES = frozenset(target.row for target in ISSUE_TARGETS) - {OVERALL, *TEXT_ROWS}
"""The entity types summed into the overall leak rate: those with a target of their own."""
