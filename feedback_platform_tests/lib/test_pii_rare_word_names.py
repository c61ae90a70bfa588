"""Names the model misses, found as rare capitalised words inside English sentences, and the ordinary words
that rule and the model's own names must leave alone: English words in title case, interface labels,
common nouns in lower case, French adjectives opening a sentence."""

import pytest

from feedback_platform.lib.pii import PiiRedactor, RedactorConfig
from feedback_platform.lib.pii.allow_list import load_allow_list
from feedback_platform.lib.pii.known_words import (
    build_known_words,
    is_english_word,
    is_known_word,
    known_words,
)
from feedback_platform.lib.pii.rare_word_name_recognizer import rare_name_spans
from feedback_platform.settings import DEFAULT_TENANTS_FILE


@pytest.fixture(scope="module")
def redactor() -> PiiRedactor:
    return PiiRedactor(RedactorConfig(allow_list=load_allow_list(DEFAULT_TENANTS_FILE)))


def _found(text: str) -> list[str]:
    return [text[start:end] for start, end in rare_name_spans(text)]


# Guards the rule: a rare capitalised word inside an English sentence is a name, with the capitalised word
# before it and without a possessive.
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("We forwarded the complaint to Teodorescu yesterday.", ["Teodorescu"]),
        ("Please ask Ingrid Teodorescu about the refund.", ["Ingrid Teodorescu"]),
        ("Producer Liviana Teodorescu explained it.", ["Liviana Teodorescu"]),
        ("I read Okonkwo's reply twice.", ["Okonkwo"]),
        ("The booking was made by Wachowiak and paid by Szczepanik.", ["Wachowiak", "Szczepanik"]),
    ],
)
def test_rare_capitalised_words_inside_a_sentence_are_names(text: str, names: list[str]) -> None:
    assert _found(text) == names


# Guards where a capital says nothing: a sentence's or clause's first word, another language's sentence
# (German capitalises nouns), English words made by affixes, technical terms, a company's name before its
# team or product, a common noun the text also writes in lower case.
@pytest.mark.parametrize(
    "text",
    [
        "Teodorescu asked for a refund.",
        "Reason: Teodorescu never arrived.",
        "- Teodorescu\n- Okonkwo",
        "Ich habe das Rücksendeetikett für die Bestellung nicht bekommen.",
        "Click the Unarchive button, then open Dermatology.",
        "Read the Kiosks chapter first.",
        "We deploy it on Kubernetes with Terraform.",
        "You are the assistant for Zentrixa support and the Zentrixa Cloud team.",
    ],
)
def test_capitals_that_say_nothing_are_not_names(text: str) -> None:
    assert _found(text) == []


# Guards the span: a rare word takes in the given name before it, never a word after it (a brand's "Umbra
# Travel" would make every later "Travel" a name).
def test_a_name_takes_in_the_word_before_it_only() -> None:
    assert _found("Thank you for contacting Umbra Travel about Travel insurance.") == ["Umbra"]
    assert _found("The Varnholt Quartet played first.") == ["Varnholt"]


# Guards the engine's use of the rule: the name and its recurrences are redacted, the sentence kept.
def test_the_engine_redacts_rare_names_and_their_recurrences(redactor: PiiRedactor) -> None:
    text = "I spoke to Ingrid Teodorescu on Monday. Teodorescu promised a refund."
    assert redactor.redact([text]) == ["I spoke to <PERSON> on Monday. <PERSON> promised a refund."]


# Guards what the model's names must not swallow: title-case pairs of English words, an interface label
# ending its clause, a common noun in lower case, a French adjective opening a sentence. A real pair of
# names and a person chosen in an interface still go.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Capitalised words like Patience and Discipline are not names.",
            "Capitalised words like Patience and Discipline are not names.",
        ),
        (
            "Open the tracking page and choose Redirect; the carrier delivers it to a pickup point.",
            "Open the tracking page and choose Redirect; the carrier delivers it to a pickup point.",
        ),
        (
            "List methods return iterators that follow the next cursor automatically.",
            "List methods return iterators that follow the next cursor automatically.",
        ),
        (
            "Petite question : comment annuler ma commande ? Merci d'avance.",
            "Petite question : comment annuler ma commande ? Merci d'avance.",
        ),
        (
            "Yesterday Olivia Carter and Liam Walker called about it.",
            "Yesterday <PERSON> and <PERSON> called about it.",
        ),
        ("Please select Maria Lopez as the beneficiary.", "Please select <PERSON> as the beneficiary."),
        (
            "Sure! Webhooks are not signed; check the source IP range.",
            "Sure! Webhooks are not signed; check the source IP range.",
        ),
    ],
)
def test_ordinary_words_are_not_taken_for_names(redactor: PiiRedactor, text: str, expected: str) -> None:
    assert redactor.redact([text]) == [expected]


# Guards the word list and its English morphology.
def test_english_words_are_known_words_or_made_of_them_by_affixes() -> None:
    assert is_known_word("Discipline") and is_known_word("Alexander") and not is_known_word("Teodorescu")
    assert is_english_word("Reschedule") and is_english_word("Kiosks") and is_english_word("Dermatology")
    assert not is_english_word("Teodorescu") and not is_english_word("Unal")  # "un" + "al": too short a stem


# Guards the shipped word list against drifting from its rule: rebuilt from wordfreq, it is the same list.
def test_the_shipped_known_words_are_what_the_rule_gives() -> None:
    assert build_known_words() == sorted(known_words())
