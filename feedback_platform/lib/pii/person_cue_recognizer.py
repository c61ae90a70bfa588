"""The cue recognizer for PERSON: names after a cue ("my name is", an honorific, a greeting, a sign-off,
"directed by", "my kid ...") and at the places names stand in (the rules in `person_patterns.py`).

A Presidio PatternRecognizer, so its results pass through the same thresholds and conflict resolution as
the predefined recognizers'.
"""

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from feedback_platform.lib.pii import person_patterns as names
from feedback_platform.lib.pii.name_propagation import recurrences, with_particles
from feedback_platform.lib.pii.pattern_flags import CASE_SENSITIVE

_POST_NOMINALS = r"(?:,?[ \t]+(?:\p{Lu}{2,5}|Ph\.?D\.?|M\.?Sc\.?|B\.?Sc\.?|Jr\.?|Sr\.?|Esq\.?))*"
"""Degrees and suffixes after a name ("Jan de Vries MBA", "Ana Dias, PhD", "John Hale Jr."), redacted with
it: they narrow down who wrote."""

_HONORIFICS = (
    r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Mme|Mlle|Herr|Frau|Sr|Sra|Srta|Sig|Sig\.ra|Dott|Dott\.ssa|Ing|Avv"
    r"|Dhr|Mw|Mevr)\.?|(?:Monsieur|Madame|Mademoiselle|Señor|Señora|Don|Doña|Signor|Signora|Signorina"
    r"|Meneer|Mevrouw|De[ \t]+heer|Dipl\.-Ing\.|Mag\.)|M\.|(?i:mrs?|ms|mx|dr)\.|(?:ir|ing|drs|mr)\."
)
"""Titles before a name, in the six languages; the short English ones also in lower case when they end with
a period ("ms. Quinzia"), as the Dutch degrees are written ("ir. Thijs van 't Hof", "drs.", "mr."). "M."
(Monsieur) only with its period: a bare "M" is a letter."""

_PERSON_FIELDS = (
    r"(?:account[ \t]+)?holder|kontoinhaber|inhaber|titular|titulaire(?:[ \t]+du[ \t]+compte)?|intestatario"
    r"|rekeninghouder|houder|naam|nome|nombre|nom|customer|kunde|klant|cliente|client|passenger|passagier"
    r"|pasajero|passeggero|passager|recipient|empf\u00e4nger|destinatario|destinataire|ontvanger|contact"
    r"|kontakt|contacto|contatto|patient|pati\u00ebnt|paziente|paciente"
)
"""Form fields whose value is a person, in the six languages: "Titular: Carmen Maura", "Rekeninghouder:
Johan Cruijff"; not a team or a service ("Contact: Customer Support")."""

_SELF_INTRODUCTIONS = (
    r"ich[ \t]+bin|ich[ \t]+hei\u00dfe|mein[ \t]+Name[ \t]+ist|hier[ \t]+ist|je[ \t]+m'appelle|je[ \t]+suis"
    r"|me[ \t]+llamo|soy|mi[ \t]+nombre[ \t]+es|mi[ \t]+chiamo|sono|ik[ \t]+ben|ik[ \t]+heet"
    r"|mijn[ \t]+naam[ \t]+is|hier[ \t]+is"
)
"""How writers introduce themselves in German, French, Spanish, Italian and Dutch ("je m'appelle ...")."""


_ADDRESSED_GROUPS = r"World|Everyone|All|There|Team|Folks|Guys|Support|Service|Care"
"""Who a greeting addresses when it is not a person: "Hi Team,", "Hello Customer Support,"."""


class PersonCueRecognizerBase(PatternRecognizer):
    """Names that follow a cue: "my name is", "Name:", "I am", "this is", an honorific, a greeting, or a
    sign-off on the line above, on the same line (also quoted: '"Kind regards, Rhiannon Pryce-Jones"') or
    after a dash ending the text.

    The small spaCy model misses many names that are not English ("My name is Rubija"); the cue says it
    is a name whatever the model thinks. Only the name is matched, not the cue.
    """

    PATTERNS = [
        Pattern("name_is", rf"(?<=\b(?i:name(?:'s|[ \t]+is|:))[ \t]*\n?[ \t]*){names.NAME}", 0.6),
        # A full name after "I am": one word is as often a nationality ("I am French").
        Pattern("i_am", rf"(?<=\b(?:I[ \t]+am|I'm|I\u2019m|[Tt]his[ \t]+is)[ \t]+){names.FULL_NAME}", 0.5),
        Pattern("honorific", rf"(?<=\b(?:{_HONORIFICS})[ \t]+){names.NAME}", 0.6),
        # After a greeting, also after the word for a customer ("Beste klant Ruben de Vries,"), a name
        # with particles ("Guten Tag Jan von Stein,") or without; not a team ("Hello Customer Support,").
        Pattern(
            "greeting",
            rf"(?<=\b(?:{names.GREETINGS})[ \t]+(?:(?i:{_PERSON_FIELDS})[ \t]+)?)"
            rf"(?!(?:{names.NAME_WORD}[ \t]+)?(?:{_ADDRESSED_GROUPS})\b)"
            rf"(?:{names.FULL_NAME}|{names.NAME})(?=[ \t]*[,!:\n])",
            0.5,
        ),
        Pattern(
            "sign_off",
            rf"(?<=\b(?i:{names.SIGN_OFFS})[,!.]?[ \t]*\n[ \t]*(?:(?:{_HONORIFICS})[ \t]+)?){names.FULL_NAME}"
            rf"{_POST_NOMINALS}(?=[ \t]*(?:\n|$))",
            0.5,
        ),
        Pattern(
            "sign_off_same_line",
            rf"(?<=\b(?i:{names.SIGN_OFFS}),[ \t]+){names.FULL_NAME}"
            rf"{_POST_NOMINALS}(?=[ \t]*(?:[.!]?[ \t]*\n|[.!]?$|[.!]?[\"\u201d\u00bb]))",
            0.5,
        ),
        Pattern(
            "person_field",
            rf"(?<=\b(?i:{_PERSON_FIELDS})[ \t]*[:\-][ \t]*(?:(?:{_HONORIFICS})[ \t]+)?)"
            rf"{names.FULL_NAME_NOT_A_HEADING}",
            0.6,
        ),
        Pattern("dash_signature", names.DASH_SIGNATURE, 0.5),
        Pattern("introduced_from", names.INTRODUCED_FROM, 0.5),
        Pattern(
            "self_introduction",
            rf"(?<=\b(?i:{_SELF_INTRODUCTIONS})[ \t]+(?:(?:{_HONORIFICS})[ \t]+)?){names.FULL_NAME}",
            0.6,
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
    r"|(?:mein|meine|meinem|meinen|meiner|sein|seine|seinem|seinen|seiner|ihr|ihre|ihrem|ihren|ihrer|unser"
    r"|unsere|unserem|unseren)[ \t]+(?:Sohn|Tochter|Kind|Bruder|Schwester|Mutter|Vater|Mann|Frau|Freund"
    r"|Freundin|Kollege|Kollegin|Chef|Chefin|Partner|Partnerin|Onkel|Tante|Oma|Opa|Cousin|Cousine)"
    r"|(?:mijn|zijn|haar|onze|ons)[ \t]+(?:zoon|dochter|kind|broer|zus|moeder|vader|man|vrouw|vriend"
    r"|vriendin|collega|baas|partner|oom|tante|oma|opa)"
    r"|(?:mon|ma|son|sa|notre)[ \t]+(?:fils|fille|enfant|fr\u00e8re|s\u0153ur|soeur|m\u00e8re|p\u00e8re|mari"
    r"|femme|ami|amie|coll\u00e8gue|chef|partenaire|oncle|tante|cousin|cousine)"
    r"|(?:mi|su|nuestro|nuestra)[ \t]+(?:hijo|hija|hermano|hermana|madre|padre|marido|esposo|esposa|mujer"
    r"|amigo|amiga|compa\u00f1ero|compa\u00f1era|jefe|jefa|t\u00edo|t\u00eda|primo|prima|abuelo|abuela)"
    r"|(?:mio|mia|suo|sua|nostro|nostra)[ \t]+(?:figlio|figlia|fratello|sorella|madre|padre|marito|moglie"
    r"|amico|amica|collega|capo|zio|zia|cugino|cugina|nonno|nonna)"
)
"""Words after which a capitalised word is a person's name: "directed by", "my kid Mario", and the
relatives and colleagues of the other five languages ("meine Tochter Mia", "mijn broer Sem")."""
_CUE_AFTER = (
    r"lives|lived|shouted|whispered|smiled|laughed|replied|was[ \t]+born|passed[ \t]+away|died"
    r"|(?:'s|\u2019s)[ \t]+(?:killers|wife|husband|mother|father|son|daughter|kids?|child|children|brother"
    r"|sister|boyfriend|girlfriend|parents|mom|dad|birthday|phone|mobile|cell|address|e-?mail|passport)"
    r"|is[ \t]+(?:a|an)[ \t]+(?:\p{Ll}+[ \t]+){0,2}(?:person|guy|man|woman|girl|boy|lady|gentleman)\b"
    r"|began[ \t]+writing|started[ \t]+writing|grew[ \t]+up|will[ \t]+be[ \t]+(?:talking|speaking)"
)
"""What follows a person's name and rarely anything else's: "Tomomi Nishiyama lives at", "Aarav's phone"."""
_PRONOUNS = r"(?:I|He|She|It|We|You|They|Who|Everyone|Nobody|Someone)"
"""Capitalised words before those verbs that are not names."""


class PersonCueRecognizer(PersonCueRecognizerBase):
    """The cue patterns above, plus verbs, relations, roles and positions that say words are a name.

    A name found here is also redacted where its words recur in the text, as for spaCy's names.
    """

    PATTERNS = [
        *PersonCueRecognizerBase.PATTERNS,
        Pattern("cue_before", rf"(?<=\b(?i:{_CUE_BEFORE})[ \t]*:?[ \t]+){names.NAME}", 0.5),
        Pattern(
            "cue_after", rf"(?<![\p{{L}}])(?!{_PRONOUNS}\b)(?:{names.NAME})(?=[ \t]*(?:{_CUE_AFTER})\b)", 0.5
        ),
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
        Pattern("lowercase_after_title", names.LOWERCASE_AFTER_TITLE, 0.5),
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
        results = with_particles(
            text,
            [
                result
                for result in super().analyze(text, entities, nlp_artifacts, regex_flags)
                if not _is_stop_word_phrase(text[result.start : result.end], nlp_artifacts)
            ],
        )
        return results + recurrences(text, results, nlp_artifacts, lowercase=True) if results else results


def _is_stop_word_phrase(value: str, nlp_artifacts: NlpArtifacts | None) -> bool:
    """True for a lower-case match holding a stop word ("my name is not ..."), or a capitalised one made
    only of stop words ("However, can you ..."): neither is a name."""
    if nlp_artifacts is None:
        return False
    stop = [nlp_artifacts.nlp_engine.is_stopword(word, "en") for word in value.split()]
    return any(stop) if value[:1].islower() else all(stop)
