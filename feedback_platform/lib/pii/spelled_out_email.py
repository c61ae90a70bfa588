"""EMAIL_ADDRESS written out to dodge filters: "john dot smith at gmail dot com", "anna [at] acme [dot] de".

Presidio's email recognizer needs the "@" and the dots; a user who spells them out still gives the address
away. The words "at" and "dot" (bare, or in brackets) must join the parts, and the address must end on a
top-level domain.
"""

from presidio_analyzer import Pattern, PatternRecognizer

_DOT = r"[ \t]*[\[(]?[ \t]*(?i:dot)[ \t]*[\])]?[ \t]*"
_BRACKETED_AT = r"[ \t]*[\[(][ \t]*(?i:at)[ \t]*[\])][ \t]*"
_PLAIN_AT = r"(?:[ \t](?i:at)[ \t]|[ \t]*@)[ \t]*"
_PART = r"[\w+-]+"
_DOTTED = rf"{_PART}(?:(?:{_DOT}|\.){_PART})+"
_TOP_LEVEL_DOMAIN = r"(?i:com|org|net|edu|gov|io|co|info|eu|uk|de|fr|es|it|nl|be|at|ch)"
_DOMAIN = rf"{_PART}(?:(?:{_DOT}|\.){_PART})*{_DOT}{_TOP_LEVEL_DOMAIN}\b"

SPELLED_OUT_EMAIL = (
    rf"(?<![\w.@-])(?:{_DOTTED}{_PLAIN_AT}|{_PART}(?:(?:{_DOT}|\.){_PART})*{_BRACKETED_AT}){_DOMAIN}"
)
"""A dotted name before a plain "at" ("john dot smith at ..."), or any name before a bracketed one ("anna
[at] ..."): a bare word before "at" is as often a verb ("look at this dot com")."""


def spelled_out_email_recognizer() -> PatternRecognizer:
    """EMAIL_ADDRESS for addresses whose "@" or dots are written as words."""
    return PatternRecognizer(
        supported_entity="EMAIL_ADDRESS",
        name="SpelledOutEmailRecognizer",
        patterns=[Pattern("spelled_out_email", SPELLED_OUT_EMAIL, 0.6)],
    )
