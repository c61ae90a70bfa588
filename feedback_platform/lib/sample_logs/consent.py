"""Who opts out of training, opts back in or asks for erasure, and when: planned once for the whole run.

The users who opt out are drawn from the active half of each tenant and give more ratings and edits than
others (`engaged_user_ids`), so that leaving their data out of training sets is visible downstream. Erased
users are frequent users, erased in the second half of the run; they stop using the product from the day
of their erasure on.
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from feedback_platform.lib.sample_logs.config import DAY_MS
from feedback_platform.lib.sample_logs.users import User

OPT_OUT_SHARE = 0.05
OPT_BACK_IN_SHARE = 0.3
ERASE_SHARE = 0.01
EXPLICIT_OPT_IN_SHARE = 0.02


@dataclass(frozen=True)
class ConsentChange:
    """One consent event: `ms` is the time of day in milliseconds on day `day_index`."""

    user: User
    day_index: int
    ms: int
    action: str


@dataclass(frozen=True)
class ConsentPlan:
    """All consent events of the run, the users who opted out and the day each erased user left."""

    changes: tuple[ConsentChange, ...]
    engaged_user_ids: frozenset[str]
    erased_on: Mapping[str, int]


def _daytime_ms(rng: random.Random) -> int:
    return rng.randint(7 * 3_600_000, DAY_MS - 3 * 3_600_000)


def plan_consent(pools: Sequence[Sequence[User]], days: int, rng: random.Random) -> ConsentPlan:
    """Consent changes for the users of every tenant pool (each ordered by activity, most active first)."""
    changes: list[ConsentChange] = []
    engaged: set[str] = set()
    erased_on: dict[str, int] = {}
    first_change_day = 1 if days > 1 else 0
    for index, users in enumerate(pools):
        active = list(users[: max(2, len(users) // 2)])
        rng.shuffle(active)
        opt_outs = active[: max(1, round(OPT_OUT_SHARE * len(users)))]
        for user in opt_outs:
            out_day = rng.randint(first_change_day, days - 1)
            changes.append(ConsentChange(user, out_day, _daytime_ms(rng), "opt_out_training"))
            engaged.add(user.user_id)
            if out_day < days - 1 and rng.random() < OPT_BACK_IN_SHARE:
                in_day = rng.randint(out_day + 1, days - 1)
                changes.append(ConsentChange(user, in_day, _daytime_ms(rng), "opt_in_training"))
        # Erasures hit frequent users late in the run, so that there is data to erase; every run has one.
        frequent = [user for user in users[: max(3, len(users) // 10)] if user.user_id not in engaged]
        erase_count = round(ERASE_SHARE * len(users)) or (1 if index == 0 and days > 1 else 0)
        for user in rng.sample(frequent, min(erase_count, len(frequent))):
            erase_day = rng.randint(max(first_change_day, days // 2), days - 1)
            changes.append(ConsentChange(user, erase_day, _daytime_ms(rng), "erase"))
            erased_on[user.user_id] = erase_day
        for user in rng.sample(list(users), round(EXPLICIT_OPT_IN_SHARE * len(users))):
            if user.user_id not in engaged and user.user_id not in erased_on:
                changes.append(ConsentChange(user, rng.randrange(days), _daytime_ms(rng), "opt_in_training"))
    return ConsentPlan(changes=tuple(changes), engaged_user_ids=frozenset(engaged), erased_on=erased_on)
