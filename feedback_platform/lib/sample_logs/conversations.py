"""One conversation: turns of user messages and model responses, each response with its feedback.

Follow-up responses carry the earlier turns in `messages`. A regenerate signal is usually followed by a
new response to the very same messages, and a reformulate signal becomes the user's next message.
"""

import dataclasses
import datetime
import random
from collections.abc import Mapping
from dataclasses import dataclass

from feedback_platform.lib.sample_logs.catalog import MODELS, PROMPT_VERSION_WEIGHTS, PROMPT_VERSIONS, quality
from feedback_platform.lib.sample_logs.catalog import system_prompt as build_system_prompt
from feedback_platform.lib.sample_logs.clock import format_timestamp
from feedback_platform.lib.sample_logs.config import DAY_MS
from feedback_platform.lib.sample_logs.feedback import (
    FeedbackDraft,
    RatedResponse,
    draft_feedback,
    thumb_value,
)
from feedback_platform.lib.sample_logs.ids import new_uuid
from feedback_platform.lib.sample_logs.knowledge_base import retrieve
from feedback_platform.lib.sample_logs.outputs import compose_output
from feedback_platform.lib.sample_logs.pii import PiiFactory, PiiValue
from feedback_platform.lib.sample_logs.questions import UserTurn, first_turn, follow_up_turn
from feedback_platform.lib.sample_logs.running_text import running_text, user_turn_length
from feedback_platform.lib.sample_logs.users import User
from feedback_platform.lib.sample_logs.world import TenantWorld

LAST_FOLLOW_UP_MS = DAY_MS - 15 * 60_000
"""Conversations stop before a day's last quarter hour, so that a response's feedback fits in its day."""
TURN_COUNTS, TURN_WEIGHTS = (1, 2, 3, 4), (0.55, 0.25, 0.12, 0.08)
REGENERATE_FOLLOWED = 0.75
MAX_REGENERATIONS = 2
THUMB_BEFORE_REGENERATE = 0.4


@dataclass(frozen=True)
class ServedResponse:
    """A response record, its time of day in ms, the planted PII it may contain and its feedback."""

    record: dict[str, object]
    ms: int
    pii: tuple[PiiValue, ...]
    feedback: tuple[FeedbackDraft, ...]
    user: User


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([name for name, _ in weighted], weights=[weight for _, weight in weighted])[0]


def _add_running_text(turn: UserTurn, user: User, realistic: bool, rng: random.Random) -> UserTurn:
    """In the realistic mode, the user's question followed by running text of their own (a reformulated
    turn is the reformulate signal's value and stays as it is)."""
    if not realistic:
        return turn
    return dataclasses.replace(
        turn, text=f"{turn.text} {running_text(user.language, user_turn_length(rng), rng)}"
    )


def serve_conversation(
    tenant_world: TenantWorld,
    user: User,
    *,
    day: datetime.date,
    start_ms: int,
    budget: int,
    engaged: bool,
    rng: random.Random,
    factory: PiiFactory,
    quality_drops: Mapping[str, float],
    realistic: bool = False,
) -> list[ServedResponse]:
    """At most `budget` responses of a conversation starting at `start_ms`; the first is always served.

    `quality_drops` lowers the chance of a good answer of the models it names (see ModelDegradation);
    `realistic` adds unique running text to every user turn and output (see `running_text`).
    """
    tenant = tenant_world.tenant
    feature = _pick(rng, tenant.features)
    model = MODELS[_pick(rng, tenant.models)]
    prompt_version = PROMPT_VERSIONS[_pick(rng, PROMPT_VERSION_WEIGHTS)]
    topics, cum_weights = tenant_world.topics_by_feature[feature]
    topic = rng.choices(topics, cum_weights=cum_weights)[0]
    other_topics = tuple(t for t in topics if t is not topic)
    good_chance = quality(model, prompt_version, feature, quality_drops.get(model.name, 0.0))
    conversation_id = new_uuid(rng)
    messages: list[dict[str, str]] = [
        {"role": "system", "content": build_system_prompt(tenant, feature, prompt_version)}
    ]
    conversation_pii: list[PiiValue] = []
    served: list[ServedResponse] = []
    turn = _add_running_text(first_turn(topic, feature, user, tenant, rng, factory), user, realistic, rng)
    request_ms = start_ms
    for _ in range(rng.choices(TURN_COUNTS, weights=TURN_WEIGHTS)[0]):
        messages.append({"role": "user", "content": turn.text})
        conversation_pii.extend(turn.pii)
        good = rng.random() < good_chance
        context, context_pii = retrieve(tenant_world.knowledge_base, topic, feature, good, rng)
        for attempt in range(MAX_REGENERATIONS + 1):
            output = compose_output(
                topic=topic,
                other_topics=other_topics,
                tenant=tenant,
                feature=feature,
                language=user.language,
                reply=turn.reply,
                good=good,
                conversation_pii=tuple(conversation_pii),
                rng=rng,
                realistic=realistic,
            )
            latency_ms = int(model.latency_median_ms * rng.lognormvariate(0, 0.35)) + len(output) // 4
            created_ms = request_ms + latency_ms
            if len(served) >= budget or (served and created_ms > LAST_FOLLOW_UP_MS):
                return served
            record: dict[str, object] = {
                "response_id": new_uuid(rng),
                "conversation_id": conversation_id,
                "tenant_id": tenant.tenant_id,
                "user_id": user.user_id,
                "created_at": format_timestamp(day, created_ms),
                "model": model.name,
                "model_version": model.version,
                "prompt_version": prompt_version.name,
                "feature": feature,
                "language": user.language,
                "messages": list(messages),
                "retrieved_context": context,
                "output": output,
                "latency_ms": latency_ms,
            }
            expected = topic.detail if turn.reply == "detail" else topic.answer
            rated = RatedResponse(
                topic, feature, output, expected, good, user, engaged, prompt_version.name, attempt > 0
            )
            drafts = tuple(draft_feedback(rated, rng, factory))
            regenerate = next((d for d in drafts if d.signal == "regenerate"), None)
            followed = (
                regenerate is not None and attempt < MAX_REGENERATIONS and rng.random() < REGENERATE_FOLLOWED
            )
            if (
                followed
                and rng.random() < THUMB_BEFORE_REGENERATE
                and all(d.signal != "thumb" for d in drafts)
            ):
                # A user who asks for another answer often votes the first one down (or up) on the way.
                delay = rng.randint(1_000, regenerate.delay_ms) if regenerate.delay_ms > 1_000 else 1_000
                drafts = (*drafts, FeedbackDraft("thumb", thumb_value(good, rng), delay))
            served.append(ServedResponse(record, created_ms, (*conversation_pii, *context_pii), drafts, user))
            if not followed or regenerate is None:
                break
            request_ms = created_ms + regenerate.delay_ms
            good = rng.random() < good_chance
        signals = {d.signal: d for d in drafts}
        if "abandon" in signals:
            break
        messages.append({"role": "assistant", "content": output})
        if "reformulate" in signals:
            turn = UserTurn(str(signals["reformulate"].value), (), "answer")
            request_ms = created_ms + signals["reformulate"].delay_ms
        else:
            turn = _add_running_text(follow_up_turn(topic, feature, user, good, rng), user, realistic, rng)
            request_ms = created_ms + rng.randint(15_000, 180_000)
    return served
