"""One day of product traffic: conversations until the day's response budget is spent, their feedback,
and the consent changes planned for the day."""

import random
from collections.abc import Iterator
from dataclasses import dataclass

from feedback_platform.lib.sample_logs.clock import format_timestamp
from feedback_platform.lib.sample_logs.config import DAY_MS, SampleLogConfig
from feedback_platform.lib.sample_logs.conversations import ServedResponse, serve_conversation
from feedback_platform.lib.sample_logs.delivery import Deliveries, deliver
from feedback_platform.lib.sample_logs.ids import new_uuid
from feedback_platform.lib.sample_logs.lines import LogLine
from feedback_platform.lib.sample_logs.pii import PiiFactory
from feedback_platform.lib.sample_logs.users import User
from feedback_platform.lib.sample_logs.world import TenantWorld, World

HOURLY_TRAFFIC = (1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 9, 9, 8, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1)
"""Relative number of conversations starting in each UTC hour."""
LATEST_START_MS = DAY_MS - 20 * 60_000
VALUELESS_SIGNALS_SEND_NULL = ("web", "slack")
"""Clients that write `"value": null` for copy, regenerate and abandon; the mobile apps leave `value` out."""


@dataclass(frozen=True)
class DayLines:
    """Lines landing in today's folders, per stream, and feedback lines landing tomorrow."""

    today: dict[str, list[LogLine]]
    tomorrow_feedback: list[LogLine]


def _pick_user(tenant_world: TenantWorld, world: World, day_index: int, rng: random.Random) -> User:
    pool = tenant_world.users
    for _ in range(50):
        user = rng.choices(pool.users, cum_weights=pool.cum_weights)[0]
        erased_day = world.consent.erased_on.get(user.user_id)
        if erased_day is None or day_index < erased_day:
            return user
    return next(u for u in pool.users if u.user_id not in world.consent.erased_on)


def _start_ms(rng: random.Random) -> int:
    hour = rng.choices(range(24), weights=HOURLY_TRAFFIC)[0]
    return min(LATEST_START_MS, hour * 3_600_000 + rng.randrange(3_600_000))


def _feedback_lines(
    served: ServedResponse, config: SampleLogConfig, day_index: int, rng: random.Random, seq: Iterator[int]
) -> Iterator[tuple[LogLine, int]]:
    record = served.record
    for draft in served.feedback:
        created_ms = served.ms + draft.delay_ms
        if created_ms >= DAY_MS:
            created_ms = rng.randint(served.ms + 1, DAY_MS - 1)
        event: dict[str, object] = {
            "event_id": new_uuid(rng),
            "response_id": record["response_id"],
            "tenant_id": record["tenant_id"],
            "user_id": record["user_id"],
            "created_at": format_timestamp(config.day(day_index), created_ms),
            "signal": draft.signal,
        }
        if draft.value is not None or served.user.client in VALUELESS_SIGNALS_SEND_NULL:
            event["value"] = draft.value
        event["client"] = served.user.client
        yield LogLine(event, created_ms, next(seq), pii=draft.pii), created_ms


def simulate_day(
    world: World,
    config: SampleLogConfig,
    day_index: int,
    rng: random.Random,
    factory: PiiFactory,
    seq: Iterator[int],
) -> DayLines:
    """All lines produced on day `day_index`: exactly `config.responses_per_day` responses."""
    day = config.day(day_index)
    last_day = day_index == config.days - 1
    responses: list[LogLine] = []
    deliveries = Deliveries()
    quality_drops = config.quality_drops(day_index)
    while len(responses) < config.responses_per_day:
        tenant_world = rng.choices(world.tenants, cum_weights=world.tenant_cum_weights)[0]
        user = _pick_user(tenant_world, world, day_index, rng)
        conversation = serve_conversation(
            tenant_world,
            user,
            day=day,
            start_ms=_start_ms(rng),
            budget=config.responses_per_day - len(responses),
            engaged=user.user_id in world.consent.engaged_user_ids,
            rng=rng,
            factory=factory,
            quality_drops=quality_drops,
            realistic=config.realistic_text,
        )
        for served in conversation:
            arrival = min(DAY_MS - 1, served.ms + rng.randint(50, 2_000))
            responses.append(
                LogLine(served.record, arrival, next(seq), pii=served.pii, corruptible=not served.feedback)
            )
            for line, created_ms in _feedback_lines(served, config, day_index, rng, seq):
                deliver(line, created_ms, last_day, rng, deliveries)
    consent = [
        LogLine(
            {
                "user_id": change.user.user_id,
                "tenant_id": change.user.tenant_id,
                "created_at": format_timestamp(day, change.ms),
                "action": change.action,
            },
            min(DAY_MS - 1, change.ms + rng.randint(100, 5_000)),
            next(seq),
        )
        for change in world.consent.changes
        if change.day_index == day_index
    ]
    return DayLines(
        today={"responses": responses, "feedback": deliveries.today, "consent": consent},
        tomorrow_feedback=deliveries.tomorrow,
    )
