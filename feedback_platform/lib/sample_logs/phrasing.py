"""Reusable phrases around the topic texts: greetings, openers, follow-ups, comments.

Texts stay mostly English; users writing in German, French or Spanish add a native phrase or two. No
phrase here may look like an email, phone or card number: residual-PII scans must pass on redacted data.
"""

COMMON_GREETING: dict[str, str] = {"en": "", "de": "Hallo! ", "fr": "Bonjour ! ", "es": "¡Hola! "}
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
}
QUESTION_SUFFIXES: dict[str, tuple[str, ...]] = {
    "en": ("", "Thanks!", "Thanks in advance.", "It's a bit urgent."),
    "de": ("", "Danke!", "Vielen Dank im Voraus."),
    "fr": ("", "Merci !", "Merci d'avance."),
    "es": ("", "¡Gracias!", "Gracias de antemano."),
}

ANSWER_OPENERS: dict[str, tuple[str, ...]] = {
    "en": ("", "Sure!", "Happy to help.", "Good question.", "Of course."),
    "de": ("Gerne!", "Danke für Ihre Frage.", ""),
    "fr": ("Avec plaisir !", "Bonne question.", ""),
    "es": ("¡Claro!", "Con gusto.", ""),
}
ANSWER_CLOSERS: dict[str, tuple[str, ...]] = {
    "en": ("", "Is there anything else I can help with?", "Let me know if you have other questions."),
    "de": ("", "Kann ich sonst noch helfen?"),
    "fr": ("", "Puis-je vous aider avec autre chose ?"),
    "es": ("", "¿Puedo ayudarte con algo más?"),
}
EMAIL_GREETINGS: dict[str, str] = {"en": "Hello", "de": "Guten Tag", "fr": "Bonjour", "es": "Hola"}
EMAIL_CLOSINGS: dict[str, str] = {
    "en": "Kind regards",
    "de": "Freundliche Grüße",
    "fr": "Cordialement",
    "es": "Un saludo",
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
}
NEGATIVE_COMMENTS: dict[str, tuple[str, ...]] = {
    "en": (
        "This is wrong.",
        "Not helpful at all.",
        "The answer ignores my question.",
        "Outdated information, the policy changed.",
        "Too long, I just wanted a yes or no.",
        "It made up a fee that doesn't exist.",
    ),
    "de": ("Das stimmt nicht.", "Leider nicht hilfreich."),
    "fr": ("Ce n'est pas correct.", "Pas utile du tout."),
    "es": ("No me ayudó.", "Esto no es correcto."),
}
EDIT_SIGNOFFS: dict[str, str] = {
    "en": "Best regards",
    "de": "Viele Grüße",
    "fr": "Bien à vous",
    "es": "Saludos",
}
