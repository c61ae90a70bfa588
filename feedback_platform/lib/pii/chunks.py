"""Long texts analysed in overlapping windows, so that no text is too long to redact.

spaCy refuses a text over `nlp.max_length` and its memory grows with the text, so a text longer than
`CHUNK_CHARS` is analysed as windows of at most that many characters. Consecutive windows overlap by
`OVERLAP_CHARS`, so an entity shorter than the overlap lies whole in at least one window, with its context
words; each window ends at a whitespace where there is one in its last `OVERLAP_CHARS`, so few words are
cut. The entities found in the windows are moved to positions in the whole text and repeated finds
dropped; where a window's cut found only part of an entity, the part overlaps the whole one and the
resolution of overlapping spans keeps the whole.

A text up to `CHUNK_CHARS` is one window, analysed exactly as before; the log contract admits free texts
up to ten windows (`free_text_length` in `lib/logs/schemas/common.schema.json`). What a window cannot
see: a name's recurrences are found within each window, not across windows.
"""

from presidio_analyzer import RecognizerResult

CHUNK_CHARS = 100_000
"""The longest text analysed whole: the longest the log contract admitted before texts were split."""
OVERLAP_CHARS = 2_000
"""How far consecutive windows overlap: longer than any entity and the context words around it."""


def windows(text: str, size: int = CHUNK_CHARS, overlap: int = OVERLAP_CHARS) -> list[tuple[int, str]]:
    """(offset, window) pairs covering `text`; one pair, the text itself, when it fits in `size`."""
    if len(text) <= size:
        return [(0, text)]
    pieces, start = [], 0
    while True:
        end = min(start + size, len(text))
        if end < len(text):
            end = _cut(text, end, floor=end - overlap)
        pieces.append((start, text[start:end]))
        if end == len(text):
            return pieces
        start = end - overlap


def _cut(text: str, end: int, floor: int) -> int:
    """Just after the last whitespace in text[floor:end], or `end` when that stretch has none."""
    for position in range(end - 1, floor, -1):
        if text[position].isspace():
            return position + 1
    return end


def merged(found: list[tuple[int, list[RecognizerResult]]]) -> list[RecognizerResult]:
    """The results of each window at their positions in the whole text, one per (start, end, entity type):
    the highest-scoring where overlapping windows found the same."""
    best: dict[tuple[int, int, str], RecognizerResult] = {}
    for offset, results in found:
        for result in results:
            moved = _moved(result, offset)
            key = (moved.start, moved.end, moved.entity_type)
            if key not in best or moved.score > best[key].score:
                best[key] = moved
    return sorted(best.values(), key=lambda result: (result.start, result.end, result.entity_type))


def _moved(result: RecognizerResult, offset: int) -> RecognizerResult:
    if offset == 0:
        return result
    return RecognizerResult(
        entity_type=result.entity_type,
        start=result.start + offset,
        end=result.end + offset,
        score=result.score,
        analysis_explanation=result.analysis_explanation,
        recognition_metadata=result.recognition_metadata,
    )
