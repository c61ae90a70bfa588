"""PiiRedactor: replaces personal data in batches of texts with typed placeholders such as "<PERSON>".

Built once per process (loading the spaCy model takes about a second) and reused for every batch.
Within a call, identical texts are analysed once: system prompts and knowledge-base documents repeat
across thousands of rows. The spaCy step runs batched through `nlp.pipe`; Presidio's recognizers then
run text by text.
"""

from collections import Counter
from collections.abc import Sequence

from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerResult
from presidio_anonymizer import AnonymizerEngine, ConflictResolutionStrategy
from presidio_anonymizer.entities import OperatorConfig

from feedback_platform.lib.pii.config import RedactorConfig
from feedback_platform.lib.pii.nlp import build_nlp_engine
from feedback_platform.lib.pii.offline import use_bundled_public_suffix_list
from feedback_platform.lib.pii.registry import build_recognizer_registry

LANGUAGE = "en"


def placeholder(entity_type: str) -> str:
    """The text that replaces an entity of `entity_type`, e.g. "<PHONE_NUMBER>"."""
    return f"<{entity_type}>"


class PiiRedactor:
    """Detects and replaces personal data with Presidio: spaCy NER plus pattern recognizers, offline."""

    def __init__(self, config: RedactorConfig = RedactorConfig()) -> None:  # noqa: B008 - frozen, immutable
        use_bundled_public_suffix_list()
        self.config = config
        analyzer = AnalyzerEngine(
            registry=build_recognizer_registry(config),
            nlp_engine=build_nlp_engine(config.spacy_model),
            supported_languages=[LANGUAGE],
            default_score_threshold=config.score_threshold,
        )
        self._batch_analyzer = BatchAnalyzerEngine(analyzer)
        self._anonymizer = AnonymizerEngine()
        self._operators = {
            entity: OperatorConfig("replace", {"new_value": placeholder(entity)})
            for entity in config.entities
        }

    def analyze(self, texts: Sequence[str | None]) -> list[list[RecognizerResult]]:
        """Entities found in each text, in input order; None and empty texts have none."""
        distinct = list(dict.fromkeys(text for text in texts if text))
        found = self._batch_analyzer.analyze_iterator(
            texts=distinct,
            language=LANGUAGE,
            batch_size=self.config.batch_size,
            entities=list(self.config.entities),
        )
        by_text = dict(zip(distinct, found, strict=True))
        return [by_text[text] if text else [] for text in texts]

    def redact(self, texts: Sequence[str | None]) -> list[str | None]:
        """Each text with its entities replaced by typed placeholders, in input order; None stays None."""
        distinct = list(dict.fromkeys(text for text in texts if text))
        redacted = {
            text: self._replace(text, results)
            for text, results in zip(distinct, self.analyze(distinct), strict=True)
        }
        return [redacted[text] if text else text for text in texts]

    def count_entities(self, texts: Sequence[str | None]) -> dict[str, int]:
        """How many entities of each type the texts hold (a repeated text counts each time it appears)."""
        counts: Counter[str] = Counter()
        for results in self.analyze(texts):
            counts.update(result.entity_type for result in results)
        return dict(counts)

    def _replace(self, text: str, results: list[RecognizerResult]) -> str:
        if not results:
            return text
        # REMOVE_INTERSECTIONS trims overlapping spans of different types instead of keeping both, so
        # every character some recognizer flagged is still covered by exactly one placeholder.
        return self._anonymizer.anonymize(
            text=text,
            analyzer_results=results,
            operators=self._operators,
            conflict_resolution=ConflictResolutionStrategy.REMOVE_INTERSECTIONS,
        ).text
