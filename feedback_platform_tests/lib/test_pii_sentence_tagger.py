"""The sentence tagger: a word's tag from the tokens around it is the tag the whole sentence gives it."""

import spacy

from feedback_platform.lib.pii.config import DEFAULT_MODEL
from feedback_platform.lib.pii.nlp import NER_COMPONENTS, unused_components
from feedback_platform.lib.pii.sentence_tagger import sentence_tagger, tag_context

SENTENCES = [
    "Draft a reply to a traveller who wants to cancel a non-refundable hotel room before the month ends.",
    "Check the order status for the customer in the north warehouse and tell me what the courier said today.",
    "Will asked whether the invoice from last spring was ever paid by the accounts team in the head office.",
    "after the meeting with the landlord the tenant wrote that the boiler in the kitchen still makes a noise",
    "Leave the keys with nina at the front desk of the building, and she will give them to the new tenant.",
]


def _loaded():
    return spacy.load(DEFAULT_MODEL, enable=list(NER_COMPONENTS), exclude=unused_components(DEFAULT_MODEL))


def _whole_sentence_tags(sentence: str) -> list[tuple[int, str, str]]:
    tagging = spacy.load(DEFAULT_MODEL, enable=["tok2vec", "tagger"])
    return [(token.idx, token.text, token.tag_) for token in tagging(sentence)]


# Guards the window: the model's tok2vec reads 4 tokens each side, so tagging 4 tokens each side of a word
# must give every word of a long sentence the tag the whole sentence gives it, at its start, middle and end.
def test_a_words_tag_from_its_window_is_its_tag_in_the_whole_sentence() -> None:
    nlp = _loaded()
    assert tag_context(nlp) == 4
    tagger = sentence_tagger(nlp)
    assert tagger is not None
    for sentence in SENTENCES:
        for offset, text, tag in _whole_sentence_tags(sentence):
            assert tagger.tag(sentence, offset) == (text, tag), (sentence, offset)
    assert tagger.tag(SENTENCES[0], 1) is None  # no token starts inside "Draft"


# Guards batching: what `prepare` tags together is what `tag` gives one word at a time, and a request it
# did not prepare is still answered.
def test_prepared_tags_are_the_tags_of_one_word_at_a_time() -> None:
    nlp = _loaded()
    tagger = sentence_tagger(nlp)
    one_at_a_time = {(sentence, 0): tagger.tag(sentence, 0) for sentence in SENTENCES}
    tagger.prepare(one_at_a_time)
    assert {request: tagger.tag(*request) for request in one_at_a_time} == one_at_a_time
    assert one_at_a_time[(SENTENCES[0], 0)] == ("Draft", "VB")
    assert tagger.tag(SENTENCES[4], SENTENCES[4].index("nina"))[0] == "nina"
    assert sentence_tagger(nlp) is tagger  # one per pipeline, so the engine's prepare reaches the filter
