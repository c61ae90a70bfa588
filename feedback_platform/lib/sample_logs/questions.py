"""What users type: first questions (common, varied or with personal data) and follow-ups.

About half of first questions are a topic's canonical request verbatim. These common questions carry no
PII and recur across users and days, so the same prompt gets several outputs and several votes.
"""

import random
from dataclasses import dataclass

from feedback_platform.lib.sample_logs.catalog import Tenant
from feedback_platform.lib.sample_logs.phrasing import (
    COMMON_GREETING,
    EMAIL_REVISION_REQUESTS,
    FOLLOW_UPS_AFTER_POOR,
    PII_SENTENCES,
    QUESTION_PREFIXES,
    QUESTION_SUFFIXES,
)
from feedback_platform.lib.sample_logs.pii import PiiFactory, PiiValue
from feedback_platform.lib.sample_logs.topic import Topic
from feedback_platform.lib.sample_logs.users import User

COMMON_SHARE = 0.6
VARIED_SHARE = 0.27
FOLLOW_UP_PII_SHARE = 0.12


@dataclass(frozen=True)
class UserTurn:
    """A user message, its PII, and what a good reply covers: `answer`, `detail` or `email:<style>`."""

    text: str
    pii: tuple[PiiValue, ...]
    reply: str


def _customer_details(ask: str, kind: str, user: User, factory: PiiFactory) -> tuple[str, list[PiiValue]]:
    """An email-draft request: the support agent pastes the customer's details into it."""
    persona = user.persona
    if kind == "phone":
        return f"{ask} The customer is {persona.name.value}, phone {persona.phone.value}.", [
            persona.name,
            persona.phone,
        ]
    if kind == "address":
        return f"{ask} Their address is {persona.address.value}.", [persona.address]
    if kind == "card":
        card = factory.card()
        return f"{ask} They paid with the card {card.value}.", [card]
    return f"{ask} The customer is {persona.name.value}, {persona.email.value}.", [
        persona.name,
        persona.email,
    ]


def _with_pii(
    ask: str, feature: str, kind: str, user: User, factory: PiiFactory
) -> tuple[str, list[PiiValue]]:
    """The question with personal data of `kind` shared in the user's language; a national id where the
    locale has none is an address instead."""
    persona = user.persona
    if feature == "email_draft":
        return _customer_details(ask, kind, user, factory)
    sentences = PII_SENTENCES[user.language]
    if kind == "national_id":
        number = factory.national_id(user.language)
        if number is not None and "national_id" in sentences:
            return f"{ask} {sentences['national_id'].format(national_id=number.value)}", [number]
        kind = "address"
    if kind == "name_email":
        intro = sentences["intro"].format(name=persona.name.value, email=persona.email.value)
        return f"{intro} {ask}", [persona.name, persona.email]
    if kind == "phone":
        return f"{ask} {sentences['phone'].format(phone=persona.phone.value)}", [persona.phone]
    if kind == "address":
        return f"{ask} {sentences['address'].format(address=persona.address.value)}", [persona.address]
    if kind == "card":
        card = factory.card()
        return f"{ask} {sentences['card'].format(card=card.value)}", [card]
    key = factory.api_key()
    if feature == "code_assist":
        return f'{ask} This is my code:\n\nclient = Client(api_key="{key.value}")', [key]
    return f"{ask} My key is {key.value} in case you need it.", [key]


def first_turn(
    topic: Topic, feature: str, user: User, tenant: Tenant, rng: random.Random, factory: PiiFactory
) -> UserTurn:
    """The opening message of a conversation about `topic`."""
    ask = topic.asks[feature]
    language = user.language
    draw = rng.random()
    if draw < COMMON_SHARE:
        return UserTurn(COMMON_GREETING[language] + ask, (), "answer")
    if draw < COMMON_SHARE + VARIED_SHARE:
        parts = (rng.choice(QUESTION_PREFIXES[language]), ask, rng.choice(QUESTION_SUFFIXES[language]))
        return UserTurn(" ".join(part for part in parts if part), (), "answer")
    text, pii = _with_pii(ask, feature, rng.choice(tenant.user_pii_kinds), user, factory)
    return UserTurn(text, tuple(pii), "answer")


def follow_up_turn(
    topic: Topic, feature: str, user: User, previous_good: bool, rng: random.Random
) -> UserTurn:
    """The next message after a reply: a revision request, a complaint or a natural follow-up question."""
    if feature == "email_draft":
        request, style = rng.choice(EMAIL_REVISION_REQUESTS)
        return UserTurn(request, (), f"email:{style}")
    if not previous_good:
        return UserTurn(f"{rng.choice(FOLLOW_UPS_AFTER_POOR)} {topic.asks[feature]}", (), "answer")
    if rng.random() < FOLLOW_UP_PII_SHARE:
        contact = rng.choice((user.persona.phone, user.persona.email))
        return UserTurn(f"{topic.follow_up} You can reach me at {contact.value}.", (contact,), "detail")
    return UserTurn(topic.follow_up, (), "detail")
