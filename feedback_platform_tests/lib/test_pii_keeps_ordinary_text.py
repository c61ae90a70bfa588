"""What redaction must keep: tenant and product names from the tenants file, sentence-opening words the
model's tagger reads as ordinary words, identifiers inside code and words of the other served languages; real
names next to them still go."""

from pathlib import Path

import pytest
import regex as re

from feedback_platform.lib.pii import PiiRedactor, RedactorConfig
from feedback_platform.lib.pii.allow_list import (
    allow_list_pattern,
    load_allow_list,
    term_occurrences_pattern,
)
from feedback_platform.lib.pii.foreign_words import (
    build_foreign_words,
    foreign_words,
    is_foreign_phrase,
    is_foreign_word,
    passes_frequency_rule,
)
from feedback_platform.lib.pii.technical_terms import is_technical_term
from feedback_platform.lib.pii.territories import is_territory
from feedback_platform.lib.sample_logs.catalog import TENANTS
from feedback_platform.lib.tenants import TenantsFileError
from feedback_platform.settings import DEFAULT_TENANTS_FILE, PlatformSettings

SYSTEM_PROMPT = "You are the customer support assistant of Acme Retail. Help customers with their orders."


@pytest.fixture(scope="module")
def redactor() -> PiiRedactor:
    return PiiRedactor(RedactorConfig(allow_list=load_allow_list(DEFAULT_TENANTS_FILE)))


@pytest.fixture(scope="module")
def redactor_without_allow_list() -> PiiRedactor:
    return PiiRedactor()


# Guards the allow list: the tenant's name survives where the model reads it as a person, while a
# customer's name in the same text is still replaced.
def test_tenant_names_are_kept_and_people_are_not(
    redactor: PiiRedactor, redactor_without_allow_list: PiiRedactor
) -> None:
    assert "<PERSON>" in redactor_without_allow_list.redact([SYSTEM_PROMPT])[0]
    texts = [SYSTEM_PROMPT, "Thanks for shopping at Acme Retail, Olivia Carter! Acme gift cards ship free."]
    assert redactor.redact(texts) == [
        SYSTEM_PROMPT,
        "Thanks for shopping at Acme Retail, <PERSON>! Acme gift cards ship free.",
    ]


# Guards the allow list's reach: a term or its first words, with a possessive or acronyms after them; never a
# later word alone.
def test_allow_list_pattern_takes_terms_and_their_first_words_only() -> None:
    pattern = re.compile(allow_list_pattern(["Acme Retail", "Jordan Smith Consulting"]))
    kept_spans = ("Acme", "Acme Retail", "Acme Retail's", "Acme  Retail", "Jordan Smith", "Acme IP")
    for kept in kept_spans:
        assert pattern.search(kept), kept
    for redacted in ("Retail", "Smith", "Consulting", "Acme Retail Group", "acme", "Retail API", "Acme Db"):
        assert not pattern.search(redacted), redacted
    assert allow_list_pattern([]) is None


# Guards the tenants file's validation: a wrong key is named with the file, a missing file is a clear error.
def test_a_malformed_tenants_file_names_the_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "tenants.yaml"
    bad.write_text("tenants:\n  - id: acme\n    nmae: Acme Retail\n", encoding="utf-8")
    with pytest.raises(TenantsFileError, match=r"tenants\.yaml: tenants\.0\.name: Field required"):
        load_allow_list(bad)
    with pytest.raises(TenantsFileError, match="cannot read the tenants file"):
        load_allow_list(tmp_path / "missing.yaml")


# Guards the setting: a deployment points the platform at its own tenants file and its names reach the engine.
def test_a_deployment_names_its_own_tenants_file(tmp_path: Path) -> None:
    own = tmp_path / "tenants.yaml"
    own.write_text("tenants:\n  - {id: initech, name: Initech}\nallow: [TPS Reports]\n", encoding="utf-8")
    settings = PlatformSettings.from_environment({"FEEDBACK_PLATFORM_TENANTS_FILE": str(own)})
    assert settings.redactor_config().allow_list == ("Initech", "TPS Reports")


# Guards the shipped file against drifting from the sample it describes: every sample tenant is named.
def test_the_shipped_tenants_file_names_every_sample_tenant() -> None:
    terms = load_allow_list(DEFAULT_TENANTS_FILE)
    assert {tenant.display_name for tenant in TENANTS} <= set(terms)


# Guards sentence-opening words: a verb or common noun opening a sentence is kept (tagged so, or written in
# lower case elsewhere in the text), a name opening one is not, nor a dialogue's speaker.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "You are the email assistant of Northwind Bank. Draft replies that support agents send.",
            "You are the email assistant of Northwind Bank. Draft replies that support agents send.",
        ),
        ("Mark called me yesterday about the refund.", "<PERSON> called me yesterday about the refund."),
        ("It works great \u2014 Thanks!", "It works great \u2014 Thanks!"),
        ("Contact: Customer Support", "Contact: Customer Support"),
        ("Vérifiez mon abonnement, merci.", "Vérifiez mon abonnement, merci."),
        ("Hernandez le sait.", "<PERSON> le sait."),
        (
            "Keys are revoked under Settings > API keys. Hannah rotated hers.",
            "Keys are revoked under Settings > API keys. <PERSON> rotated hers.",
        ),
        (
            'Alice: "Who are you?" Alice: "I am the new tenant."',
            '<PERSON>: "Who are you?" <PERSON>: "I am the new tenant."',
        ),
    ],
)
def test_sentence_opening_words_are_names_only_when_tagged_so(
    redactor: PiiRedactor, text: str, expected: str
) -> None:
    assert redactor.redact([text]) == [expected]


# Guards code: identifiers in code are not people, but an email or a name outside the code still goes.
def test_identifiers_in_code_are_kept(redactor: PiiRedactor) -> None:
    text = (
        "Create the client like this:\n```python\nfrom globex import Client\nclient = Client()\n```\n"
        "Mail me at olivia.carter@gmail.com. Thanks, Olivia Carter"
    )
    assert redactor.redact([text]) == [
        "Create the client like this:\n```python\nfrom globex import Client\nclient = Client()\n```\n"
        "Mail me at <EMAIL_ADDRESS>. Thanks, <PERSON>"
    ]


# Guards the other served languages' words: German, Spanish and French phrases the English model reads as
# people are kept, while a name beside them, or a name that is also a word somewhere, still goes.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Danke für Ihre Frage. Kann ich sonst noch helfen?",
            "Danke für Ihre Frage. Kann ich sonst noch helfen?",
        ),
        ("Gerne! Freundliche Grüße, Jonas Keller", "Gerne! Freundliche Grüße, <PERSON>"),
        ("¡Claro! ¿Puedo ayudarte con algo más?", "¡Claro! ¿Puedo ayudarte con algo más?"),
        ("Je n'ai rien trouvé dans l'aide.", "Je n'ai rien trouvé dans l'aide."),
        ("Bonjour, Draft a reply to a customer.", "Bonjour, Draft a reply to a customer."),
        ("Buongiorno, Draft a reply. Bedankt!", "Buongiorno, Draft a reply. Bedankt!"),
        ("Grazie, Marco Bianchi", "Grazie, <PERSON>"),
        ("Grazie, ma la risposta è troppo lunga.", "Grazie, ma la risposta è troppo lunga."),
        ("Stornieren Sie bitte meine Bestellung.", "Stornieren Sie bitte meine Bestellung."),
        ("Een vraag over mijn rekening. Alvast bedankt.", "Een vraag over mijn rekening. Alvast bedankt."),
        ("Alvast bedankt,\nPieter Bakker", "Alvast bedankt,\n<PERSON>"),
    ],
)
def test_words_of_other_served_languages_are_kept(redactor: PiiRedactor, text: str, expected: str) -> None:
    assert redactor.redact([text]) == [expected]


# Guards the frequency rule's boundary: ordinary words of one language pass it; names and local city names,
# whose frequency is spread over languages or not high enough, do not.
def test_foreign_words_are_told_from_names() -> None:
    for word in ("Danke", "Frage", "Gerne", "Claro", "Puedo", "avec", "Grüße", "Kann"):
        assert is_foreign_word(word), word
    for name in ("García", "Keller", "Rossi", "Bakker", "Marie", "Louis", "Köln", "Wien", "Will", "van"):
        assert not is_foreign_word(name), name
    assert not is_foreign_phrase("Danke Hannah")
    assert not is_foreign_phrase("")


# Guards implausible spans: sentence punctuation inside, or one all-capital word, is no person's name; a
# span read across a colon is cut there, so a dialogue's speaker still goes.
def test_acronyms_and_spans_across_sentences_are_not_names(redactor: PiiRedactor) -> None:
    text = "Express parses the JSON body first. ¡Claro! Insurance is included. Kurze Frage: Write a reply."
    assert redactor.redact([text]) == [text]
    assert redactor.redact(["Heather:\"I'm Anna's sister\"."]) == ["<PERSON>:\"I'm <PERSON>'s sister\"."]


# Guards interface labels: a button or menu item after "tap" or "select" is kept, a person chosen in an
# interface is not.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Open the app and tap Request refund.", "Open the app and tap Request refund."),
        ("Choose the order and select Edit address.", "Choose the order and select Edit address."),
        ("Please select Maria Lopez as the beneficiary.", "Please select <PERSON> as the beneficiary."),
    ],
)
def test_interface_labels_are_kept(redactor: PiiRedactor, text: str, expected: str) -> None:
    assert redactor.redact([text]) == [expected]


# Guards the allow list inside a text: a later word of a tenant's name, where the whole name stands, is kept;
# the same word elsewhere is judged on its own.
def test_words_inside_an_allowed_term_are_kept(redactor: PiiRedactor) -> None:
    assert redactor.redact(["Kind regards,\nThe Acme Retail team"]) == ["Kind regards,\nThe Acme Retail team"]
    pattern = re.compile(term_occurrences_pattern(["Acme Retail"]))
    assert pattern.search("the Acme  Retail team") and not pattern.search("AcmeRetail or Acme Retailers")
    assert term_occurrences_pattern([]) is None


# Guards the shipped word list against drifting from its rule: rebuilt from wordfreq, it is the same list.
def test_the_shipped_foreign_words_are_what_the_rule_gives() -> None:
    assert build_foreign_words() == sorted(foreign_words())
    assert passes_frequency_rule("Danke") and not passes_frequency_rule("García")


# Guards coarse places: countries and world regions, in any served language, are kept; a city and a street
# beside them still go.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Euro transfers within Europe arrive within one business day.",
            "Euro transfers within Europe arrive within one business day.",
        ),
        (
            "Why has my transfer to Spain not arrived? I live at 42 Elm Street, Springfield.",
            "Why has my transfer to Spain not arrived? I live at <STREET_ADDRESS>.",
        ),
        ("Ich ziehe nächste Woche in die Niederlande.", "Ich ziehe nächste Woche in die Niederlande."),
    ],
)
def test_countries_and_regions_are_kept(redactor: PiiRedactor, text: str, expected: str) -> None:
    assert redactor.redact([text]) == [expected]


def test_territory_names_cover_every_served_language() -> None:
    for name in (
        "Europe",
        "spain",
        "Niederlande",
        "Amérique  du Sud",
        "Paesi Bassi",
        "Duitsland",
        "the Netherlands",
    ):
        assert is_territory(name), name
    for place in ("Springfield", "Köln", "Madrid", "Elm Street", ""):
        assert not is_territory(place), place


# Guards technical terms: tools the model reads as people or places are kept, unless a cue makes them a
# name; a tool that is as often a person's name is not in the list.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Deploy the Django app on Heroku or Vercel; Grafana shows the Prometheus alert.",
            "Deploy the Django app on Heroku or Vercel; Grafana shows the Prometheus alert.",
        ),
        (
            "It explained Docker Swarm. Ask Dr. Swift about the bill.",
            "It explained Docker Swarm. Ask Dr. <PERSON> about the bill.",
        ),
        ("Cassandra called me yesterday about the refund.", "<PERSON> called me yesterday about the refund."),
    ],
)
def test_technical_terms_are_kept(redactor: PiiRedactor, text: str, expected: str) -> None:
    assert redactor.redact([text]) == [expected]


def test_technical_terms_are_whole_terms_or_made_of_them() -> None:
    for term in ("Redis", "Google Cloud", "Kafka's", "Docker  Swarm", "Postgres Redis"):
        assert is_technical_term(term), term
    for not_a_term in ("Julia", "Jenkins", "Taylor Swift", "Google", ""):
        assert not is_technical_term(not_a_term), not_a_term
