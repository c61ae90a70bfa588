"""The context enhancer that skips texts without contextual results finds what Presidio's own finds."""

from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

from feedback_platform.lib.pii import PiiRedactor, RedactorConfig
from feedback_platform.lib.pii.context_enhancer import EnhancerForContextualResults

TEXTS = [
    "Please call me on 020 7946 0898 tomorrow.",
    "The build number was 020 7946 0898.",
    "My social security number is 078-05-1121.",
    "Noah Bennett asked for a refund.",
    "Summarise the attached report in three bullet points.",
    "Mail me at olivia.carter@gmail.com please.",
]


def _found(redactor: PiiRedactor) -> list[list[tuple[str, int, int, float]]]:
    return [
        sorted((result.entity_type, result.start, result.end, result.score) for result in results)
        for results in redactor.analyze(TEXTS)
    ]


# Guards the shortcut: every text's results, scores included, are the ones Presidio's enhancer gives, and
# a context word still raises a phone number's score ("call" before it, not "build number").
def test_results_and_scores_match_presidios_enhancer() -> None:
    redactor = PiiRedactor(RedactorConfig())
    analyzer = redactor._analyzer
    assert isinstance(analyzer.context_aware_enhancer, EnhancerForContextualResults)
    ours = _found(redactor)
    analyzer.context_aware_enhancer = LemmaContextAwareEnhancer()
    assert ours == _found(redactor)
    called, numbered = ([score for kind, *_, score in found if kind == "PHONE_NUMBER"] for found in ours[:2])
    assert called[0] > numbered[0]
