"""Texts written in French are read by the French spaCy pipeline; everything else by the English one."""

import pytest

from feedback_platform.lib.pii import PiiRedactor, RedactorConfig
from feedback_platform.lib.pii.language_routing import text_language
from feedback_platform.lib.pii.nlp import SpacyModelNotInstalledError

FRENCH_COMPLAINT = "J'ai parlé avec Antoine Girard au téléphone, il était très aimable."


@pytest.fixture(scope="module")
def redactor() -> PiiRedactor:
    return PiiRedactor()


# Guards the routing rule: a text goes to French on its French function words, not on one greeting, and a
# language without a pipeline stays with English.
@pytest.mark.parametrize(
    ("text", "language"),
    [
        (FRENCH_COMPLAINT, "fr"),
        ("Je voudrais annuler ma commande, merci d'avance.", "fr"),
        ("Bonjour ! How do I return an item I bought online?", "en"),
        ("Bonjour, je m'appelle Camille Dubois. How do I return an item I bought online?", "en"),
        ("Ich habe meine Bestellung nicht bekommen, können Sie mir helfen?", "en"),
        ("", "en"),
    ],
)
def test_texts_are_routed_by_the_language_they_are_written_in(text: str, language: str) -> None:
    assert text_language(text, ["en", "fr"]) == language
    assert text_language(text, ["en"]) == "en"


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


# Guards the offline rule for the extra pipelines: a missing model is an error naming it, never a download.
def test_a_missing_language_model_is_named() -> None:
    with pytest.raises(SpacyModelNotInstalledError, match="fr_core_news_absent"):
        PiiRedactor(RedactorConfig(language_models=(("fr", "fr_core_news_absent"),)))
