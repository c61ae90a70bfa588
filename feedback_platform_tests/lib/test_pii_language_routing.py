"""Texts written in French are read by the French spaCy pipeline; everything else by the English one."""

import pytest

from feedback_platform.lib.pii import PiiRedactor, RedactorConfig
from feedback_platform.lib.pii.language_routing import text_language, written_language
from feedback_platform.lib.pii.nlp import SpacyModelNotInstalledError

FRENCH_COMPLAINT = "J'ai parlé avec Antoine Girard au téléphone, il était très aimable."


@pytest.fixture(scope="module")
def redactor() -> PiiRedactor:
    return PiiRedactor()


# Guards the routing rule: a text goes to French when most of its words are in French sentences, not on one
# greeting or closing around English, and a language without a pipeline stays with English.
@pytest.mark.parametrize(
    ("text", "language"),
    [
        (FRENCH_COMPLAINT, "fr"),
        ("Je voudrais annuler ma commande, merci d'avance.", "fr"),
        ("Bonjour ! How do I return an item I bought online?", "en"),
        ("Bonjour, je m'appelle Camille Dubois. How do I return an item I bought online?", "en"),
        (
            "Avec plaisir ! Refunds reach your card within seven business days after the cancellation. "
            "Puis-je vous aider avec autre chose ?",
            "en",
        ),
        ("Je n'ai rien trouvé dans l'aide. Où est mon colis ? How do I track it?", "fr"),
        ("Ich habe meine Bestellung nicht bekommen, können Sie mir helfen?", "en"),
        ("Mi dirección es Avenida de América 84, 41000 Sevilla.", "en"),
        ("", "en"),
    ],
)
def test_texts_are_routed_by_the_language_they_are_written_in(text: str, language: str) -> None:
    assert text_language(text, ["en", "fr"]) == language
    assert text_language(text, ["en"]) == "en"


# Guards the detection behind the routing: each served language is told by the function words only it has,
# so a Spanish or Italian sentence is not read as French for the "de" or "la" they share.
@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ich habe meine Bestellung nicht bekommen, können Sie mir helfen?", "de"),
        ("Il mio pacco non è ancora arrivato, potete aiutarmi?", "it"),
        ("Mijn pakket is nog niet aangekomen, kunnen jullie mij helpen?", "nl"),
        ("¿Dónde está mi pedido? No ha llegado todavía.", "es"),
        ("Maha Cazares\n\nChiclana de la Frontera\nSpain", "en"),
    ],
)
def test_the_written_language_is_told_among_the_served_ones(text: str, language: str) -> None:
    assert written_language(text) == language


# Guards the point of routing: the French pipeline finds the French names and places the English one misses.
def test_the_french_pipeline_finds_what_the_english_one_misses(redactor: PiiRedactor) -> None:
    english_only = PiiRedactor(RedactorConfig(language_models=()))
    assert "Antoine Girard" in english_only.redact([FRENCH_COMPLAINT])[0]
    late = "La livraison à Marseille a pris trois semaines, Julien Moreau n'a jamais répondu."
    assert redactor.redact([FRENCH_COMPLAINT, late]) == [
        "J'ai parlé avec <PERSON> au téléphone, il était très aimable.",
        "La livraison à <LOCATION> a pris trois semaines, <PERSON> n'a jamais répondu.",
    ]


# Guards the pattern recognizers on the French pipeline: they run for every language the engine reads.
def test_pattern_recognizers_run_on_french_texts(redactor: PiiRedactor) -> None:
    text = "Mon adresse est 12 rue de la Paix, 75002 Paris. Écrivez à camille.dubois@orange.fr, merci."
    assert redactor.redact([text]) == ["Mon adresse est <STREET_ADDRESS>. Écrivez à <EMAIL_ADDRESS>, merci."]


# Guards the routing against spaCy's lists: a word English uses more than French does ("hi", "stop") is no
# evidence of French.
def test_english_words_in_another_languages_stop_list_do_not_route_a_text() -> None:
    assert text_language("Hi team, stop the different plan please.", ("en", "fr")) == "en"
    assert text_language("Hi, je voudrais annuler ma commande avec vous.", ("en", "fr")) == "fr"


# Guards mixed texts read by the French pipeline: its names and places inside an English sentence are not
# taken (it reads English words as names), while its French sentences keep them.
def test_the_french_pipeline_takes_no_names_in_english_sentences(redactor: PiiRedactor) -> None:
    text = (
        "Avec plaisir ! Appointments cannot be cancelled once booked. "
        "Julien Moreau vous a répondu, puis-je vous aider avec autre chose ?"
    )
    assert text_language(text, ("en", "fr")) == "fr"
    assert redactor.redact([text]) == [
        "Avec plaisir ! Appointments cannot be cancelled once booked. "
        "<PERSON> vous a répondu, puis-je vous aider avec autre chose ?"
    ]


# Guards the offline rule for the extra pipelines: a missing model is an error naming it, never a download.
def test_a_missing_language_model_is_named() -> None:
    with pytest.raises(SpacyModelNotInstalledError, match="fr_core_news_absent"):
        PiiRedactor(RedactorConfig(language_models=(("fr", "fr_core_news_absent"),)))
