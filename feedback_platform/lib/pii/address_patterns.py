"""Regular expressions for street addresses, by convention of the country that writes them.

A street name alone is not personal data; a house number with a street is. So every pattern needs a
number next to a street-type word ("Street", "-straße", "Rue", ...), which keeps ordinary prose such as
"step 2 of the process" out. Patterns are case-sensitive (`regex` module syntax, \\p{Lu} for any capital
letter) except where marked, because capitalisation is most of what tells "Elm Street" from "a street".
Street-type words that are common outside addresses ("Row", "View", "Point", "Path", "Run", "Park") are
left out on purpose.
"""

_HOUSE_NUMBER = r"\b\d{1,6}[A-Za-z]?(?:-\d{1,6})?"
_NAME_WORD = r"(?:\p{Lu}[\p{L}'\u2019.-]*|\d{1,3}(?:st|nd|rd|th))"
_EN_STREET_TYPE = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter"
    r"|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Plaza|Crescent|Cres|Close|Gardens|Gdns"
    r"|Grove|Mews|Alley)\b\.?"
)
_DIRECTION = r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b\.?)?"
_UNIT = r"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|#)\.?\s*#?[A-Za-z]?\d+[A-Za-z]?\b)?"
_LEADING_NUMBER = r"(?:\b\d{1,6}\s+)?"
"""A building or plot number written before a street that carries its own house number."""
_CITY = r"(?:,\s*\p{Lu}\p{Ll}+(?:[ -]\p{Lu}\p{Ll}+){0,2})?"
_US_STATE_ZIP = r",?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"
UK_POSTCODE = r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b"
_STATE_ZIP_OR_POSTCODE = rf"(?:{_US_STATE_ZIP}|,?\s+{UK_POSTCODE})?"

EN_STREET = (
    rf"{_LEADING_NUMBER}{_HOUSE_NUMBER}\s+(?:{_NAME_WORD}\s+){{1,4}}{_EN_STREET_TYPE}{_DIRECTION}{_UNIT}{_CITY}"
    rf"{_STATE_ZIP_OR_POSTCODE}"
)
"""US and UK style: "1234 Elm Street, Springfield", "221B Baker Street, London NW1 6XE"."""

EN_STREET_LOWERCASE = (
    r"(?i)\b\d{1,6}[a-z]?\s+(?:[a-z][a-z'.-]*\s+){1,2}"
    r"(?:street|avenue|road|boulevard|lane|drive|court|place|terrace|parkway|highway)\b"
)
"""Typed in lower case, as people chat: "42 maple street". Weak alone; context words lift it."""

PO_BOX = r"\b(?:P\.?\s?O\.?\s?Box|Post\s+Office\s+Box)\s+\d{1,6}\b"

US_MILITARY = (
    r"\b(?:(?:PSC|CMR|Unit)\s+\d{3,5},?\s+Box\s+\d{3,5}(?:\s+(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5})?"
    r"|(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5})\b"
)
"""US military and diplomatic mail: "PSC 0413, Box 8144 APO AA 42323"."""

_DE_POSTCODE_CITY = r"(?:,?\s+\d{5}\s+\p{Lu}[\p{L}-]+(?:\s(?:am|an\sder|im|in|bei)\s\p{Lu}[\p{L}-]+)?)?"
_DE_HOUSE_NUMBER = r"\s*\d{1,4}(?:\s?[a-z]\b)?(?:-\d{1,4})?"
DE_COMPOUND_STREET = (
    r"\b\p{Lu}\p{Ll}{2,}(?:-\p{Lu}?\p{Ll}+)*(?:straße|strasse|str\.|weg|allee|platz|gasse|damm|ufer"
    rf"|chaussee|steig|pfad|markt|graben){_DE_HOUSE_NUMBER}{_UNIT}{_DE_POSTCODE_CITY}"
)
"""German compound street names: "Hauptstraße 5", "Musterstr. 12a, 10115 Berlin"."""

DE_SEPARATE_STREET = (
    r"\b\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)*\s+(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Damm|Ufer|Chaussee"
    rf"|Ring|Markt|Graben){_DE_HOUSE_NUMBER}{_UNIT}{_DE_POSTCODE_CITY}"
)
"""German street names in two words: "Berliner Straße 12", "Am Ring 3"."""

EU_COMPOUND_STREET = (
    rf"{_LEADING_NUMBER}\b\p{{Lu}}\p{{Ll}}{{2,}}(?:vägen|gatan|gränd|vej|gade|veien|vegen|gata|katu|kuja|tie"
    rf"|polku|laan|straat|gracht|plein|kade|singel|dijk)\s+\d{{1,4}}\s?[A-Za-z]?\b{_UNIT}"
)
"""Nordic, Finnish and Dutch compound street names: "Hammarvägen 15", "Koskikatu 25", "Brixtonlaan 380"."""

_POSTCODE_CITY = r"(?:,?\s+\d{4,5}\s+\p{Lu}[\p{L}'\u2019-]+(?:[ -]\p{Lu}[\p{L}'\u2019-]+){0,2})?"
"""French, Spanish, Italian, Portuguese style postcode and town after the street: ", 75012 Paris"."""
_ROMANCE_NAME = r"(?:(?:\p{Lu}[\p{L}'\u2019.-]*|de|del|della|di|des|du|la|le|las|los|da|das|do|dos)\s+){1,4}"
ROMANCE_STREET = (
    rf"{_LEADING_NUMBER}\b(?:Rue|Avenue|Boulevard|Bd|Chemin|Allée|Impasse|Quai|Via|Viale|Piazza|Corso|Vicolo|Calle|Avenida"
    rf"|Plaza|Paseo|Carrer|Rua|Travessa|Largo|ul\.|al\.|Plac|Rynek)\s+{_ROMANCE_NAME}\d{{1,4}}[A-Za-z]?\b"
    rf"{_UNIT}{_POSTCODE_CITY}"
)
"""Street type first: "Rue de Piétrain 371", "Via Roma 10", "Calle Mayor 5", "ul. Polna 28"."""

NUMBER_FIRST_ROMANCE_STREET = (
    r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?i:rue|avenue|boulevard|chemin|allée|impasse|quai|place)\s+"
    r"(?:(?:\p{Lu}[\p{L}'\u2019.-]*|de|la|le|des|du|d'\p{L}+)\s+){0,3}\p{Lu}[\p{L}'\u2019-]*"
    rf"{_POSTCODE_CITY}"
)
"""French style, number first: "12 rue de la Paix"."""

HU_STREET = rf"{_LEADING_NUMBER}\b\p{{Lu}}\p{{Ll}}+\s+(?:út|utca|u\.|tér|körút)\s+\d{{1,4}}\b\.?{_UNIT}"
"""Hungarian: "Rákóczi út 66"."""

_MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June|July|August"
    r"|September|October|November|December)\b"
)
_PLACE_WORD = r"\p{Lu}[\p{L}\p{M}'\u2019.-]*"
NUMBER_NAME_NUMBER_STREET = (
    rf"\b\d{{1,6}}[ \t]+(?!{_MONTH}){_PLACE_WORD}(?:[ \t]+(?:{_PLACE_WORD}|de|del|la|van|von)){{0,3}}"
    r"[ \t]+\d{1,5}[A-Za-z]?\b\.?"
    r"(?:,[ \t]*\p{Lu}[\p{L}\p{M}'\u2019-]+(?:[ \t]+\p{Lu}[\p{L}\p{M}'\u2019-]+){0,2})?"
    r"(?=[ \t]*(?:[,;\n]|$|(?:Apt|Apartment|Suite|Ste|Flat|Unit)\b))"
)
"""A street with no street-type word, written between a building number and a house number, as in many
European and Latin American addresses: "20789 Allika 46", "lives at 172 Maneeži 75, Saareküla". Weak on
its own ("3 Tesla Model 3"): a context word ("address", "lives at") or an address block lifts it."""

ADDRESS_BLOCK_STREET = (
    rf"(?m)^[ \t>]*{NUMBER_NAME_NUMBER_STREET}(?=[ \t]*(?:\n|(?:Apt|Apartment|Suite|Ste)\b))"
)
"""The same street alone on its line, the first line of an address block."""

UNIT = r"\b(?:Apt|Apartment|Suite|Ste)\.?[ \t]*#?\d{1,5}[A-Za-z]?\b"
"""An apartment or suite: "Suite 501", "Apt. 297". "Unit", "Flat" and "Room" are left out: "Unit 5" is
as often a course chapter."""

_PLACE_LINE = (
    r"\n+[ \t>]*(?:\p{Lu}[\p{L}\p{M}'\u2019.()-]*)(?:[ \t,]+[\p{L}\p{M}'\u2019.()-]+){0,4}"
    r"(?:,?[ \t]+\d{4,6}(?:-\d{3,4})?)?[ \t]*(?=\n|$)"
)
"""A line holding a town, region or country, with an optional postcode: " Riisa", " Estonia 62488"."""

ADDRESS_TAIL = rf"(?<={UNIT}[ \t]*)(?:{_PLACE_LINE}){{1,3}}"
"""Town, region, country and postcode lines under an apartment or suite line."""
