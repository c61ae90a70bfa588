"""The recognizers for the six served languages' conventions: national ids, street grammar, honorifics,
sign-offs and self-introductions; each with the ordinary text it must leave alone."""

import pytest
import regex as re

from feedback_platform.lib.pii import PiiRedactor
from feedback_platform.lib.pii.person_cue_recognizer import PersonCueRecognizer
from feedback_platform.lib.pii.person_patterns import NAME_WORD


@pytest.fixture(scope="module")
def redactor() -> PiiRedactor:
    return PiiRedactor()


# Guards the national ids Presidio ships, enabled for every text: each is replaced with its own type.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mi DNI es 12345678Z.", "Mi DNI es <ES_NIF>."),
        ("Mi NIE es X1234567L.", "Mi NIE es <ES_NIE>."),
        ("Il mio codice fiscale è RSSMRA85T10A562S.", "Il mio codice fiscale è <IT_FISCAL_CODE>."),
        ("My National Insurance number is AB 12 34 56 C.", "My National Insurance number is <UK_NINO>."),
        ("My NHS number is 943 476 5919.", "My NHS number is <UK_NHS>."),
        ("My tax id is 86095742719.", "My tax id is <DE_TAX_ID>."),
        ("My passport number is 533380006.", "My passport number is <US_PASSPORT>."),
        ("Mi pasaporte es ABC123456.", "Mi pasaporte es <ES_PASSPORT>."),
        ("Carta d'identità CA12345AB", "Carta d'identità <IT_IDENTITY_CARD>"),
        ("Ausweisnummer T22000129", "Ausweisnummer <DE_ID_CARD>"),
        ("Sozialversicherungsnummer 65170839J003", "Sozialversicherungsnummer <DE_SOCIAL_SECURITY>"),
    ],
)
def test_national_ids_are_redacted(redactor: PiiRedactor, text: str, expected: str) -> None:
    assert redactor.redact([text]) == [expected]


# Guards the digits-only ids and the documents: a checksum that happens to hold does not make an order number
# an NHS number or a tax id, nor a nine-digit order in the United States a passport; only their words do.
@pytest.mark.parametrize(
    "text",
    [
        "Order 9434765919 shipped today.",
        "Ticket 86095742719 is closed.",
        "Order 533380006 shipped to the United States.",
        "Booking AB1234567 for our trip to Italy, viaggio italiano.",
    ],
)
def test_digit_only_ids_need_their_context(redactor: PiiRedactor, text: str) -> None:
    assert redactor.redact([text]) == [text]


# Guards street grammar outside English: preposition streets with their postcode, Austrian and Swiss
# four-digit postcodes, Dutch postcodes, Romance
# street types with particles and Roman numerals, a Spanish floor.
@pytest.mark.parametrize(
    "address",
    [
        "Am Sonnenhang 7, 50667 Köln",
        "Ringstraße 12a, 1010 Wien",
        "Prinsengracht 263-A, 1016 GV Amsterdam",
        "Piazza San Marco 4, 30124 Venezia",
        "Calle de Alcalá 123, 2º izq., 28009 Madrid",
        "Via Giuseppe Garibaldi 15/B, Torino",
        "Am Lindenhof 3b, 79098 Freiburg im Breisgau",
        "Bahnhofstrasse 3, CH-8001 Zürich",
        "Kerkstraat 21, 1017 GC Amsterdam",
        "Stationsweg 4, 3511 ED Utrecht",
        "Viale dei Mille 45, 20129 Milano",
        "Corso Vittorio Emanuele II 101, 10128 Torino",
        "Cuesta de San Vicente 4, 28008 Madrid",
        "Avenida de la Constitución 12, 3º B, 41004 Sevilla",
        "C/ Gran Vía 28, 28013 Madrid",
    ],
)
def test_locale_street_addresses_are_redacted_whole(redactor: PiiRedactor, address: str) -> None:
    assert redactor.redact([f"Send it to {address}."]) == ["Send it to <STREET_ADDRESS>."]


# Guards the preposition rule's condition: without a postcode and town it is a date or a count.
@pytest.mark.parametrize(
    "text", ["Am Montag 5 Pakete verschickt.", "Via email 5 times a day.", "Offering 3 options."]
)
def test_street_rules_leave_prose(redactor: PiiRedactor, text: str) -> None:
    assert redactor.redact([text]) == [text]


# Guards names after the locale's cues: honorifics, sign-offs on the line or the next one (with the degrees
# after the name), introductions.
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Merci à M. Laurent pour son aide.", "Laurent"),
        ("Mevrouw Bakker heeft me geholpen.", "Bakker"),
        ("Il Sig. Esposito mi ha aiutato.", "Esposito"),
        ("Met vriendelijke groet,\nSanne de Vries", "Sanne de Vries"),
        ("Cordiali saluti,\nDott. Marco Bianchi", "Marco Bianchi"),
        ("Groeten, Sanne Visser", "Sanne Visser"),
        ("Hallo, ik ben Daan van den Berg.", "Daan van den Berg"),
        ("Je suis Camille Dubois, cliente depuis 2019.", "Camille Dubois"),
        ("Hola, me llamo Lucía Fernández de la Cruz.", "Lucía Fernández de la Cruz"),
        ("Alvast bedankt,\nJan de Vries MBA", "Jan de Vries MBA"),
        ("Groetjes,\nJan-Willem van den Heuvel", "Jan-Willem van den Heuvel"),
        ("Meine Tochter Mia ist allergisch gegen Nüsse.", "Mia"),
        ("Titular: Carmen Maura", "Carmen Maura"),
        ("Rekeninghouder: Johan Cruijff", "Johan Cruijff"),
        ("Het antwoord verwarde Bram met zijn broer Sem.", "Sem"),
        ("Cordialement,\nJean-Baptiste Le Goff", "Jean-Baptiste Le Goff"),
        ("Un saludo,\nMaría del Carmen Ruiz de Alarcón", "María del Carmen Ruiz de Alarcón"),
        ("Met vriendelijke groet,\nir. Thijs van 't Hof", "Thijs van 't Hof"),
        ("Buongiorno, sono Giulia Dell'Acqua, di Venezia.", "Giulia Dell'Acqua"),
        ("Thanks, Ana Dias, PhD", "Ana Dias PhD"),
    ],
)
def test_names_after_locale_cues_are_redacted(redactor: PiiRedactor, text: str, name: str) -> None:
    redacted = redactor.redact([text])[0]
    assert "<PERSON>" in redacted
    assert not any(word in redacted for word in name.split() if word[0].isupper()), redacted


# Guards the greeting cue on its own (the model finds some of these names, not inside a longer email): a
# name with particles after a greeting, also after the word for a customer; not a team addressed.
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Guten Tag Jan von Stein,\nthank you for reaching out.", "Jan von Stein"),
        ("Beste klant Ruben de Vries,\nthank you for reaching out.", "Ruben de Vries"),
        ("Bonjour Jean-Luc de la Fontaine,\nthank you for reaching out.", "Jean-Luc de la Fontaine"),
        ("Dear customer Noor Haddad,\nthank you.", "Noor Haddad"),
        ("Hello Customer Support, my order is late.", None),
    ],
)
def test_the_greeting_cue_takes_names_with_particles(text: str, name: str | None) -> None:
    found = PersonCueRecognizer().analyze(text, ["PERSON"])
    assert [text[result.start : result.end] for result in found] == ([name] if name else [])


# Guards the introduction cues: "sono" and "soy" before ordinary words are not introductions.
@pytest.mark.parametrize("text", ["Sono molto contento del servizio.", "Soy cliente desde 2019."])
def test_introduction_verbs_before_ordinary_words_are_kept(redactor: PiiRedactor, text: str) -> None:
    assert redactor.redact([text]) == [text]


# Guards the names English does not spell: full names with letters outside A-Z are redacted wherever they
# stand, while German phrases of common words with umlauts are not names.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Have you been to a Calquín Cazares concert before?", "Have you been to a <PERSON> concert before?"),
        ("A great coda (not by Elínborg Guðmundsdóttir).", "A great coda (not by <PERSON>)."),
        ("Freundliche Grüße und vielen Dank!", "Freundliche Grüße und vielen Dank!"),
    ],
)
def test_full_names_with_letters_outside_english_are_redacted(
    redactor: PiiRedactor, text: str, expected: str
) -> None:
    assert redactor.redact([text]) == [expected]


# Guards the one grammar of a name's word that every name rule shares: elisions, hyphens and possessives
# belong to the word; a capital inside a word does not (brand names, not names).
def test_a_name_word_takes_elisions_and_hyphens_but_not_inner_capitals() -> None:
    word = re.compile(rf"{NAME_WORD}\Z")
    for name in ("Anna", "Anna's", "O'Neil", "Dell'Acqua", "N'Diaye", "Jean-Luc", "Dubois-Lefèvre"):
        assert word.match(name), name
    for not_a_name in ("PayPal", "GitHub", "A", "anna"):
        assert not word.match(not_a_name), not_a_name


# Guards the streets with no street-type word: after an address word they are an address, anywhere else a
# name and a number are a product and its version.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mijn adres is Lange Voorhout 9, Den Haag.", "Mijn adres is <STREET_ADDRESS>."),
        ("Er wohnt in Ledergasse 8, 6004 Luzern.", "Er wohnt in <STREET_ADDRESS>."),
        ("Upgrade to Windows 11 and restart.", "Upgrade to Windows 11 and restart."),
        ("Boarding is at Gate 12 in Terminal 2.", "Boarding is at Gate 12 in Terminal 2."),
    ],
)
def test_streets_without_a_type_word_need_an_address_word(
    redactor: PiiRedactor, text: str, expected: str
) -> None:
    assert redactor.redact([text]) == [expected]
