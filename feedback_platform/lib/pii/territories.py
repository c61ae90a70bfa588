"""Names of countries, continents and world regions in the served languages, from the Unicode CLDR data
Babel ships ("Europe", "Spain", "Niederlande", "Amérique du Sud").

A place that coarse does not single anyone out, and the product's own texts name them all the time
("transfers within Europe arrive within a day"), so a LOCATION span that is one of them is kept. Cities,
streets and postcodes stay redacted.
"""

from functools import cache

from babel import Locale

from feedback_platform.lib.pii.config import SERVED_LANGUAGES


def is_territory(phrase: str) -> bool:
    """True when `phrase` (any case, any spacing, with the English model's "the" before it: "the United
    States") is the name of a country or region in a served language."""
    return " ".join(phrase.split()).casefold().removeprefix("the ") in _territory_names()


@cache
def _territory_names() -> frozenset[str]:
    names = (Locale.parse(language).territories.values() for language in SERVED_LANGUAGES)
    return frozenset(name.casefold() for language_names in names for name in language_names)
