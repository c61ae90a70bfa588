"""Model outputs: a good reply states the topic's answer, a poor one is wrong, vague, off-topic or cut off."""

import random

from feedback_platform.lib.sample_logs.catalog import Tenant
from feedback_platform.lib.sample_logs.phrasing import (
    ANSWER_CLOSERS,
    ANSWER_OPENERS,
    EMAIL_CLOSINGS,
    EMAIL_GREETINGS,
    VAGUE_ANSWERS,
)
from feedback_platform.lib.sample_logs.pii import PERSON, PiiValue
from feedback_platform.lib.sample_logs.running_text import output_length, running_text
from feedback_platform.lib.sample_logs.topic import Topic


def _poor_core(topic: Topic, other_topics: tuple[Topic, ...], rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.4:
        return topic.wrong
    if draw < 0.65:
        return rng.choice(VAGUE_ANSWERS)
    if draw < 0.85 and other_topics:
        return rng.choice(other_topics).answer
    words = topic.answer.split(" ")
    return " ".join(words[: max(3, len(words) // 3)]) + " ..."


def _email(
    topic: Topic, tenant: Tenant, language: str, body: str, style: str, recipient: PiiValue | None
) -> str:
    greeting = EMAIL_GREETINGS[language] + (f" {recipient.value}" if recipient else "")
    if style == "short":
        body = body.split(". ")[0].rstrip(".") + "."
    elif style == "formal":
        body = f"Thank you for contacting {tenant.display_name}. {body}"
    elif style == "apology":
        body = f"We are very sorry for the trouble this has caused. {body}"
    else:
        body = f"Thank you for reaching out. {body}"
    closing = f"{EMAIL_CLOSINGS[language]},\nThe {tenant.display_name} team"
    return f"Subject: {topic.label}\n\n{greeting},\n\n{body}\n\n{closing}"


def compose_output(
    *,
    topic: Topic,
    other_topics: tuple[Topic, ...],
    tenant: Tenant,
    feature: str,
    language: str,
    reply: str,
    good: bool,
    conversation_pii: tuple[PiiValue, ...],
    rng: random.Random,
    realistic: bool = False,
) -> str:
    """The text a model returns for a request whose good reply covers `reply` (see `UserTurn.reply`);
    `realistic` adds unique running text up to a realistic output length."""
    core = topic.detail if reply == "detail" else topic.answer
    if not good:
        core = _poor_core(topic, other_topics, rng)
    if realistic:
        core = f"{core} {running_text(language, output_length(rng) - len(core.split()), rng)}"
    if feature == "email_draft":
        style = reply.removeprefix("email:") if reply.startswith("email:") else "plain"
        recipient = next((value for value in conversation_pii if value.entity_type == PERSON), None)
        return _email(topic, tenant, language, core, style, recipient)
    if feature == "search_answer" and good:
        return f"{core} (Source: {topic.doc_title})"
    parts = (rng.choice(ANSWER_OPENERS[language]), core, rng.choice(ANSWER_CLOSERS[language]))
    return " ".join(part for part in parts if part)
