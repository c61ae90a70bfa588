"""How feedback events reach the landing area: most arrive within seconds, a few a day late, a few twice.

A late event keeps its `created_at` on day D but lands in the folder of day D+1. A duplicate repeats the
same line (a client retry), usually minutes later in the same file and sometimes in the next day's file.
Neither happens on the last day, whose next day is not written.
"""

import random
from dataclasses import dataclass, field, replace

from feedback_platform.lib.sample_logs.config import DAY_MS
from feedback_platform.lib.sample_logs.lines import LogLine

LATE_SHARE = 0.02
DUPLICATE_SHARE = 0.01
DUPLICATE_NEXT_DAY_SHARE = 0.4


@dataclass
class Deliveries:
    """Feedback lines for today's file and for tomorrow's."""

    today: list[LogLine] = field(default_factory=list)
    tomorrow: list[LogLine] = field(default_factory=list)


def deliver(
    line: LogLine, created_ms: int, last_day: bool, rng: random.Random, deliveries: Deliveries
) -> None:
    """Decide when `line` (created at `created_ms` today) arrives, and whether it arrives twice."""
    arrival = min(DAY_MS - 1, created_ms + rng.randint(100, 5_000))
    if not last_day and rng.random() < LATE_SHARE:
        deliveries.tomorrow.append(
            replace(line, arrival_ms=rng.randint(0, 6 * 3_600_000), corruptible=False, late=True)
        )
        return
    if rng.random() >= DUPLICATE_SHARE:
        deliveries.today.append(replace(line, arrival_ms=arrival))
        return
    deliveries.today.append(replace(line, arrival_ms=arrival, corruptible=False))
    copy = replace(line, corruptible=False, duplicate=True)
    if not last_day and rng.random() < DUPLICATE_NEXT_DAY_SHARE:
        deliveries.tomorrow.append(replace(copy, arrival_ms=rng.randint(0, 3 * 3_600_000)))
    else:
        deliveries.today.append(
            replace(copy, arrival_ms=min(DAY_MS - 1, arrival + rng.randint(1_000, 300_000)))
        )
