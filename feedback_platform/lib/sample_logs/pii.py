"""Synthetic personal data planted into the sample logs, so that redaction has something to find.

Entity types follow Presidio's names where Presidio has one (PERSON, EMAIL_ADDRESS, PHONE_NUMBER,
CREDIT_CARD); STREET_ADDRESS and API_KEY have no built-in Presidio recognizer and need custom ones;
NATIONAL_ID stands for the country's identity number (UK National Insurance number, Spanish DNI or NIE).
Values follow each locale's conventions: names with particles and hyphens ("Daan van den Berg",
"Hans-Peter Müller-Lang"), street grammar ("Kerkstraat 21, 1017 GC Amsterdam", "Via Roma 12, 00184 Roma",
"Am Sonnenhang 7, 50667 Köln"), and phone numbers with international prefixes and extensions. Phone
numbers use fictional ranges (US 555-01xx, UK 020 7946 0xxx) that `phonenumbers` still calls valid; card
numbers are Luhn-valid numbers with real issuer prefixes.
"""

import random
import string
import unicodedata
from dataclasses import dataclass

PERSON = "PERSON"
EMAIL_ADDRESS = "EMAIL_ADDRESS"
PHONE_NUMBER = "PHONE_NUMBER"
CREDIT_CARD = "CREDIT_CARD"
STREET_ADDRESS = "STREET_ADDRESS"
API_KEY = "API_KEY"
NATIONAL_ID = "NATIONAL_ID"
ENTITY_TYPES: tuple[str, ...] = (
    PERSON,
    EMAIL_ADDRESS,
    PHONE_NUMBER,
    CREDIT_CARD,
    STREET_ADDRESS,
    API_KEY,
    NATIONAL_ID,
)

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "nl")
"""The languages the sample product's users write in."""

_FIRST_NAMES = {
    "en": ("James", "Olivia", "Liam", "Emma", "Noah", "Aisha", "Ethan", "Grace", "Daniel", "Priya"),
    "de": ("Jonas", "Hannah", "Lukas", "Lea", "Felix", "Marie", "Jan", "Katharina"),
    "fr": ("Camille", "Louis", "Chloé", "Hugo", "Manon", "Julien", "Léa", "Antoine"),
    "es": ("Lucía", "Mateo", "Sofía", "Javier", "Carmen", "Diego", "Elena", "Pablo"),
    "it": ("Giulia", "Marco", "Chiara", "Alessandro", "Francesca", "Matteo", "Sara", "Lorenzo"),
    "nl": ("Daan", "Sanne", "Bram", "Lotte", "Thijs", "Fleur", "Ruben", "Anouk"),
}
_HYPHENATED_FIRST_NAMES = {"de": "Hans-Peter", "fr": "Jean-Luc", "en": "Mary-Jane"}
_LAST_NAMES = {
    "en": ("Carter", "Thompson", "Murphy", "Patel", "Brooks", "Khan", "Bennett", "Walsh", "Reed", "Nguyen"),
    "de": ("Keller", "Becker", "Schmidt", "Hoffmann", "Wagner", "Vogel", "Krüger", "Neumann"),
    "fr": ("Laurent", "Dubois", "Moreau", "Lefèvre", "Garnier", "Rousseau", "Fontaine", "Girard"),
    "es": ("Fernández", "García", "Martínez", "Romero", "Navarro", "Ortega", "Delgado", "Castillo"),
    "it": ("Rossi", "Bianchi", "Esposito", "Ricci", "Conti", "De Luca", "Di Stefano", "Moretti"),
    "nl": ("de Vries", "van den Berg", "Bakker", "Visser", "van Dijk", "Jansen", "de Groot", "Smit"),
}
_PARTICLE_SURNAMES = {
    "de": "von Stein",
    "fr": "de la Fontaine",
    "es": "de la Cruz",
    "en": "Carter-Brooks",
}
"""Surnames with particles or a hyphen, taken now and then: the forms names take in each locale."""
_MAIL_DOMAINS = {
    "en": ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "example.com"),
    "de": ("web.de", "gmx.de", "gmail.com", "t-online.de"),
    "fr": ("orange.fr", "free.fr", "gmail.com", "laposte.net"),
    "es": ("gmail.com", "hotmail.es", "telefonica.net", "yahoo.es"),
    "it": ("libero.it", "gmail.com", "virgilio.it", "tiscali.it"),
    "nl": ("ziggo.nl", "kpnmail.nl", "gmail.com", "hotmail.nl"),
}
_US_AREA_CODES = ("212", "312", "415", "617", "206", "303", "512", "404")
_US_STREETS = ("Maple Avenue", "Oak Street", "Cedar Lane", "Pine Road", "Elm Drive", "Lakeview Boulevard")
_US_CITIES = (
    ("Springfield", "IL", "627"),
    ("Portland", "OR", "972"),
    ("Austin", "TX", "787"),
    ("Madison", "WI", "537"),
    ("Denver", "CO", "802"),
)
_UK_STREETS = ("Baker Street", "Abbey Road", "Station Road", "Victoria Road", "Church Lane")
_DE_STREETS = ("Hauptstraße", "Bahnhofstraße", "Lindenweg", "Gartenstraße", "Schillerstraße", "Am Sonnenhang")
_DE_CITIES = (("Berlin", "10"), ("München", "80"), ("Hamburg", "20"), ("Köln", "50"))
_FR_STREETS = ("rue de la Paix", "avenue Victor Hugo", "rue des Lilas", "boulevard Voltaire")
_FR_CITIES = (("Paris", "75"), ("Lyon", "69"), ("Marseille", "13"), ("Toulouse", "31"))
_ES_STREETS = (
    "Calle Mayor",
    "Calle de Alcalá",
    "Avenida de América",
    "Calle del Prado",
    "Cuesta de San Vicente",
)
_ES_CITIES = (("Madrid", "28"), ("Barcelona", "08"), ("Valencia", "46"), ("Sevilla", "41"))
_IT_STREETS = ("Via Roma", "Viale dei Mille", "Corso Garibaldi", "Piazza Navona", "Via della Spiga")
_IT_CITIES = (("Roma", "00"), ("Milano", "20"), ("Torino", "10"), ("Napoli", "80"))
_NL_STREETS = ("Kerkstraat", "Stationsweg", "Prinsengracht", "Dorpsstraat", "Parklaan", "Molenweg")
_NL_CITIES = (("Amsterdam", "10"), ("Utrecht", "35"), ("Rotterdam", "30"), ("Eindhoven", "56"))
_IT_MOBILE_PREFIXES = ("320", "328", "333", "339", "347", "348", "349", "380", "393")
"""Italian mobile prefixes in use; "30x" and "31x" are unassigned and `phonenumbers` rejects them."""
_NINO_PREFIXES = ("AB", "CE", "JG", "KM", "PR", "SW", "TY")
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
"""The Spanish DNI's check letter is this string's character at the number modulo 23."""
_CARD_PREFIXES = (("4", 16), ("51", 16), ("55", 16), ("37", 15), ("6011", 16))
_ALNUM = string.ascii_letters + string.digits


@dataclass(frozen=True)
class PiiValue:
    """One planted value and its entity type."""

    entity_type: str
    value: str


@dataclass(frozen=True)
class Persona:
    """The identity a user reveals when they share personal data: the same user shares the same values."""

    name: PiiValue
    email: PiiValue
    phone: PiiValue
    address: PiiValue


def luhn_check_digit(digits: str) -> str:
    """The digit that makes `digits` + digit pass the Luhn checksum."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            value -= 9 if value > 9 else 0
        total += value
    return str((10 - total % 10) % 10)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


class PiiFactory:
    """Makes fresh synthetic PII values from a random generator."""

    def __init__(self, rng: random.Random, api_key_offset: int = 0) -> None:
        """`api_key_offset` picks the kind of the first API key, so that days starting on other kinds mix."""
        self._rng = rng
        self._api_keys_made = api_key_offset

    def persona(self, language: str) -> Persona:
        """A coherent name, email, phone and address for a user of this language."""
        rng = self._rng
        first, last = rng.choice(_FIRST_NAMES[language]), rng.choice(_LAST_NAMES[language])
        if language in _HYPHENATED_FIRST_NAMES and rng.random() < 0.1:
            first = _HYPHENATED_FIRST_NAMES[language]
        if language in _PARTICLE_SURNAMES and rng.random() < 0.15:
            last = _PARTICLE_SURNAMES[language]
        surname = last.replace(" ", "").replace("-", "")
        local = rng.choice(
            (f"{first}.{surname}", f"{first[0]}.{surname}", f"{first}{surname}{rng.randint(10, 99)}")
        )
        email = f"{_ascii(local)}@{rng.choice(_MAIL_DOMAINS[language])}"
        return Persona(
            name=PiiValue(PERSON, f"{first} {last}"),
            email=PiiValue(EMAIL_ADDRESS, email),
            phone=self.phone(language),
            address=self.address(language),
        )

    def phone(self, language: str) -> PiiValue:
        """A US number in one of five layouts for English speakers (some UK), else the country's formats,
        some with the 00 international prefix."""
        rng = self._rng
        if language == "en" and rng.random() < 0.75:
            area, line = rng.choice(_US_AREA_CODES), f"01{_digits(rng, 2)}"
            text = rng.choice(
                (
                    f"({area}) 555-{line}",
                    f"{area}-555-{line}",
                    f"+1 {area} 555 {line}",
                    f"001-{area}-555-{line}",
                    f"({area}) 555-{line} x{_digits(rng, 3)}",
                )
            )
        elif language == "en":
            text = f"+44 20 7946 0{_digits(rng, 3)}"
        elif language == "de":
            text = rng.choice(
                (f"+49 30 {_digits(rng, 8)}", f"+49 151 {_digits(rng, 8)}", f"0049 30 {_digits(rng, 8)}")
            )
        elif language == "it":
            mobile = f"+39 {rng.choice(_IT_MOBILE_PREFIXES)} {_digits(rng, 3)} {_digits(rng, 4)}"
            text = rng.choice((mobile, f"06 {_digits(rng, 8)}"))
        elif language == "nl":
            mobile = f"{rng.randint(10, 59)}{_digits(rng, 6)}"
            text = rng.choice((f"+31 6 {mobile}", f"06-{mobile}", f"0031 20 {_digits(rng, 7)}"))
        elif language == "fr":
            # 06 39 and 06 9x belong to overseas departments, which `phonenumbers` rejects under +33.
            text = f"+33 6 {rng.randint(10, 38)} " + " ".join(_digits(rng, 2) for _ in range(3))
        else:
            text = f"+34 6{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 3)}"
        return PiiValue(PHONE_NUMBER, text)

    def address(self, language: str) -> PiiValue:
        """A street address in the usual layout of the language's country."""
        rng = self._rng
        number = rng.randint(2, 180)
        if language == "de":
            city, plz = rng.choice(_DE_CITIES)
            text = f"{rng.choice(_DE_STREETS)} {number}, {plz}{_digits(rng, 3)} {city}"
        elif language == "fr":
            city, cp = rng.choice(_FR_CITIES)
            text = f"{number} {rng.choice(_FR_STREETS)}, {cp}0{_digits(rng, 2)} {city}"
        elif language == "es":
            city, cp = rng.choice(_ES_CITIES)
            text = f"{rng.choice(_ES_STREETS)} {number}, {cp}0{_digits(rng, 2)} {city}"
        elif language == "it":
            city, cap = rng.choice(_IT_CITIES)
            text = f"{rng.choice(_IT_STREETS)} {number}, {cap}1{_digits(rng, 2)} {city}"
        elif language == "nl":
            city, postcode = rng.choice(_NL_CITIES)
            letters = "".join(rng.choice("ABCEGHJKLMNPRSTVXZ") for _ in range(2))
            text = f"{rng.choice(_NL_STREETS)} {number}, {postcode}{_digits(rng, 2)} {letters} {city}"
        elif rng.random() < 0.8:
            city, state, zip_prefix = rng.choice(_US_CITIES)
            text = f"{number} {rng.choice(_US_STREETS)}, {city}, {state} {zip_prefix}{_digits(rng, 2)}"
        else:
            text = f"{number} {rng.choice(_UK_STREETS)}, London NW1 {rng.randint(1, 9)}XE"
        return PiiValue(STREET_ADDRESS, text)

    def national_id(self, language: str) -> PiiValue | None:
        """The country's identity number, where the locale has one Presidio recognises: a UK National
        Insurance number for English, a Spanish DNI or NIE (valid check letter) for Spanish; else None."""
        rng = self._rng
        if language == "en":
            suffix = rng.choice("ABCD")
            pairs = " ".join(_digits(rng, 2) for _ in range(3))
            return PiiValue(NATIONAL_ID, f"{rng.choice(_NINO_PREFIXES)} {pairs} {suffix}")
        if language == "es":
            number = _digits(rng, 8)
            if rng.random() < 0.3:
                lead = rng.choice("XYZ")
                digits = str("XYZ".index(lead)) + number[1:]
                return PiiValue(NATIONAL_ID, f"{lead}{number[1:]}{_DNI_LETTERS[int(digits) % 23]}")
            return PiiValue(NATIONAL_ID, f"{number}{_DNI_LETTERS[int(number) % 23]}")
        return None

    def card(self) -> PiiValue:
        """A Luhn-valid card number, grouped by spaces or dashes or written as one run of digits."""
        rng = self._rng
        prefix, length = rng.choice(_CARD_PREFIXES)
        body = prefix + _digits(rng, length - len(prefix) - 1)
        number = body + luhn_check_digit(body)
        groups = (4, 6, 5) if length == 15 else (4, 4, 4, 4)
        parts, start = [], 0
        for size in groups:
            parts.append(number[start : start + size])
            start += size
        return PiiValue(CREDIT_CARD, rng.choice((" ", "-", "")).join(parts))

    def api_key(self) -> PiiValue:
        """An OpenAI (`sk-`), AWS (`AKIA`) or GitHub (`ghp_`) style secret, the three kinds in turn."""
        rng = self._rng
        kind = self._api_keys_made % 3
        self._api_keys_made += 1
        if kind == 0:
            text = "sk-" + "".join(rng.choice(_ALNUM) for _ in range(48))
        elif kind == 1:
            text = "AKIA" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))
        else:
            text = "ghp_" + "".join(rng.choice(_ALNUM) for _ in range(36))
        return PiiValue(API_KEY, text)
