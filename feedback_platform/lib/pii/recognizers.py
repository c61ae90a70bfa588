"""Custom Presidio recognizers: credentials, street addresses, and people named after a cue or standing
where names stand (person_patterns.py holds those rules).

They are Presidio PatternRecognizers with context words (or a subclass of Presidio's spaCy recognizer),
so their results pass through the same context enhancement, thresholds and conflict resolution as the
predefined recognizers'.
"""

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import IbanRecognizer, SpacyRecognizer

from feedback_platform.lib.pii import address_patterns as addr
from feedback_platform.lib.pii import person_patterns as names
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
                Pattern("number_name_number_street", addr.NUMBER_NAME_NUMBER_STREET, 0.3),
                Pattern("address_block_street", addr.ADDRESS_BLOCK_STREET, 0.5),
                Pattern("unit", addr.UNIT, 0.5),
                Pattern("address_tail", addr.ADDRESS_TAIL, 0.5),
            ],
            context=self.CONTEXT,
            global_regex_flags=CASE_SENSITIVE,
        )


_NAME = r"\p{Lu}[\p{Ll}'\u2019-]+(?:[ \t]+\p{Lu}\.?(?=[ \t]))?(?:[ \t]+\p{Lu}[\p{Ll}'\u2019-]+){0,2}"
"""One to three capitalised words, with an optional middle initial: "Vanessa P. Hertzog"."""
_FULL_NAME = r"\p{Lu}[\p{Ll}'\u2019-]+(?:[ \t]+\p{Lu}\.?)?(?:[ \t]+\p{Lu}[\p{Ll}'\u2019-]+){1,2}"
"""Two or three capitalised words: after "I am", one word is as often a nationality ("I am French")."""


_HONORIFICS = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Mme|Mlle|Herr|Frau)\.?|(?i:mrs?|ms|mx|dr)\."
"""Titles before a name; the short ones also in lower case when they end with a period ("ms. Quinzia")."""

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


class PersonCueRecognizerBase(PatternRecognizer):
    """Names that follow a cue: "my name is", "Name:", "I am", "this is", an honorific, a greeting, or a
    sign-off on the line above.

    The small spaCy model misses many names that are not English ("My name is Rubija"); the cue says it
    is a name whatever the model thinks. Only the name is matched, not the cue.
    """

    PATTERNS = [
        Pattern("name_is", rf"(?<=\b(?i:name(?:'s|[ \t]+is|:))[ \t]*\n?[ \t]*){_NAME}", 0.6),
        Pattern("i_am", rf"(?<=\b(?:I[ \t]+am|I'm|I\u2019m|[Tt]his[ \t]+is)[ \t]+){_FULL_NAME}", 0.5),
        Pattern("honorific", rf"(?<=\b(?:{_HONORIFICS})[ \t]+){_NAME}", 0.6),
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


_CUE_BEFORE = (
    r"named[ \t]+(?:him|her)|called|named|calls[ \t]+me|call[ \t]+me|directed[ \t]+by|written[ \t]+by"
    r"|produced[ \t]+by|starring|assistant[ \t]+to|tribute[ \t]+to"
    r"|follow[ \t]+up[ \t]+with|speak[ \t]+(?:to|with)|talk[ \t]+to"
    r"|(?:my|our|his|her|their)[ \t]+(?:kid|son|daughter|child|brother|sister|mother|father|mom|dad|wife"
    r"|husband|partner|friend|colleague|boss|manager|cousin|uncle|aunt|grandmother|grandfather)"
)
"""Words after which a capitalised word is a person's name: "directed by", "my kid Mario"."""
_CUE_AFTER = (
    r"lives|lived|shouted|whispered|smiled|laughed|replied|was[ \t]+born|passed[ \t]+away|died"
    r"|(?:'s|\u2019s)[ \t]+(?:killers|wife|husband|mother|father|son|daughter|kids?|child|children|brother"
    r"|sister|boyfriend|girlfriend|parents|mom|dad|birthday)"
    r"|is[ \t]+(?:a|an)[ \t]+(?:\p{Ll}+[ \t]+){0,2}(?:person|guy|man|woman|girl|boy|lady|gentleman)\b"
    r"|began[ \t]+writing|started[ \t]+writing|grew[ \t]+up|will[ \t]+be[ \t]+(?:talking|speaking)"
)
"""What follows a person's name and rarely anything else's: "Tomomi Nishiyama lives at"."""
_PRONOUNS = r"(?:I|He|She|It|We|You|They|Who|Everyone|Nobody|Someone)"
"""Capitalised words before those verbs that are not names."""


class PersonCueRecognizer(PersonCueRecognizerBase):
    """The cue patterns above, plus verbs, relations, roles and positions that say words are a name.

    A name found here is also redacted where its words recur in the text, as for spaCy's names.
    """

    PATTERNS = [
        *PersonCueRecognizerBase.PATTERNS,
        Pattern("cue_before", rf"(?<=\b(?i:{_CUE_BEFORE})[ \t]*:?[ \t]+){_NAME}", 0.5),
        Pattern("cue_after", rf"(?<![\p{{L}}])(?!{_PRONOUNS}\b)(?:{_NAME})(?=[ \t]*(?:{_CUE_AFTER})\b)", 0.5),
        Pattern("vocative", names.VOCATIVE, 0.5),
        Pattern("name_question", names.NAME_QUESTION, 0.5),
        Pattern("lowercase_name_is", names.LOWERCASE_NAME_IS, 0.5),
        Pattern("role_noun_name", names.ROLE_NOUN_NAME, 0.5),
        Pattern("contact_block_name", names.CONTACT_BLOCK_NAME, 0.5),
        Pattern("said_to", names.SAID_TO, 0.5),
        Pattern("people_of_a_role", names.PEOPLE_OF_A_ROLE, 0.5),
        Pattern("subject_of_a_pronoun", names.SUBJECT_OF_A_PRONOUN, 0.5),
        Pattern("middle_initial_name", names.MIDDLE_INITIAL_NAME, 0.5),
        Pattern("name_sentence_answer", names.NAME_SENTENCE_ANSWER, 0.5),
        Pattern("added_as_role", names.ADDED_AS_ROLE, 0.5),
        Pattern("given_to", names.GIVEN_TO, 0.5),
        Pattern("lowercase_called", names.LOWERCASE_CALLED, 0.5),
        Pattern("lowercase_contact_block_name", names.LOWERCASE_CONTACT_BLOCK_NAME, 0.5),
    ]

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """The pattern matches, without "names" that are stop words, plus their recurrences."""
        results = [
            result
            for result in super().analyze(text, entities, nlp_artifacts, regex_flags)
            if not _is_stop_word_phrase(text[result.start : result.end], nlp_artifacts)
        ]
        return results + recurrences(text, results, nlp_artifacts, lowercase=True) if results else results


def _is_stop_word_phrase(value: str, nlp_artifacts: NlpArtifacts | None) -> bool:
    """True for a lower-case match holding a stop word ("my name is not ..."), or a capitalised one made
    only of stop words ("However, can you ..."): neither is a name."""
    if nlp_artifacts is None:
        return False
    stop = [nlp_artifacts.nlp_engine.is_stopword(word, "en") for word in value.split()]
    return any(stop) if value[:1].islower() else all(stop)


class CaseInsensitiveIbanRecognizer(IbanRecognizer):
    """Presidio's IBAN recognizer, also for IBANs typed in lower case ("gb42nawi0445..."): the checksum
    still has to pass, on the upper-cased value."""

    def __init__(self) -> None:
        super().__init__(regex_flags=re.DOTALL | re.MULTILINE | re.IGNORECASE)

    def validate_result(self, pattern_text: str) -> bool | None:
        """Presidio's checksum and format test on the upper-cased text."""
        return super().validate_result(pattern_text.upper())


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
        """Entities found by spaCy, without the PERSON/LOCATION spans holding characters no name has, and
        with each name extended to the capitalised words that continue it, spread to the other members
        of its list or the other speakers of its dialogue, and repeated where it recurs."""
        results = [
            result
            for result in super().analyze(text, entities, nlp_artifacts)
            if result.entity_type not in self.CHECKED_ENTITIES
            or not self._NOT_A_NAME.search(text[result.start : result.end])
        ]
        people = [result for result in results if result.entity_type == "PERSON"]
        if not people:
            return results
        for person in people:
            while match := self._CONTINUATION.match(text, person.end):
                person.end = match.end()
        people += _peers_of_people(text, people)
        return (
            results
            + [person for person in people if person not in results]
            + recurrences(text, people, nlp_artifacts)
        )

    _CONTINUATION = re.compile(
        r"(?:[ \t]+(?!(?:I|A|He|She|It|We|You|They|The|This|That|And|But|Or|In|On|At|To)\b)"
        r"(?:\p{Lu}\.?(?=[ \t])|\p{Lu}[\p{Ll}'\u2019-]+)|-\p{L}+)"
    )
    """What continues a name on its line: a middle initial, a hyphenated part, a capitalised surname."""


_NAME_TOKEN = re.compile(r"\p{Lu}[\p{L}\p{M}'\u2019]+")
_ANY_NAME_TOKEN = re.compile(r"\p{Lu}[\p{L}\p{M}'\u2019]+|\p{Ll}[\p{L}\p{M}'\u2019]{2,}")


def recurrences(
    text: str, people: list[RecognizerResult], nlp_artifacts: NlpArtifacts | None, lowercase: bool = False
) -> list[RecognizerResult]:
    """Other occurrences of a found name's words: "Asya" after "Asya Godina". A word that is also a
    stop word ("Will", "May") is not repeated, nor is one inside a found span. With `lowercase`, the
    lower-case words of a name are repeated too ("borna" after "borna jerković"), from three letters."""
    token_pattern = _ANY_NAME_TOKEN if lowercase else _NAME_TOKEN
    found = [(found_person.start, found_person.end) for found_person in people]
    tokens = {
        token
        for found_person in people
        for token in token_pattern.findall(text[found_person.start : found_person.end])
        if nlp_artifacts is None or not nlp_artifacts.nlp_engine.is_stopword(token, "en")
    }
    extra = []
    for token in tokens:
        for match in re.finditer(rf"(?<![\p{{L}}\p{{M}}]){re.escape(token)}(?![\p{{L}}\p{{M}}])", text):
            if not any(start <= match.start() < end for start, end in found):
                extra.append(RecognizerResult("PERSON", match.start(), match.end(), people[0].score))
    return extra


_LIST_WORD = r"\p{Lu}[\p{Ll}\p{M}'\u2019-]+"
_LOWER_LIST_WORD = r"\p{Ll}[\p{Ll}\p{M}'\u2019-]+"
_LISTS = [
    re.compile(
        rf"(?<![\p{{L}}\p{{M}}]){_LIST_WORD}(?:,[ \t]+{_LIST_WORD})+,?[ \t]+(?:and|or|&)[ \t]+{_LIST_WORD}"
    ),
    re.compile(
        rf"(?<=:[ \t]*){_LOWER_LIST_WORD}(?:,[ \t]+{_LOWER_LIST_WORD}){{2,}},?[ \t]+(?:and|or)[ \t]+"
        rf"{_LOWER_LIST_WORD}(?=[ \t]*[.!?\n]|$)"
    ),
]
"""Enumerations of three single words or more, "Kónya, Becker and Vasquez", and lower-case ones after a
colon; a pair ("Wisdom and Discipline") is too often two words that are not names."""
_SPEAKER = re.compile(
    r"(?m)^[^\p{L}\n]*(?!(?:User|Assistant|System|Bot|Human|AI|Agent|Customer|Q|A|Me|You)\b)"
    r"(\p{L}[\p{Ll}\p{M}'\u2019-]+)[ \t]*:(?=[ \t]*[\"\u201c\p{L}])"
)
"""The speaker label opening a dialogue line: "Anna: ...", "Koppány: "Who are you?""."""
_JOINERS = frozenset({"and", "or"})
_LIST_MEMBER = re.compile(r"[\p{L}][\p{L}\p{M}'\u2019-]*")


def _peers_of_people(text: str, people: list[RecognizerResult]) -> list[RecognizerResult]:
    """Names standing where found people stand: the other members of a list holding two people, or one
    in a list of five names or more (one in a short list is not enough: spaCy takes one of "Python, Rust,
    Go and Java" for a person), and the other speakers of a dialogue one of whose speakers is a person."""
    lists = [
        [member.span() for member in _LIST_MEMBER.finditer(text, *match.span()) if member[0] not in _JOINERS]
        for pattern in _LISTS
        for match in pattern.finditer(text)
    ]
    groups = [(1 if len(members) >= 5 else 2, members) for members in lists]
    groups.append((1, [match.span(1) for match in _SPEAKER.finditer(text)]))
    score = people[0].score
    peers = []
    for needed, group in groups:
        found = [any(p.start < end and start < p.end for p in people) for start, end in group]
        if sum(found) >= needed:
            peers += [
                RecognizerResult("PERSON", start, end, score)
                for (start, end), is_found in zip(group, found, strict=True)
                if not is_found
            ]
    return peers
