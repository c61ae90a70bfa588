"""What replaces a detected entity: a typed placeholder, or a keyed pseudonym that is stable in its scope.

Typed placeholders ("<PERSON>", "<EMAIL_ADDRESS>") are the default: they keep no trace of the value.

Pseudonyms ("<PERSON_3fa92c1b>") keep one thing a model can learn from: which mentions are the same
person, address or number. The suffix is an HMAC-SHA256 of (scope, entity type, normalised value) under a
secret key, so:
- the same value in the same scope (a conversation) gets the same pseudonym in the prompt, the output, a
  comment and an edit, on whatever day each of them lands, with no state to keep between runs;
- the same person in two conversations gets two unrelated pseudonyms, so pseudonyms do not link users
  across conversations;
- without the key nobody can test a guessed value against a pseudonym (a plain hash of a name could be
  reversed by hashing a list of names).
A per-conversation counter ("<PERSON_1>") would need state shared across partitions and runs, and would
change with the order in which partitions are materialised; the keyed hash is the same whatever the order.
"""

import hashlib
import hmac
import re
from collections.abc import Callable

Replacement = Callable[[str, str], str]
"""(entity_type, value) -> the text written in place of the value."""

PSEUDONYM_HEX_CHARS = 8
"""32 bits of the HMAC: two values of one conversation collide with odds of about n^2 / 2^33."""

PLACEHOLDER = re.compile(rf"<([A-Z][A-Z_]*?)(?:_[0-9a-f]{{{PSEUDONYM_HEX_CHARS}}})?>")
"""A typed placeholder or a pseudonym, with the entity type as group 1: <PERSON>, <PERSON_3fa92c1b>."""

NUMERIC_ENTITIES = frozenset({"PHONE_NUMBER", "CREDIT_CARD", "US_SSN"})
"""Entity types whose value is its digits: "+1 (555) 010-2334" and "15550102334" are one number."""

_SPACES = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"\D")
_NOT_ALNUM = re.compile(r"[\W_]")


def typed_placeholder(entity_type: str, _value: str = "") -> str:
    """The text that replaces an entity of `entity_type`, e.g. "<PHONE_NUMBER>"."""
    return f"<{entity_type}>"


def normalised_value(entity_type: str, value: str) -> str:
    """The form of a value that decides whether two mentions are the same entity.

    Numbers compare by digits, IBANs by their letters and digits, everything else case-insensitively with
    runs of whitespace collapsed ("JOHN  smith" is "John Smith").
    """
    if entity_type in NUMERIC_ENTITIES:
        return _NOT_DIGIT.sub("", value)
    if entity_type == "IBAN_CODE":
        return _NOT_ALNUM.sub("", value).upper()
    return _SPACES.sub(" ", value.strip()).casefold()


class KeyedPseudonyms:
    """Pseudonyms derived with HMAC-SHA256 under a secret key; see the module docstring for why."""

    def __init__(self, key: str | bytes) -> None:
        key_bytes = key.encode("utf-8") if isinstance(key, str) else key
        if len(key_bytes) < 16:
            raise ValueError("the pseudonym key must be at least 16 bytes long: a short key can be guessed")
        self._key = key_bytes

    def pseudonym(self, scope: str, entity_type: str, value: str) -> str:
        """ "<ENTITY_TYPE_xxxxxxxx>" for `value` in `scope`; the same inputs always give the same text."""
        message = "\x1f".join((scope, entity_type, normalised_value(entity_type, value))).encode("utf-8")
        digest = hmac.new(self._key, message, hashlib.sha256).hexdigest()[:PSEUDONYM_HEX_CHARS]
        return f"<{entity_type}_{digest}>"

    def in_scope(self, scope: str) -> Replacement:
        """The replacement for texts of one scope (e.g. one conversation)."""
        return lambda entity_type, value: self.pseudonym(scope, entity_type, value)
