"""The part-of-speech tag of one word of a sentence, from the spaCy model's own tagger, run on demand.

The engine runs only NER on every text; a few words need their tag (`ordinary_words`: is a sentence's
capitalised first word a verb or a name?). Tagging a sentence one at a time costs about a
millisecond and a half, mostly the tagging layers' fixed cost per call, so two things keep it small:

- only the tokens that can change the word's tag are tagged: the model's token-to-vector layer reads a
  window of `window_size` tokens on each side, `depth` times, so a token's tag depends on the
  `depth * window_size` tokens each side of it and on nothing further (4 for the small English and French
  models); tagging that window gives the tag the whole sentence gives, exactly;
- the words a batch of texts may ask about are tagged together, before the batch is analysed (`prepare`),
  in one pass of the tagging components; a word asked about later is tagged alone.
"""

import weakref
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from feedback_platform.lib.pii.nlp import TAGGING_COMPONENTS

TagRequest = tuple[str, int]
"""(sentence, character offset of a word in it)."""

Tagged = tuple[str, str] | None
"""(the token starting at the offset, its tag); None when no token starts there."""

_EMBED_THEN_ENCODE = "spacy.Tok2Vec"
"""A token-to-vector layer that embeds each token from its own attributes, then encodes."""
_WINDOW_ENCODERS = ("spacy.MaxoutWindowEncoder", "spacy.MishWindowEncoder")
"""Token-to-vector encoders whose context is a fixed window of tokens, repeated `depth` times."""
_TAGGER_ARCHITECTURE = "spacy.Tagger"
"""A tagging layer that reads only its own token's vector."""


class SentenceTagger:
    """The model's tokenizer and tagging components, run on the tokens around a word of a sentence."""

    def __init__(self, nlp: Language, steps: list, context: int | None) -> None:
        self._make_doc = nlp.make_doc
        self._steps = steps
        self._context = context
        """Tokens each side of a word that can change its tag; None when the model does not say (the
        whole sentence is tagged then)."""
        self._tagged: dict[TagRequest, Tagged] = {}

    def tag(self, sentence: str, offset: int) -> Tagged:
        """The token of `sentence` starting at character `offset` and its tag (Penn Treebank for English,
        Universal Dependencies for French), or None when no token starts there."""
        request = (sentence, offset)
        if request not in self._tagged:
            self._tagged.update(self._tag_all([request]))
        return self._tagged[request]

    def prepare(self, requests: Iterable[TagRequest]) -> None:
        """Tag the words of `requests` together and keep them for `tag`, instead of what was prepared
        before (a batch's requests replace the previous batch's, so memory holds one batch)."""
        self._tagged = self._tag_all(list(dict.fromkeys(requests)))

    def _tag_all(self, requests: list[TagRequest]) -> dict[TagRequest, Tagged]:
        tagged: dict[TagRequest, Tagged] = {}
        windows: list[tuple[TagRequest, Doc, int]] = []
        for sentence, offset in requests:
            doc = self._make_doc(sentence)
            token = next((token for token in doc if token.idx == offset), None)
            if token is None:
                tagged[(sentence, offset)] = None
                continue
            context = len(doc) if self._context is None else self._context
            start = max(0, token.i - context)
            windows.append(((sentence, offset), doc[start : token.i + context + 1].as_doc(), token.i - start))
        docs = [window for _, window, _ in windows]
        for step in self._steps:
            docs = list(step.pipe(docs, batch_size=max(1, len(docs))))
        for (request, _, position), doc in zip(windows, docs, strict=True):
            token = doc[position]
            tagged[request] = (token.text, token.tag_ or token.pos_)
        return tagged


_TAGGERS: "weakref.WeakKeyDictionary[Language, SentenceTagger | None]" = weakref.WeakKeyDictionary()


def sentence_tagger(nlp: Language | None) -> SentenceTagger | None:
    """The tagger of a loaded pipeline (one per pipeline, so that what `prepare` tagged is found by
    `tag`), when it has a token-to-vector layer and a tagger or morphologizer; None otherwise."""
    if nlp is None:
        return None
    if nlp not in _TAGGERS:
        components = dict(nlp.components)
        steps = [components[name] for name in TAGGING_COMPONENTS if name in components]
        usable = "tok2vec" in components and len(steps) > 1
        _TAGGERS[nlp] = SentenceTagger(nlp, steps, tag_context(nlp)) if usable else None
    return _TAGGERS[nlp]


def tag_context(nlp: Language) -> int | None:
    """How many tokens each side of a token its tag depends on, from the pipeline's config: `depth *
    window_size` of a window encoder under a tagger or morphologizer that reads only its token's vector;
    None for any other architecture."""
    components = nlp.config["components"]
    tok2vec = components["tok2vec"]["model"]
    encoder = tok2vec.get("encode", {})
    taggers = [
        components[name]["model"] for name in TAGGING_COMPONENTS if name in components and name != "tok2vec"
    ]
    if (
        _architecture(tok2vec).startswith(_EMBED_THEN_ENCODE)
        and _architecture(encoder).startswith(_WINDOW_ENCODERS)
        and all(_architecture(model).startswith(_TAGGER_ARCHITECTURE) for model in taggers)
    ):
        return int(encoder["depth"]) * int(encoder["window_size"])
    return None


def _architecture(model_config: dict) -> str:
    return str(model_config.get("@architectures", ""))
