"""Everything fixed for a whole run: tenants with their users, topics and documents, and the consent plan."""

import random
from dataclasses import dataclass
from itertools import accumulate

from feedback_platform.lib.sample_logs.catalog import TENANTS, Tenant
from feedback_platform.lib.sample_logs.config import SampleLogConfig
from feedback_platform.lib.sample_logs.consent import ConsentPlan, plan_consent
from feedback_platform.lib.sample_logs.knowledge_base import KnowledgeBase, build_knowledge_base
from feedback_platform.lib.sample_logs.pii import PiiFactory
from feedback_platform.lib.sample_logs.topic import Topic
from feedback_platform.lib.sample_logs.topics import TOPICS_BY_TENANT
from feedback_platform.lib.sample_logs.users import UserPool, build_user_pool

RESPONSES_PER_USER = 5
"""About how many responses an average user gets over the run: sets the size of each user pool."""


@dataclass(frozen=True)
class TenantWorld:
    """One tenant with its users, documents and, per feature, its topics weighted by popularity."""

    tenant: Tenant
    users: UserPool
    knowledge_base: KnowledgeBase
    topics_by_feature: dict[str, tuple[tuple[Topic, ...], tuple[float, ...]]]


@dataclass(frozen=True)
class World:
    """The tenants (with cumulative traffic weights) and the consent plan of a run."""

    tenants: tuple[TenantWorld, ...]
    tenant_cum_weights: tuple[float, ...]
    consent: ConsentPlan


def _topics_by_feature(tenant: Tenant) -> dict[str, tuple[tuple[Topic, ...], tuple[float, ...]]]:
    # Popularity falls with a topic's position, like the head of an FAQ: the first questions recur most.
    result = {}
    for feature, _ in tenant.features:
        topics = tuple(t for t in TOPICS_BY_TENANT[tenant.tenant_id] if feature in t.asks)
        result[feature] = (topics, tuple(accumulate(1.0 / (rank + 1) ** 1.3 for rank in range(len(topics)))))
    return result


def build_world(config: SampleLogConfig) -> World:
    """The fixed part of a run, drawn from the seed alone (not from the day being generated)."""
    rng = random.Random(f"{config.seed}/world")
    factory = PiiFactory(rng)
    tenants = []
    for tenant in TENANTS:
        size = max(
            12, round(config.days * config.responses_per_day * tenant.traffic_share / RESPONSES_PER_USER)
        )
        tenants.append(
            TenantWorld(
                tenant=tenant,
                users=build_user_pool(tenant, size, rng, factory),
                knowledge_base=build_knowledge_base(tenant, TOPICS_BY_TENANT[tenant.tenant_id], factory, rng),
                topics_by_feature=_topics_by_feature(tenant),
            )
        )
    consent = plan_consent([tw.users.users for tw in tenants], config.days, rng)
    return World(
        tenants=tuple(tenants),
        tenant_cum_weights=tuple(accumulate(t.traffic_share for t in TENANTS)),
        consent=consent,
    )
