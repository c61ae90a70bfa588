"""Raw-text retention, applied in every landing run after the day is redacted and erasures are done.

Each tenant's raw text older than its window (the tenants file's `raw_text_retention_days`, docs/privacy.md)
becomes its redaction in the raw tables and the landing files, quarantined lines past the shortest window
become tombstones, and the warehouse file is rewritten so the bytes go
(`feedback_platform.lib.retention.raw_text`). The asset changes tables other assets wrote (the raw tables
and `quarantined_rows`) in place, never their rows' ids, numbers or labels, so nothing downstream changes.
"""

from datetime import date
from pathlib import Path

import dagster as dg

from feedback_platform.defs.partitions import daily_landing_partitions, landing_backfill_policy
from feedback_platform.defs.unchanged_runs import own_landing_rewrites_recorded
from feedback_platform.lib.retention.raw_text import EXPIRIES_TABLE, expire_raw_text, raw_text_past_window
from feedback_platform.resources import DUCKDB_POOL, LandingZone, RawTextRetention, Warehouse


@dg.asset(
    partitions_def=daily_landing_partitions,
    backfill_policy=landing_backfill_policy,
    group_name="redact",
    pool=DUCKDB_POOL,
    deps=["consent_erasures", "redacted_responses", "redacted_feedback", "quarantined_rows"],
    kinds={"duckdb"},
)
def raw_text_retention(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    landing: LandingZone,
    raw_text_retention: RawTextRetention,
) -> dg.MaterializeResult:
    """Replace each tenant's raw text past its retention window by its redaction, and quarantined lines
    past the shortest window by tombstones, in the raw tables and the landing files; record each expired
    tenant and day in `raw_text_expiries`."""
    windows = raw_text_retention.windows()
    with own_landing_rewrites_recorded(context, landing.path):
        outcome = expire_raw_text(
            Path(warehouse.database),
            landing.path,
            windows,
            reingested_days=[date.fromisoformat(key) for key in context.partition_keys],
            memory_limit=(warehouse.connection_config or {}).get("memory_limit"),
        )
    return dg.MaterializeResult(
        metadata={
            "windows_days": ", ".join(
                f"{tenant}: {days}"
                for tenant, days in [("default", windows.default_days), *windows.tenant_days.items()]
            ),
            "newest_landing_day": str(outcome.newest_day),
            "tenant_days_expired": len(outcome.tenant_days_expired),
            **{f"{table}_rows_expired": rows for table, rows in outcome.rows_expired.items()},
            "quarantined_lines_expired": outcome.quarantined_lines_expired,
            "landing_lines_rewritten": outcome.landing_lines_rewritten,
            "landing_files_rewritten": outcome.landing_files_rewritten,
            "warehouse_file_rewritten": outcome.warehouse_rewritten,
            "expiries_table": EXPIRIES_TABLE,
        }
    )


@dg.asset_check(asset=raw_text_retention, blocking=True, pool=DUCKDB_POOL)
def no_raw_text_is_kept_past_its_window(
    warehouse: Warehouse, raw_text_retention: RawTextRetention
) -> dg.AssetCheckResult:
    """No tenant's landing day past its window keeps raw text: each is recorded as expired, its raw rows
    equal their redaction, no quarantined line past the shortest window is kept, and the warehouse file has
    been rewritten since."""
    with warehouse.connect() as con:
        found = raw_text_past_window(con, raw_text_retention.windows())
    return dg.AssetCheckResult(passed=not any(found.values()), metadata=found)
