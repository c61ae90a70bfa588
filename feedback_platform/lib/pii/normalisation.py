"""Unicode look-alikes folded before analysis, so obfuscated PII is found where it stands.

People (and bots scraping past filters) write an email with a zero-width space or a NUL inside it, a phone
number in full-width digits (U+FF10 to U+FF19), or a soft hyphen inside a name. Presidio's patterns and spaCy
read those as other characters. The engine analyses a folded copy instead: invisible format characters
(zero-width spaces and joiners, the word joiner, the byte-order mark, soft hyphens) and control characters
(NUL and the other C0 controls but tab, line feed and carriage return) are dropped and every
other character is replaced by its NFKC compatibility form (full-width and other width variants,
non-breaking spaces, ligatures, circled and super-scripted digits). Each character of the copy remembers the
original character it came from, so the spans found map back onto the original text, which is what gets
stored: outside the redacted spans it keeps every one of its characters.

Letters of other scripts that merely look Latin (a Cyrillic "a", U+0430) are not folded: NFKC keeps them,
and mapping them would need a confusables table.
"""

import unicodedata
from dataclasses import dataclass

from feedback_platform.lib.pii.spans import EntitySpan, Spans

_CONTROLS = frozenset(chr(code) for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))
"""C0 control characters and DEL, NUL first: no text means them, and "jo\x00hn@example.com" is an email."""
INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff") | _CONTROLS
"""Characters with no glyph that split a word or a number without showing: dropped before analysis. Tabs,
line feeds and carriage returns stay: they separate words."""


@dataclass(frozen=True)
class FoldedText:
    """The folded copy of a text, and for each of its characters the index of the original character."""

    text: str
    origins: tuple[int, ...] | None
    """None when folding changed nothing: the copy is the text, and spans need no mapping."""

    def original_spans(self, spans: Spans) -> Spans:
        """`spans` of the folded copy as spans of the original text, covering every original character
        their characters came from (dropped invisible characters inside a span included)."""
        if self.origins is None:
            return spans
        return tuple(
            EntitySpan(self.origins[span.start], self.origins[span.end - 1] + 1, span.entity_type)
            for span in spans
        )


def fold(text: str) -> FoldedText:
    """The text with invisible characters dropped and the rest in NFKC form, and where each came from."""
    if INVISIBLE.isdisjoint(text) and (text.isascii() or unicodedata.is_normalized("NFKC", text)):
        return FoldedText(text, None)
    pieces: list[str] = []
    origins: list[int] = []
    for index, character in enumerate(text):
        if character in INVISIBLE:
            continue
        folded = unicodedata.normalize("NFKC", character)
        pieces.append(folded)
        origins.extend([index] * len(folded))
    folded_text = "".join(pieces)
    if folded_text == text:
        return FoldedText(text, None)
    return FoldedText(folded_text, tuple(origins))
