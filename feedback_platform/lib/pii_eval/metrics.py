"""Scores of a redaction against a labelled set: leaks per entity type, ordinary words lost, and texts
without personal data that redaction changed at all.

Only the redacted texts are needed, not the engine's detections, so any redaction can be scored.
Which words of the original survive is found by aligning the original's words with the redacted text's
words (placeholders such as "<PERSON>" taken out), longest matching blocks first, as `difflib` does.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import regex as re

from feedback_platform.lib.pii_eval.labelled_sets import LabelledSpan, LabelledText
from feedback_platform.lib.pii_eval.leaks import is_leaked

WORD = re.compile(r"\w+")
"""What counts as a word, for over-redaction and for the share of a value's words left."""
PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*>")
"""The engine's placeholders; their words are not words of the original."""
EXAMPLES_KEPT = 20
"""Leaked values and lost words kept per entity type, to show what goes wrong."""


@dataclass
class EntityScore:
    """Leaks of one entity type (or of several, for the overall row)."""

    entity_type: str
    spans: int = 0
    leaked: int = 0
    words: int = 0
    words_left: int = 0
    """Words of the values still readable where they stood, leaked or not: a stricter view than `leaked`."""
    leaked_values: list[str] = field(default_factory=list)

    @property
    def leak_rate(self) -> float:
        """Share of labelled values still readable after redaction."""
        return self.leaked / self.spans if self.spans else 0.0

    @property
    def words_left_rate(self) -> float:
        """Share of the values' words left in place."""
        return self.words_left / self.words if self.words else 0.0


@dataclass
class TextTally:
    """Texts counted, and how many of them came out of redaction unchanged, byte for byte."""

    texts: int = 0
    unchanged: int = 0
    changed_examples: list[str] = field(default_factory=list)
    """The first few redactions that changed such a text, to see what was taken."""

    @property
    def unchanged_rate(self) -> float:
        return self.unchanged / self.texts if self.texts else 1.0

    @property
    def changed_rate(self) -> float:
        return 1.0 - self.unchanged_rate

    def count(self, original: str, redacted: str) -> None:
        self.texts += 1
        self.unchanged += original == redacted
        if original != redacted and len(self.changed_examples) < EXAMPLES_KEPT:
            self.changed_examples.append(redacted)


@dataclass
class EvaluationReport:
    """Per-entity leaks, their total over `overall_entities`, and over-redaction of ordinary words."""

    entities: dict[str, EntityScore]
    overall: EntityScore
    non_pii_words: int
    non_pii_words_kept: int
    lost_words: dict[str, int]
    """Ordinary words lost, by word, for the most frequent few."""
    pii_free: TextTally = field(default_factory=lambda: TextTally())
    """Texts with no labelled span at all, and how many of them redaction left byte-identical."""
    pii_free_by_field: dict[str, TextTally] = field(default_factory=dict)
    """The same, per field of the texts (`messages.system`, `output`, ...), when the set names fields."""
    by_language: dict[str, "EvaluationReport"] = field(default_factory=dict)
    """The same scores over the texts of each language, when the set names languages."""

    @property
    def non_pii_kept_rate(self) -> float:
        """Share of words outside every labelled span that are still in the redacted text."""
        return self.non_pii_words_kept / self.non_pii_words if self.non_pii_words else 1.0

    @property
    def over_redaction_rate(self) -> float:
        """Share of words outside every labelled span that redaction removed."""
        return 1.0 - self.non_pii_kept_rate


def evaluate(
    records: Sequence[LabelledText], redacted: Sequence[str], overall_entities: frozenset[str]
) -> EvaluationReport:
    """Score `redacted[i]`, the redaction of `records[i].text`, against the labels of `records[i]`, over
    all texts and over the texts of each language the set names.

    `overall_entities` are the types summed into the overall leak rate; the other scored types get a
    row of their own but do not count towards it.
    """
    if len(records) != len(redacted):
        raise ValueError(f"{len(records)} labelled texts but {len(redacted)} redacted texts")
    report = _score(records, redacted, overall_entities)
    languages = sorted({record.language for record in records if record.language is not None})
    for language in languages:
        chosen = [index for index, record in enumerate(records) if record.language == language]
        report.by_language[language] = _score(
            [records[index] for index in chosen], [redacted[index] for index in chosen], overall_entities
        )
    return report


def _score(
    records: Sequence[LabelledText], redacted: Sequence[str], overall_entities: frozenset[str]
) -> EvaluationReport:
    """The scores of one set of texts: leaks per type and overall, words kept, PII-free texts unchanged."""
    scores: dict[str, EntityScore] = {}
    overall = EntityScore("overall")
    non_pii = kept = 0
    lost: dict[str, int] = defaultdict(int)
    pii_free, pii_free_by_field = TextTally(), defaultdict(TextTally)
    for record, output in zip(records, redacted, strict=True):
        if not record.spans:
            pii_free.count(record.text, output)
            if record.field is not None:
                pii_free_by_field[record.field].count(record.text, output)
        words = list(WORD.finditer(record.text))
        survived = surviving_words(record.text, output)
        labelled = _label_of_each_word(words, record.spans)
        for index, word in enumerate(words):
            if labelled[index] is None:
                non_pii += 1
                kept += survived[index]
                if not survived[index]:
                    lost[word.group()] += 1
        for span in record.spans:
            if span.entity_type is None:
                continue
            score = scores.setdefault(span.entity_type, EntityScore(span.entity_type))
            inside = [i for i, word in enumerate(words) if span.start <= word.start() < span.end]
            leaked = is_leaked(span.entity_type, span.value, output)
            for row in (score, overall) if span.entity_type in overall_entities else (score,):
                row.spans += 1
                row.leaked += leaked
                row.words += len(inside)
                row.words_left += sum(survived[i] for i in inside)
                if leaked and len(row.leaked_values) < EXAMPLES_KEPT:
                    row.leaked_values.append(span.value)
    top_lost = dict(sorted(lost.items(), key=lambda item: -item[1])[:EXAMPLES_KEPT])
    ordered = dict(sorted(scores.items(), key=lambda item: -item[1].spans))
    return EvaluationReport(
        ordered, overall, non_pii, kept, top_lost, pii_free, dict(sorted(pii_free_by_field.items()))
    )


def surviving_words(original: str, redacted: str) -> list[bool]:
    """For each word of `original`, whether it is still in `redacted` in its place."""
    before = [word.group() for word in WORD.finditer(original)]
    after = [word.group() for word in WORD.finditer(PLACEHOLDER.sub(" ", redacted))]
    survived = [False] * len(before)
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for block in matcher.get_matching_blocks():
        survived[block.a : block.a + block.size] = [True] * block.size
    return survived


def _label_of_each_word(words: list[re.Match[str]], spans: Sequence[LabelledSpan]) -> list[str | None]:
    """The label of the span each word overlaps, or None for a word outside every span."""
    labels: list[str | None] = [None] * len(words)
    for index, word in enumerate(words):
        for span in spans:
            if span.start < word.end() and word.start() < span.end:
                labels[index] = span.label
                break
    return labels
