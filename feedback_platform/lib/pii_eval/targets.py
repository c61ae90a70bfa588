"""The targets the redaction engine is held to (issue 3), as data the evaluation report checks."""

from dataclasses import dataclass

OVERALL = "overall"
NON_PII_KEPT = "non-PII words kept"


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
    Target(OVERALL, 0.05),
    Target("PERSON", 0.08),
    Target("STREET_ADDRESS", 0.10),
    Target("EMAIL_ADDRESS", 0.01),
    Target("PHONE_NUMBER", 0.01),
    Target("CREDIT_CARD", 0.01),
    Target("IBAN_CODE", 0.01),
    Target("US_SSN", 0.01),
    Target("IP_ADDRESS", 0.01),
    Target("API_KEY", 0.01),
    Target(NON_PII_KEPT, 0.97, at_least=True),
)
"""Leak at most 5 % overall, 8 % of names, 10 % of street addresses, 1 % of each identifier and secret
(secrets "at least 99 % caught"); at least 97 % of ordinary words kept."""

TARGETED_ENTITIES = frozenset(target.row for target in ISSUE_TARGETS) - {OVERALL, NON_PII_KEPT}
"""The entity types summed into the overall leak rate: those with a target of their own."""
