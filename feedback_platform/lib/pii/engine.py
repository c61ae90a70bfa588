"""PiiRedactor: replaces personal data in batches of texts with typed placeholders such as "<PERSON>".

Built once per process (loading the spaCy model takes about a second) and reused for every batch.
Within a call, identical texts are analysed once: system prompts and knowledge-base documents repeat
across thousands of rows. The spaCy step runs batched through `nlp.pipe`; Presidio's recognizers then
run text by text.

`feedback_platform.lib.pii.bulk.BulkRedactor` wraps the engine for large and repeated workloads.
"""

import itertools
from collections.abc import Sequence
from functools import cache

import regex as re
from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_anonymizer import AnonymizerEngine, ConflictResolutionStrategy
from presidio_anonymizer.entities import OperatorConfig

from feedback_platform.lib.pii.allow_list import allow_list_pattern, term_occurrences_pattern
from feedback_platform.lib.pii.chunks import merged, windows
from feedback_platform.lib.pii.config import RedactorConfig
from feedback_platform.lib.pii.context_enhancer import EnhancerForContextualResults
from feedback_platform.lib.pii.language_routing import text_language
from feedback_platform.lib.pii.nlp import build_nlp_engine
from feedback_platform.lib.pii.normalisation import fold
from feedback_platform.lib.pii.offline import use_bundled_public_suffix_list
from feedback_platform.lib.pii.ordinary_words import tag_requests
from feedback_platform.lib.pii.placeholders import typed_placeholder
from feedback_platform.lib.pii.registry import build_recognizer_registry
from feedback_platform.lib.pii.sentence_tagger import sentence_tagger
from feedback_platform.lib.pii.spans import EntitySpan, Spans, replace_spans

_KEEP_EVERY_VALUE = {"DEFAULT": OperatorConfig("keep")}
"""Presidio's "keep" operator leaves the text as it is, so the anonymizer's output spans are positions in
the original text: the engine gets Presidio's conflict resolution without replacing anything yet."""


class PiiRedactor:
    """Detects and replaces personal data with Presidio: spaCy NER plus pattern recognizers, offline."""

    def __init__(self, config: RedactorConfig = RedactorConfig()) -> None:  # noqa: B008 - frozen, immutable
        use_bundled_public_suffix_list()
        self.config = config
        self._languages = tuple(config.pipelines)
        self._analyzer = AnalyzerEngine(
            registry=build_recognizer_registry(config, self._languages),
            nlp_engine=build_nlp_engine(config.pipelines),
            supported_languages=list(self._languages),
            default_score_threshold=config.score_threshold,
            context_aware_enhancer=EnhancerForContextualResults(),
        )
        pattern = allow_list_pattern(config.allow_list)
        self._allow_list = (
            {"allow_list": [pattern], "allow_list_match": "regex", "regex_flags": 0} if pattern else {}
        )
        """Presidio's allow list: one case-sensitive pattern a kept span matches in full."""
        terms = term_occurrences_pattern(config.allow_list)
        self._allowed_terms = re.compile(terms) if terms else None
        """Where the allowed terms stand in a text: spans inside them are kept too."""
        self._anonymizer = AnonymizerEngine()
        self.texts_analysed = 0
        """How many texts this engine has run through NER and the recognizers (after deduplication)."""

    def analyze(self, texts: Sequence[str | None]) -> list[list[RecognizerResult]]:
        """Entities found in each text, in input order; None and empty texts have none. A text longer than
        `chunks.CHUNK_CHARS` is analysed in overlapping windows (`feedback_platform.lib.pii.chunks`)."""
        distinct = list(dict.fromkeys(text for text in texts if text))
        self.texts_analysed += len(distinct)
        windows_of = {text: windows(text) for text in distinct}
        whole = [text for text, pieces in windows_of.items() if len(pieces) == 1]
        split = list(
            dict.fromkeys(piece for pieces in windows_of.values() if len(pieces) > 1 for _, piece in pieces)
        )
        # A window is as long as a text may be whole: one at a time, so memory holds one window's document.
        found = {**self._analyze_whole(whole, self.config.batch_size), **self._analyze_whole(split, 1)}
        by_text = {
            text: merged([(offset, found[piece]) for offset, piece in pieces])
            if len(pieces) > 1
            else found[text]
            for text, pieces in windows_of.items()
        }
        return [by_text[text] if text else [] for text in texts]

    def _analyze_whole(self, texts: list[str], batch_size: int) -> dict[str, list[RecognizerResult]]:
        """Entities found in each of the distinct `texts`, each read whole by the pipeline of the language
        it is written in (`language_routing.text_language`), `batch_size` texts per `nlp.pipe` batch."""
        by_language: dict[str, list[str]] = {}
        for text in texts:
            by_language.setdefault(text_language(text, self._languages), []).append(text)
        by_text: dict[str, list[RecognizerResult]] = {}
        nlp_engine = self._analyzer.nlp_engine
        for language, group in by_language.items():
            parsed = nlp_engine.process_batch(texts=group, language=language, batch_size=batch_size)
            while batch := list(itertools.islice(parsed, batch_size)):
                self._prepare_tags(batch, language)
                for text, nlp_artifacts in batch:
                    by_text[text] = self._analyzer.analyze(
                        text=text,
                        language=language,
                        nlp_artifacts=nlp_artifacts,
                        entities=list(self.config.entities),
                        **self._allow_list,
                    )
        return by_text

    def _prepare_tags(self, batch: list[tuple[str, NlpArtifacts]], language: str) -> None:
        """Tag together the words of the batch's texts that the ordinary-word filter may ask about
        (`feedback_platform.lib.pii.sentence_tagger`): one pass of the tagger instead of one per word."""
        tagger = sentence_tagger(self._analyzer.nlp_engine.nlp[language])
        if tagger is not None:
            tagger.prepare(
                request
                for text, nlp_artifacts in batch
                for request in tag_requests(
                    text, ((name.start_char, name.end_char, name.label_) for name in nlp_artifacts.entities)
                )
            )

    def find_spans(self, texts: Sequence[str | None]) -> list[Spans]:
        """The non-overlapping entity spans of each text, in input order; None and empty texts have none.

        Each text is analysed in its folded form (`feedback_platform.lib.pii.normalisation`), so that
        zero-width characters and full-width digits hide nothing; the spans are positions in the text
        as given."""
        folded = [fold(text) if text else None for text in texts]
        analysed = self.analyze([copy.text if copy else None for copy in folded])
        return [
            copy.original_spans(self._resolve(copy.text, self._outside_allowed_terms(copy.text, results)))
            if copy
            else ()
            for copy, results in zip(folded, analysed, strict=True)
        ]

    def _outside_allowed_terms(self, text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
        if self._allowed_terms is None or not results:
            return results
        terms = [match.span() for match in self._allowed_terms.finditer(text)]
        return [
            result
            for result in results
            if not any(start <= result.start and result.end <= end for start, end in terms)
        ]

    def redact(self, texts: Sequence[str | None]) -> list[str | None]:
        """Each text with its entities replaced by typed placeholders, in input order; None stays None."""
        return [
            replace_spans(text, spans, typed_placeholder) if text else text
            for text, spans in zip(texts, self.find_spans(texts), strict=True)
        ]

    def _resolve(self, text: str, results: list[RecognizerResult]) -> Spans:
        if not results:
            return ()
        # REMOVE_INTERSECTIONS trims overlapping spans of different types instead of keeping both, so
        # every character some recognizer flagged is still covered by exactly one span.
        kept = self._anonymizer.anonymize(
            text=text,
            analyzer_results=results,
            operators=_KEEP_EVERY_VALUE,
            conflict_resolution=ConflictResolutionStrategy.REMOVE_INTERSECTIONS,
        )
        return tuple(sorted(EntitySpan(item.start, item.end, item.entity_type) for item in kept.items))


@cache
def loaded_engine(config: RedactorConfig) -> PiiRedactor:
    """`config`'s engine, loaded once per process and shared by every redactor of that configuration: a
    process that redacts for several data folders (each with its own cache) loads the spaCy pipelines and
    Presidio's recognizers once, not once a folder (1-2 s each time)."""
    return PiiRedactor(config)
