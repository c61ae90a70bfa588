"""Erasures asked for in the consent stream, carried out in the nightly that ingests the request.

Runs last in `landing_day_job`, after the day is ingested and redacted, so the day's own rows of the user
are erased with the earlier ones; the datasets job that follows builds on tables without them. Each `erase`
event is one erasure, the same as `feedback-platform erase` (docs/privacy.md), identified by the user and
the event's time: a re-run of the day finds it done. An erasure a crash interrupted is finished first, and
rows of users erased before that arrive on the day (created before their erasure: late data, or a file
delivered again) are erased again.
"""

from datetime import date
from pathlib import Path

import dagster as dg

from feedback_platform.defs.partitions import daily_landing_partitions, landing_backfill_policy
from feedback_platform.defs.unchanged_runs import own_landing_rewrites_recorded
from feedback_platform.lib.erasure.log import all_records
from feedback_platform.lib.erasure.places import ErasurePlaces
from feedback_platform.lib.erasure.requests import (
    LANDED_TABLES,
    consent_erase_requests,
    erased_subjects_with_rows,
)
from feedback_platform.lib.erasure.run import (
    CONSENT_EVENT,
    carry_out,
    late_rows_request,
    pending_erasures,
    subject_request,
)
from feedback_platform.resources import (
    DUCKDB_POOL,
    DatasetStore,
    ErasureLog,
    LandingZone,
    PiiRedaction,
    Warehouse,
)

CONSENT_ERASURE_REASON = "the user's erase consent event"


@dg.asset(
    partitions_def=daily_landing_partitions,
    backfill_policy=landing_backfill_policy,
    group_name="redact",
    pool=DUCKDB_POOL,
    deps=["raw_consent", "redaction_audit"],
    kinds={"duckdb"},
)
def consent_erasures(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    landing: LandingZone,
    dataset_store: DatasetStore,
    pii: PiiRedaction,
    erasure_log: ErasureLog,
) -> dg.MaterializeResult:
    """Erase the data of every user whose `erase` consent event landed on the day, and the day's rows of
    users erased before; finish erasures interrupted before. Metadata names the erasures by id only; their
    records are in the erasure log."""
    places = ErasurePlaces(
        duckdb_path=Path(warehouse.database),
        duckdb_memory_limit=str((warehouse.connection_config or {}).get("memory_limit", "80%")),
        landing_dir=landing.path,
        datasets_dir=dataset_store.path,
        redaction_cache=Path(pii.cache_path) if pii.cache_path else None,
        erasure_log=Path(erasure_log.log_dir),
    )
    days = [date.fromisoformat(key) for key in context.partition_keys]
    resumed = pending_erasures(places)
    with warehouse.connect() as con:
        requests = consent_erase_requests(con, days)
        late = erased_subjects_with_rows(con, all_records(places.erasure_log), landing_dates=days)
    records = [late_rows_request(places, earlier, f"{days[0]}..{days[-1]}") for earlier in late] + [
        subject_request(places, subject, CONSENT_ERASURE_REASON, CONSENT_EVENT, requested_at=requested_at)
        for subject, requested_at in requests
    ]
    with own_landing_rewrites_recorded(context, landing.path):
        carry_out(places, [*resumed, *records])
    return dg.MaterializeResult(
        metadata={
            "erasures": len(records),
            "erasure_ids": ", ".join(record.erasure_id for record in records) or "none",
            "interrupted_erasures_finished": len(resumed),
            "versions_withdrawn": sum(
                len(record.steps["datasets"]["versions_withdrawn"]) for record in records
            ),
        }
    )


@dg.asset_check(asset=consent_erasures, blocking=True, pool=DUCKDB_POOL)
def erased_users_have_no_rows_left(warehouse: Warehouse, erasure_log: ErasureLog) -> dg.AssetCheckResult:
    """Every erasure in the log is done, and no raw or redacted table holds a row of an erased user created
    before their erasure."""
    records = all_records(Path(erasure_log.log_dir))
    with warehouse.connect() as con:
        remaining = erased_subjects_with_rows(
            con, records, tables=[*LANDED_TABLES, "redacted_responses", "redacted_feedback"]
        )
    in_progress = [record.erasure_id for record in records if not record.done]
    return dg.AssetCheckResult(
        passed=not remaining and not in_progress,
        metadata={
            "erasures": len(records),
            "in_progress": ", ".join(in_progress) or "none",
            "erasures_with_rows_left": ", ".join(record.erasure_id for record in remaining) or "none",
        },
    )
