"""Reusable phrases around the topic texts: greetings, openers, follow-ups, comments.

Texts stay mostly English; users writing in German, French, Spanish, Italian or Dutch add a native phrase
or two, and share their personal data in their own language (`PII_SENTENCES`). No phrase here may look like
an email, phone or card number: residual-PII scans must pass on redacted data.
"""

COMMON_GREETING: dict[str, str] = {
    "en": "",
    "de": "Hallo! ",
    "fr": "Bonjour ! ",
    "es": "¡Hola! ",
    "it": "Ciao! ",
    "nl": "Hoi! ",
}
"""Fixed greeting before a common question, so that a common question stays the same text every time."""

QUESTION_PREFIXES: dict[str, tuple[str, ...]] = {
    "en": (
        "Quick question.",
        "Hi team,",
        "Hello there!",
        "I tried the help center but found nothing.",
        "Sorry if this was asked before.",
        "Second time asking:",
        "Hey,",
    ),
    "de": ("Hallo zusammen,", "Guten Tag,", "Kurze Frage:", "Ich habe im Hilfe-Center nichts gefunden."),
    "fr": ("Bonjour,", "Petite question :", "Salut,", "Je n'ai rien trouvé dans l'aide."),
    "es": ("Hola,", "Buenas,", "Una pregunta rápida:", "No encontré nada en la ayuda."),
    "it": ("Buongiorno,", "Una domanda veloce:", "Non ho trovato niente nella guida."),
    "nl": ("Goedemiddag,", "Even een vraag:", "Ik heb niets gevonden in de helpdesk."),
}
QUESTION_SUFFIXES: dict[str, tuple[str, ...]] = {
    "en": ("", "Thanks!", "Thanks in advance.", "It's a bit urgent."),
    "de": ("", "Danke!", "Vielen Dank im Voraus."),
    "fr": ("", "Merci !", "Merci d'avance."),
    "es": ("", "¡Gracias!", "Gracias de antemano."),
    "it": ("", "Grazie!", "Grazie in anticipo."),
    "nl": ("", "Bedankt!", "Alvast bedankt."),
}

ANSWER_OPENERS: dict[str, tuple[str, ...]] = {
    "en": ("", "Sure!", "Happy to help.", "Good question.", "Of course."),
    "de": ("Gerne!", "Danke für Ihre Frage.", ""),
    "fr": ("Avec plaisir !", "Bonne question.", ""),
    "es": ("¡Claro!", "Con gusto.", ""),
    "it": ("Certo!", "Volentieri.", ""),
    "nl": ("Graag gedaan!", "Goede vraag.", ""),
}
ANSWER_CLOSERS: dict[str, tuple[str, ...]] = {
    "en": ("", "Is there anything else I can help with?", "Let me know if you have other questions."),
    "de": ("", "Kann ich sonst noch helfen?"),
    "fr": ("", "Puis-je vous aider avec autre chose ?"),
    "es": ("", "¿Puedo ayudarte con algo más?"),
    "it": ("", "Posso aiutarti con qualcos'altro?"),
    "nl": ("", "Kan ik je nog ergens mee helpen?"),
}
EMAIL_GREETINGS: dict[str, str] = {
    "en": "Hello",
    "de": "Guten Tag",
    "fr": "Bonjour",
    "es": "Hola",
    "it": "Buongiorno",
    "nl": "Beste klant",
}
EMAIL_CLOSINGS: dict[str, str] = {
    "en": "Kind regards",
    "de": "Freundliche Grüße",
    "fr": "Cordialement",
    "es": "Un saludo",
    "it": "Cordiali saluti",
    "nl": "Met vriendelijke groet",
}

VAGUE_ANSWERS: tuple[str, ...] = (
    "I'm not sure about that. Please check the help center or contact our support team.",
    "That depends on several factors. You may want to look at your account settings.",
    "I'm sorry, but I can't help with that request.",
    "There are many options available. Could you tell me more about what you need?",
)

FOLLOW_UPS_AFTER_POOR: tuple[str, ...] = (
    "That doesn't answer my question.",
    "Are you sure? That's not what the website says.",
    "This didn't help. Can you check again?",
    "That's wrong, I just read the opposite.",
)
EMAIL_REVISION_REQUESTS: tuple[tuple[str, str], ...] = (
    ("Make it shorter.", "short"),
    ("Make it more formal, please.", "formal"),
    ("Add an apology for the trouble.", "apology"),
)
REPHRASE_PREFIXES: tuple[str, ...] = ("What I mean is:", "Let me rephrase:", "In other words:", "Again:")

POSITIVE_COMMENTS: dict[str, tuple[str, ...]] = {
    "en": (
        "Exactly what I needed, thanks!",
        "Clear and quick answer.",
        "Helpful, solved my problem.",
        "Great, the steps worked.",
        "Short and to the point.",
    ),
    "de": ("Danke, sehr hilfreich!", "Genau das habe ich gesucht."),
    "fr": ("Merci, c'est clair.", "Parfait, ça marche."),
    "es": ("¡Perfecto, gracias!", "Muy útil."),
    "it": ("Perfetto, grazie!", "Molto utile."),
    "nl": ("Top, bedankt!", "Heel duidelijk."),
}
NEGATIVE_COMMENTS: dict[str, tuple[str, ...]] = {
    "de": ("Das stimmt nicht.", "Leider nicht hilfreich."),
    "fr": ("Ce n'est pas correct.", "Pas utile du tout."),
    "es": ("No me ayudó.", "Esto no es correcto."),
    "it": ("Non è corretto.", "Per niente utile."),
    "nl": ("Dat klopt niet.", "Niet nuttig."),
}
FAILURE_MODE_COMMENTS: dict[str, tuple[str, ...]] = {
    "outdated_policy": (
        "Outdated information, the policy changed.",
        "The policy changed, this answer is outdated.",
        "Outdated: the rules changed last month.",
        "This is outdated, the policy changed this year.",
    ),
    "needless_clarification": (
        "It asked a clarifying question instead of answering.",
        "No need for a clarifying question, just answer.",
        "Stop asking clarifying questions and answer.",
        "Another clarifying question instead of an answer.",
    ),
    "invented_terms": (
        "It made up a fee that doesn't exist.",
        "Made-up deadline, that date doesn't exist.",
        "It made up a limit that doesn't exist.",
        "That fee is made up, it doesn't exist.",
    ),
}
"""English comments on poor answers, by failure mode: the sample's planted failure modes, which the
failure-theme analysis must find apart."""
PROMPT_VERSION_FAILURE_MODE = {
    "v1": "outdated_policy",
    "v2": "needless_clarification",
    "v3-exp": "invented_terms",
}
"""The failure mode each prompt version's poor answers draw on: v2 asks for clarification when in doubt,
v3-exp is "warm and creative", v1 has no instruction about the policy's date."""
GENERIC_NEGATIVE_COMMENTS = ("This is wrong.", "Not helpful at all.")


def negative_comments(language: str, prompt_version: str) -> tuple[str, ...]:
    """The comments a poor answer draws from: in English, the prompt version's failure mode and two generic
    ones (six, as before the modes were planted: a choice among six draws the same random numbers, so the
    rest of a seed's logs did not change)."""
    if language != "en":
        return NEGATIVE_COMMENTS[language]
    mode = FAILURE_MODE_COMMENTS[PROMPT_VERSION_FAILURE_MODE[prompt_version]]
    return (*mode, *GENERIC_NEGATIVE_COMMENTS)


EDIT_SIGNOFFS: dict[str, str] = {
    "en": "Best regards",
    "de": "Viele Grüße",
    "fr": "Bien à vous",
    "es": "Saludos",
    "it": "Saluti",
    "nl": "Groeten",
}

PII_SENTENCES: dict[str, dict[str, str]] = {
    "en": {
        "intro": "Hi, this is {name} ({email}).",
        "phone": "If it's easier, call me on {phone}.",
        "address": "My address is {address}.",
        "card": "I paid with the card {card}.",
        "national_id": "My National Insurance number is {national_id} if you need it.",
    },
    "de": {
        "intro": "Hallo, hier ist {name} ({email}).",
        "phone": "Rufen Sie mich gerne unter {phone} an.",
        "address": "Meine Adresse ist {address}.",
        "card": "Ich habe mit der Karte {card} bezahlt.",
    },
    "fr": {
        "intro": "Bonjour, je m'appelle {name} ({email}).",
        "phone": "Vous pouvez m'appeler au {phone}.",
        "address": "Mon adresse est {address}.",
        "card": "J'ai payé avec la carte {card}.",
    },
    "es": {
        "intro": "Hola, me llamo {name} ({email}).",
        "phone": "Puede llamarme al {phone}.",
        "address": "Mi dirección es {address}.",
        "card": "Pagué con la tarjeta {card}.",
        "national_id": "Mi DNI es {national_id}.",
    },
    "it": {
        "intro": "Ciao, sono {name} ({email}).",
        "phone": "Potete chiamarmi al {phone}.",
        "address": "Il mio indirizzo è {address}.",
        "card": "Ho pagato con la carta {card}.",
    },
    "nl": {
        "intro": "Hallo, ik ben {name} ({email}).",
        "phone": "Bel me gerust op {phone}.",
        "address": "Mijn adres is {address}.",
        "card": "Ik heb betaald met de kaart {card}.",
    },
}
"""How a user shares personal data in each language: an introduction opens the message, the rest follows
the question."""
