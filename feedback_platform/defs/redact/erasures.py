"""Erasures asked for in the consent stream, carried out in the nightly that ingests the request.

Runs last in `landing_day_job`, after the day is ingested and redacted, so the day's own rows of the user
are erased with the earlier ones; the datasets job that follows builds on tables without them. Each `erase`
event is one erasure, the same as `feedback-platform erase` (docs/privacy.md), identified by the user and
the event's time: a re-run of the day finds it done. An erasure a crash interrupted is finished first, and
rows of users erased before that arrive on the day (created before their erasure: late data, or a file
delivered again) are erased again.

With a batch window (`FEEDBACK_PLATFORM_ERASURE_BATCH_DAYS`, default 0: none) the requests wait in the log
and are carried out together on the night the oldest is that many landing days old: removing bytes rewrites
every landing file of every day an erased user wrote on and the whole DuckDB file, a cost that follows
history, not the new day. While they wait, the erase event already keeps the users out of every new dataset
version (their consent is withdrawn); their rows stay in the warehouse, the landing files and the versions
published before (docs/privacy.md).
"""

from datetime import date
from pathlib import Path

import dagster as dg

from feedback_platform.defs.partitions import daily_landing_partitions, landing_backfill_policy
from feedback_platform.defs.unchanged_runs import own_landing_rewrites_recorded
from feedback_platform.lib.erasure.log import IN_PROGRESS, WAITING, all_records
from feedback_platform.lib.erasure.places import ErasurePlaces
from feedback_platform.lib.erasure.requests import (
    LANDED_TABLES,
    consent_erase_requests,
    erased_subjects_with_rows,
)
from feedback_platform.lib.erasure.run import (
    CONSENT_EVENT,
    batch_is_due,
    carry_out,
    late_rows_request,
    subject_request,
    wait_for_batch,
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
    # The run's redaction is over (this asset follows it through redaction_audit): the workers' memory
    # goes to DuckDB, which the erasures' and the retention's rewrites of the warehouse fill to its limit.
    pii.stop_workers()
    days = [date.fromisoformat(key) for key in context.partition_keys]
    logged = all_records(places.erasure_log)
    earlier = [record for record in logged if not record.done]  # waiting, or left half-done by a crash
    with warehouse.connect() as con:
        requests = consent_erase_requests(con, days)
        late = erased_subjects_with_rows(
            con, [record for record in logged if record.done], landing_dates=days
        )
    records = [late_rows_request(places, erased, f"{days[0]}..{days[-1]}") for erased in late] + [
        subject_request(places, subject, CONSENT_ERASURE_REASON, CONSENT_EVENT, requested_at=requested_at)
        for subject, requested_at in requests
    ]
    batch = list({record.erasure_id: record for record in [*earlier, *records]}.values())
    due = batch_is_due(batch, days[-1], erasure_log.batch_days)
    if due:
        with own_landing_rewrites_recorded(context, landing.path):
            carry_out(places, batch)
    else:
        wait_for_batch(places, records)  # `earlier` ones are in the log already
    return dg.MaterializeResult(
        metadata={
            "erasures": len(records),
            "erasure_ids": ", ".join(record.erasure_id for record in records) or "none",
            "carried_out": len(batch) if due else 0,
            "waiting_for_their_batch": 0 if due else len(batch),
            "versions_withdrawn": sum(
                len(record.steps.get("datasets", {}).get("versions_withdrawn", [])) for record in records
            ),
        }
    )


@dg.asset_check(asset=consent_erasures, blocking=True, pool=DUCKDB_POOL)
def erased_users_have_no_rows_left(warehouse: Warehouse, erasure_log: ErasureLog) -> dg.AssetCheckResult:
    """No erasure was left half-done, and no raw or redacted table holds a row of a user erased (done)
    created before their erasure. Erasures waiting for their batch are counted, not judged."""
    records = all_records(Path(erasure_log.log_dir))
    done = [record for record in records if record.done]
    with warehouse.connect() as con:
        remaining = erased_subjects_with_rows(
            con, done, tables=[*LANDED_TABLES, "redacted_responses", "redacted_feedback"]
        )
    in_progress = [record.erasure_id for record in records if record.status == IN_PROGRESS]
    waiting = [record for record in records if record.status == WAITING]
    return dg.AssetCheckResult(
        passed=not remaining and not in_progress,
        metadata={
            "erasures": len(records),
            "in_progress": ", ".join(in_progress) or "none",
            "waiting_for_their_batch": len(waiting),
            "oldest_waiting_request": min((record.requested_at for record in waiting), default="none"),
            "erasures_with_rows_left": ", ".join(record.erasure_id for record in remaining) or "none",
        },
    )
