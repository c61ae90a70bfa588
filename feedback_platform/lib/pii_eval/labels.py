"""How the labels of the dev set map to the engine's entity types, and how each type's leak is judged.

The dev set (presidio-research's synth_dataset_v2) labels more than personal data. Its labels map as:

- PERSON, STREET_ADDRESS, EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, IBAN_CODE, US_SSN, IP_ADDRESS: the
  engine type of the same name.
- GPE (cities, states, countries; spaCy's label) -> LOCATION, Presidio's name for it.
- ZIP_CODE and US_DRIVER_LICENSE: kept under their own names and scored, with no target: the engine has
  no such type (a postcode is caught as part of an address; licence numbers are not in its entities).
- ORGANIZATION, DATE_TIME, NRP, TITLE, AGE, DOMAIN_NAME -> not scored: not personal data under the
  engine's policy (see `REDACTED_ENTITIES`).

Words inside an unscored span count neither as leaks nor as non-PII words, since the set labels them as
something other than ordinary prose.
"""

DEV_SET_LABELS: dict[str, str | None] = {
    "PERSON": "PERSON",
    "STREET_ADDRESS": "STREET_ADDRESS",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN_CODE",
    "US_SSN": "US_SSN",
    "IP_ADDRESS": "IP_ADDRESS",
    "GPE": "LOCATION",
    "ZIP_CODE": "ZIP_CODE",
    "US_DRIVER_LICENSE": "US_DRIVER_LICENSE",
    "ORGANIZATION": None,
    "DATE_TIME": None,
    "NRP": None,
    "TITLE": None,
    "AGE": None,
    "DOMAIN_NAME": None,
}
"""Dev-set label -> engine entity type; None: not scored."""

NUMERIC_ENTITIES = frozenset(
    {"PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS", "ZIP_CODE", "US_DRIVER_LICENSE"}
)
"""Types whose value also leaks as its digit sequence, whatever separators surround the digits."""

NAME_ENTITIES = frozenset({"PERSON"})
"""Types whose value leaks when any one of its name tokens is still readable."""


def engine_entity(label: str) -> str | None:
    """The engine entity type of a set's label: mapped when listed above, taken as it is otherwise."""
    return DEV_SET_LABELS.get(label, label)
