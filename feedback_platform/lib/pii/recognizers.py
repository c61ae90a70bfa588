"""Custom Presidio recognizers: credentials, street addresses, and people named after a cue.

They are Presidio PatternRecognizers with context words (or a subclass of Presidio's spaCy recognizer),
so their results pass through the same context enhancement, thresholds and conflict resolution as the
predefined recognizers'.
"""

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from feedback_platform.lib.pii import address_patterns as addr
from feedback_platform.lib.pii.secret_patterns import SECRET_PATTERNS

CASE_SENSITIVE = re.MULTILINE
"""Regex flags for patterns whose capitalisation matters (Presidio's default adds IGNORECASE)."""

_SECRET_SCORES = {"jwt": 0.9, "bearer_token": 0.8, "assigned_secret": 0.6}
"""Scores of the looser credential patterns; provider-prefixed keys score 0.95."""


class ApiKeyRecognizer(PatternRecognizer):
    """API keys, access tokens and secrets: provider-prefixed keys, JWTs, bearer tokens, `password=...`."""

    CONTEXT = ["key", "token", "secret", "api", "bearer", "authorization", "credential", "password"]

    def __init__(self) -> None:
        super().__init__(
            supported_entity="API_KEY",
            patterns=[
                Pattern(kind, regex, _SECRET_SCORES.get(kind, 0.95))
                for kind, regex in SECRET_PATTERNS.items()
            ],
            context=self.CONTEXT,
            global_regex_flags=CASE_SENSITIVE,
        )


class StreetAddressRecognizer(PatternRecognizer):
    """House number plus street, in US/UK, German, Nordic/Dutch, Romance, Polish and Hungarian styles."""

    CONTEXT = ["address", "live", "living", "located", "ship", "deliver", "send", "mail", "street", "home"]

    def __init__(self) -> None:
        super().__init__(
            supported_entity="STREET_ADDRESS",
            patterns=[
                Pattern("en_street", addr.EN_STREET, 0.6),
                Pattern("en_street_lowercase", addr.EN_STREET_LOWERCASE, 0.3),
                Pattern("po_box", addr.PO_BOX, 0.6),
                Pattern("us_military", addr.US_MILITARY, 0.6),
                Pattern("uk_postcode", addr.UK_POSTCODE, 0.3),
                Pattern("de_compound_street", addr.DE_COMPOUND_STREET, 0.6),
                Pattern("de_separate_street", addr.DE_SEPARATE_STREET, 0.5),
                Pattern("eu_compound_street", addr.EU_COMPOUND_STREET, 0.5),
                Pattern("romance_street", addr.ROMANCE_STREET, 0.5),
                Pattern("number_first_romance_street", addr.NUMBER_FIRST_ROMANCE_STREET, 0.5),
                Pattern("hu_street", addr.HU_STREET, 0.5),
            ],
            context=self.CONTEXT,
            global_regex_flags=CASE_SENSITIVE,
        )


_NAME = r"\p{Lu}[\p{Ll}'\u2019-]+(?:[ \t]+\p{Lu}\.?(?=[ \t]))?(?:[ \t]+\p{Lu}[\p{Ll}'\u2019-]+){0,2}"
"""One to three capitalised words, with an optional middle initial: "Vanessa P. Hertzog"."""
_FULL_NAME = r"\p{Lu}[\p{Ll}'\u2019-]+(?:[ \t]+\p{Lu}\.?)?(?:[ \t]+\p{Lu}[\p{Ll}'\u2019-]+){1,2}"
"""Two or three capitalised words: after "I am", one word is as often a nationality ("I am French")."""


_GREETINGS = (
    r"Dear|Hi|Hello|Hey|Hallo|Guten[ \t]+(?:Tag|Morgen|Abend)|Liebe[rs]?|Bonjour|Bonsoir|Salut|Cher"
    r"|Ch\u00e8re|Hola|Buenos[ \t]+d\u00edas|Buenas[ \t]+tardes|Estimad[oa]|Querid[oa]"
)
"""Salutations before a name, in English, German, French and Spanish."""
_SIGN_OFFS = (
    r"Regards|Best|Thanks|Thank[ \t]+you|Cheers|Sincerely|Gr\u00fc\u00dfe|Gru\u00df|Danke|Cordialement"
    r"|Bien[ \t]+\u00e0[ \t]+vous|Merci|Saludos|Un[ \t]+saludo|Atentamente|Gracias"
)
"""Closings after which the next line is the writer's name."""


class PersonCueRecognizer(PatternRecognizer):
    """Names that follow a cue: "my name is", "Name:", "I am", "this is", an honorific, a greeting, or a
    sign-off on the line above.

    The small spaCy model misses many names that are not English ("My name is Rubija"); the cue says it
    is a name whatever the model thinks. Only the name is matched, not the cue.
    """

    PATTERNS = [
        Pattern("name_is", rf"(?<=\b(?i:name(?:'s|[ \t]+is|:))[ \t]*\n?[ \t]*){_NAME}", 0.6),
        Pattern("i_am", rf"(?<=\b(?:I[ \t]+am|I'm|I\u2019m|[Tt]his[ \t]+is)[ \t]+){_FULL_NAME}", 0.5),
        Pattern(
            "honorific", rf"(?<=\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Mme|Mlle|Herr|Frau)\.?[ \t]+){_NAME}", 0.6
        ),
        Pattern(
            "greeting",
            rf"(?<=\b(?:{_GREETINGS})[ \t]+)(?!(?:World|Everyone|All|There|Team|Folks|Guys)\b){_NAME}"
            r"(?=[ \t]*[,!:\n])",
            0.5,
        ),
        Pattern(
            "sign_off", rf"(?<=\b(?i:{_SIGN_OFFS})[,!.]?[ \t]*\n[ \t]*){_FULL_NAME}(?=[ \t]*(?:\n|$))", 0.5
        ),
    ]

    def __init__(self) -> None:
        super().__init__(supported_entity="PERSON", patterns=self.PATTERNS, global_regex_flags=CASE_SENSITIVE)


class PlausibleNerRecognizer(SpacyRecognizer):
    """Presidio's spaCy recognizer, minus PERSON and LOCATION spans that cannot be a name.

    The small model takes identifiers for people and places ("GPT-4", "Q3", "index.html", "v2.0.1"); the
    name of a person or a place has no digit, underscore, slash, @ or file extension.
    """

    CHECKED_ENTITIES = frozenset({"PERSON", "LOCATION"})
    _NOT_A_NAME = re.compile(r"[\d_/@#<>=]|\w\.\w{2,}")

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Entities found by spaCy, without the PERSON/LOCATION spans holding characters no name has."""
        return [
            result
            for result in super().analyze(text, entities, nlp_artifacts)
            if result.entity_type not in self.CHECKED_ENTITIES
            or not self._NOT_A_NAME.search(text[result.start : result.end])
        ]
