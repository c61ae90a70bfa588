"""The STREET_ADDRESS recognizers, over the patterns in `address_patterns.py`: one finds streets by their
street-type word, the other finds street lines by their place in an address block.

Presidio PatternRecognizers with context words, so their results pass through the same context
enhancement, thresholds and conflict resolution as the predefined recognizers'.
"""

from presidio_analyzer import Pattern, PatternRecognizer

from feedback_platform.lib.pii import address_patterns as addr
from feedback_platform.lib.pii.pattern_flags import CASE_SENSITIVE

ADDRESS_NOUNS_AND_HOMES = (
    *("address", "adres", "anschrift", "indirizzo", "direcci", "domicilio"),
    *("wohn", "woon", "abito"),
)
"""The address nouns and "live" verbs of the six languages, as substrings of a nearby token ("adres" is in
"Adresse", "wohn" in "wohne")."""


class StreetAddressRecognizer(PatternRecognizer):
    """House number plus street, in US/UK, German, Nordic/Dutch, Romance, Polish and Hungarian styles, and
    the two streets of a corner."""

    CONTEXT = [
        *ADDRESS_NOUNS_AND_HOMES,
        *("live", "living", "located", "ship", "deliver", "send", "mail", "street", "home", "liefer"),
    ]
    """The address words, and the verbs and nouns of delivery that come before an address."""

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
                Pattern("de_preposition_street", addr.DE_PREPOSITION_STREET, 0.5),
                Pattern("eu_compound_street", addr.EU_COMPOUND_STREET, 0.5),
                Pattern("romance_street", addr.ROMANCE_STREET, 0.5),
                Pattern("number_first_romance_street", addr.NUMBER_FIRST_ROMANCE_STREET, 0.5),
                Pattern("hu_street", addr.HU_STREET, 0.5),
                Pattern("name_number_type_street", addr.NAME_NUMBER_TYPE_STREET, 0.5),
                Pattern("corner_first_street", addr.CORNER_FIRST_STREET, 0.5),
                Pattern("corner_second_street", addr.CORNER_SECOND_STREET, 0.5),
                Pattern("number_name_number_street", addr.NUMBER_NAME_NUMBER_STREET, 0.3),
                Pattern("address_block_street", addr.ADDRESS_BLOCK_STREET, 0.5),
                Pattern("unit", addr.UNIT, 0.5),
                Pattern("address_tail", addr.ADDRESS_TAIL, 0.5),
            ],
            context=self.CONTEXT,
            global_regex_flags=CASE_SENSITIVE,
        )


ADDRESS_BLOCK_CONTEXT = [*StreetAddressRecognizer.CONTEXT, "sent", "return", "drop", "meet", "visit"]
"""Words before an address; "drop" for "drops you off at", "return" for "return to"."""


def address_block_recognizer() -> PatternRecognizer:
    """Street lines told by their place in an address block (next to a unit or a postcode line) rather than
    by a street-type word, so they hold in any language, script or case."""
    return PatternRecognizer(
        supported_entity="STREET_ADDRESS",
        name="AddressBlockRecognizer",
        patterns=[
            Pattern("street_before_unit", addr.STREET_BEFORE_UNIT, 0.6),
            Pattern("street_after_unit", addr.STREET_AFTER_UNIT, 0.6),
            Pattern("address_block_without_unit", addr.ADDRESS_BLOCK_WITHOUT_UNIT, 0.5),
            Pattern("lowercase_address_tail", addr.LOWERCASE_ADDRESS_TAIL, 0.5),
            Pattern("lowercase_number_name_number", addr.LOWERCASE_NUMBER_NAME_NUMBER_STREET, 0.2),
        ],
        context=ADDRESS_BLOCK_CONTEXT,
        global_regex_flags=CASE_SENSITIVE,
    )


ADDRESS_WORDS = [*ADDRESS_NOUNS_AND_HOMES, "lives", "reside", "vivo", "habite"]
"""Words that make what follows an address; not "send" or "ship", which as often precede a product and its
version."""


def cued_street_recognizer() -> PatternRecognizer:
    """A street written as its name then its number, with no street-type word, after an address word."""
    return PatternRecognizer(
        supported_entity="STREET_ADDRESS",
        name="CuedStreetRecognizer",
        patterns=[Pattern("cued_street", addr.CUED_STREET, 0.2)],
        context=ADDRESS_WORDS,
        global_regex_flags=CASE_SENSITIVE,
    )
