"""The feedback users give on one response: explicit signals (thumb, rating, comment, edit) and implicit ones,
and the outcome the product measures of the task some features serve (tests passed, ticket resolved).

Rates follow what real products see (thumbs on about a tenth of responses, ratings on about one in twenty)
and depend on whether the response was good, so that feedback tells good models from weak ones.
"""

import math
import random
from dataclasses import dataclass

from feedback_platform.lib.sample_logs.phrasing import (
    EDIT_SIGNOFFS,
    POSITIVE_COMMENTS,
    REPHRASE_PREFIXES,
    negative_comments,
)
from feedback_platform.lib.sample_logs.pii import PiiFactory, PiiValue
from feedback_platform.lib.sample_logs.topic import Topic
from feedback_platform.lib.sample_logs.users import User

SIGNAL_RATES: dict[str, tuple[float, float]] = {
    "thumb": (0.08, 0.10),
    "rating": (0.04, 0.05),
    "comment": (0.012, 0.03),
    "edit": (0.015, 0.03),
    "copy": (0.20, 0.07),
    "regenerate": (0.04, 0.14),
    "dwell": (0.42, 0.38),
    "abandon": (0.02, 0.09),
    "reformulate": (0.02, 0.07),
}
"""Chance of each signal on a (good, poor) response."""
EMAIL_EDIT_RATES = (0.08, 0.12)
ENGAGED_RATES = {"rating": 0.15, "edit": 0.1}
"""Users who later opt out of training rate and edit more, so that their exclusion is visible."""
REGENERATED_THUMB_RATE = 0.3
"""Users who asked for another answer often vote on it, as they compare it with the first one."""

_DELAY_MS: dict[str, tuple[int, int]] = {
    "thumb": (4_000, 120_000),
    "rating": (8_000, 300_000),
    "comment": (30_000, 600_000),
    "edit": (60_000, 900_000),
    "copy": (2_000, 60_000),
    "regenerate": (2_000, 25_000),
    "abandon": (5_000, 60_000),
    "reformulate": (5_000, 60_000),
}
_GOOD_RATINGS, _GOOD_RATING_WEIGHTS = (5, 4, 3, 2), (0.55, 0.35, 0.08, 0.02)
_POOR_RATINGS, _POOR_RATING_WEIGHTS = (1, 2, 3, 4), (0.3, 0.35, 0.25, 0.1)


@dataclass(frozen=True)
class MeasuredOutcome:
    """The outcome a feature's product measures: on a `measured` share of responses; a boolean that
    succeeds with chance `succeeds` (good, poor), or, without it, minutes drawn around `median_minutes`."""

    name: str
    measured: float
    succeeds: tuple[float, float] | None = None
    median_minutes: tuple[float, float] = (0.0, 0.0)


FEATURE_OUTCOMES: dict[str, MeasuredOutcome] = {
    "code_assist": MeasuredOutcome("tests_passed", 0.6, succeeds=(0.9, 0.3)),
    "support_chat": MeasuredOutcome("ticket_resolved", 0.25, succeeds=(0.85, 0.35)),
    "email_draft": MeasuredOutcome("minutes_until_sent", 0.3, median_minutes=(4.0, 15.0)),
}
"""Features whose product reports an outcome; search answers have none."""
_OUTCOME_DELAY_MS = (60_000, 1_800_000)
_PII_COMMENT_SHARE = 0.2
_PII_EDIT_SHARE = 0.2


@dataclass(frozen=True)
class FeedbackDraft:
    """A signal with its value (None when the signal has none), delay after the response and planted PII."""

    signal: str
    value: str | int | float | dict[str, object] | None
    delay_ms: int
    pii: tuple[PiiValue, ...] = ()


@dataclass(frozen=True)
class RatedResponse:
    """What feedback depends on: the response's topic, output, quality, feature and user.

    `expected` is what a good reply to this turn says (the topic's answer, or its detail for a follow-up).
    """

    topic: Topic
    feature: str
    output: str
    expected: str
    good: bool
    user: User
    engaged: bool
    prompt_version: str
    regenerated: bool = False


def _comment(response: RatedResponse, rng: random.Random, factory: PiiFactory) -> tuple[str, list[PiiValue]]:
    language = response.user.language
    persona = response.user.persona
    if rng.random() < _PII_COMMENT_SHARE:
        choice = rng.randrange(3)
        if choice == 0:
            return f"Please have someone call me at {persona.phone.value}.", [persona.phone]
        if choice == 1:
            return (
                f"I'm {persona.name.value} and this is the third time I ask. Send the details to "
                f"{persona.email.value}.",
                [persona.name, persona.email],
            )
        card = factory.card()
        return f"Still wrong. The charge on my card {card.value} is not explained.", [card]
    if response.good:
        return rng.choice(POSITIVE_COMMENTS[language]), []
    if rng.random() < 0.3:
        return f"Wrong about {response.topic.label.lower()}.", []
    return rng.choice(negative_comments(language, response.prompt_version)), []


def _edit(response: RatedResponse, rng: random.Random) -> tuple[str, list[PiiValue]]:
    """The user's rewrite of the output: a correction, an addition, or a personal sign-off."""
    persona = response.user.persona
    topic = response.topic
    if response.feature == "email_draft":
        subject, greeting, body, closing = response.output.split("\n\n", 3)
        if not response.good:
            body = f"Thank you for reaching out. {topic.answer}"
        if rng.random() < 0.5:
            signoff = f"{EDIT_SIGNOFFS[response.user.language]},\n{persona.name.value}\n{persona.phone.value}"
            return "\n\n".join((subject, greeting, body, signoff)), [persona.name, persona.phone]
        return "\n\n".join((subject, greeting, body, topic.detail, closing)), []
    # Outside emails, the user keeps what a good reply says, dropping pleasantries or fixing a poor reply.
    rewrite = response.expected
    if rewrite == response.output:
        rewrite += " Hope this helps!"
    if rng.random() < _PII_EDIT_SHARE:
        return f"{rewrite}\n\nQuestions? Write to {persona.email.value}.", [persona.email]
    return rewrite, []


def thumb_value(good: bool, rng: random.Random) -> str:
    """Mostly up on good responses and mostly down on poor ones."""
    return "up" if rng.random() < (0.95 if good else 0.25) else "down"


def draft_feedback(response: RatedResponse, rng: random.Random, factory: PiiFactory) -> list[FeedbackDraft]:
    """Every signal the user sends about this response, in no particular order."""
    quality_index = 0 if response.good else 1
    drafts: list[FeedbackDraft] = []
    for signal, rates in SIGNAL_RATES.items():
        rate = rates[quality_index]
        if signal == "edit" and response.feature == "email_draft":
            rate = EMAIL_EDIT_RATES[quality_index]
        if response.engaged:
            rate = max(rate, ENGAGED_RATES.get(signal, rate))
        if response.regenerated and signal == "thumb":
            rate = max(rate, REGENERATED_THUMB_RATE)
        if rng.random() >= rate:
            continue
        low, high = _DELAY_MS.get(signal, (0, 0))
        delay = rng.randint(low, high)
        pii: list[PiiValue] = []
        value: str | int | float | None = None
        if signal == "thumb":
            value = thumb_value(response.good, rng)
        elif signal == "rating":
            ratings, weights = (
                (_GOOD_RATINGS, _GOOD_RATING_WEIGHTS)
                if response.good
                else (_POOR_RATINGS, _POOR_RATING_WEIGHTS)
            )
            value = rng.choices(ratings, weights=weights)[0]
        elif signal == "comment":
            value, pii = _comment(response, rng, factory)
        elif signal == "edit":
            value, pii = _edit(response, rng)
        elif signal == "dwell":
            value = round(rng.lognormvariate(math.log(25 if response.good else 9), 0.8), 1)
            delay = int(value * 1000) + rng.randint(200, 2_000)
        elif signal == "reformulate":
            value = f"{rng.choice(REPHRASE_PREFIXES)} {response.topic.asks[response.feature]}"
        drafts.append(FeedbackDraft(signal, value, delay, tuple(pii)))
    outcome = FEATURE_OUTCOMES.get(response.feature)
    if outcome is not None and rng.random() < outcome.measured:
        drafts.append(_outcome_draft(outcome, response.good, rng))
    return drafts


def _outcome_draft(outcome: MeasuredOutcome, good: bool, rng: random.Random) -> FeedbackDraft:
    quality_index = 0 if good else 1
    if outcome.succeeds is not None:
        measured: bool | float = rng.random() < outcome.succeeds[quality_index]
    else:
        measured = round(rng.lognormvariate(math.log(outcome.median_minutes[quality_index]), 0.7), 1)
    return FeedbackDraft(
        "outcome", {"name": outcome.name, "value": measured}, rng.randint(*_OUTCOME_DELAY_MS)
    )
