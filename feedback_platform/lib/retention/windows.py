"""How many landing days each tenant's raw text is kept, and the oldest landing day that keeps it.

Age is counted in landing days back from the newest landing day the warehouse holds, not from the wall
clock: a re-run of the same days gives the same tables (the nightly's unchanged-run test relies on it),
and a test or a backfill of old logs behaves the same on any date. The cost is that a pipeline that
stops ingesting stops ageing its text until the next day lands.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class RetentionWindows:
    default_days: int | None
    """The window of a tenant that sets none; None keeps raw text for ever."""
    tenant_days: Mapping[str, int] = field(default_factory=dict)

    def days_for(self, tenant_id: str | None) -> int | None:
        """The window of `tenant_id`; for a line whose tenant is unknown (None), the shortest window of any
        tenant: a broken line might belong to the strictest one."""
        if tenant_id is None:
            return self.shortest()
        return self.tenant_days.get(tenant_id, self.default_days)

    def shortest(self) -> int | None:
        windows = [days for days in [self.default_days, *self.tenant_days.values()] if days is not None]
        return min(windows, default=None)

    def oldest_kept_day(self, tenant_id: str | None, newest_day: date) -> date | None:
        """The oldest landing day whose raw text `tenant_id` still keeps when `newest_day` is the newest; None
        when it keeps every day. A window of N days keeps the newest day and the N - 1 before it."""
        days = self.days_for(tenant_id)
        return None if days is None else newest_day - timedelta(days=days - 1)
