"""The end users of each tenant: a fixed pool per run, a few heavy users and a long tail."""

import random
from dataclasses import dataclass
from itertools import accumulate

from feedback_platform.lib.sample_logs.catalog import CLIENTS, Tenant
from feedback_platform.lib.sample_logs.ids import short_id
from feedback_platform.lib.sample_logs.pii import Persona, PiiFactory


@dataclass(frozen=True)
class User:
    """An end user of one tenant, with the language, client app and identity they always use."""

    user_id: str
    tenant_id: str
    language: str
    client: str
    persona: Persona


@dataclass(frozen=True)
class UserPool:
    """A tenant's users ordered by activity rank; `cum_weights` favour the first (Zipf-like)."""

    users: tuple[User, ...]
    cum_weights: tuple[float, ...]


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([name for name, _ in weighted], weights=[weight for _, weight in weighted])[0]


def build_user_pool(tenant: Tenant, size: int, rng: random.Random, factory: PiiFactory) -> UserPool:
    """`size` users of `tenant`, the most active first."""
    users = []
    for _ in range(size):
        language = _pick(rng, tenant.languages)
        users.append(
            User(
                user_id=short_id(rng, "u_"),
                tenant_id=tenant.tenant_id,
                language=language,
                client=_pick(rng, CLIENTS),
                persona=factory.persona(language),
            )
        )
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(size)]
    return UserPool(users=tuple(users), cum_weights=tuple(accumulate(weights)))
