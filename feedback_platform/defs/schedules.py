"""Nightly runs: yesterday's landing day first, then everything downstream of it.

Both schedules tag their runs with the fingerprint of what they read and skip a tick whose job would only
repeat its last run (`feedback_platform.defs.unchanged_runs`).
"""

from datetime import timedelta

import dagster as dg

from feedback_platform.defs.job_names import (
    DATASETS_JOB,
    DATASETS_JOB_LAYERS,
    LANDING_DAY_JOB,
    LANDING_DAY_LAYERS,
)
from feedback_platform.defs.partitions import daily_landing_partitions
from feedback_platform.defs.unchanged_runs import (
    datasets_inputs,
    landing_day_inputs,
    request_unless_unchanged,
)
from feedback_platform.resources import LandingZone

landing_day_job = dg.define_asset_job(
    LANDING_DAY_JOB,
    selection=dg.AssetSelection.groups(*LANDING_DAY_LAYERS),
    partitions_def=daily_landing_partitions,
    description="Ingest and redact one landing day.",
)

datasets_job = dg.define_asset_job(
    DATASETS_JOB,
    selection=dg.AssetSelection.groups(*DATASETS_JOB_LAYERS),
    description="Rebuild the joined tables and marts, curate, publish new dataset versions, and analyse.",
)


@dg.schedule(job=landing_day_job, cron_schedule="0 2 * * *", execution_timezone="UTC")
def nightly_landing_day(
    context: dg.ScheduleEvaluationContext, landing: LandingZone
) -> dg.RunRequest | dg.SkipReason:
    """The landing day that ended at the last midnight (UTC)."""
    day = context.scheduled_execution_time.date() - timedelta(days=1)
    if not daily_landing_partitions.has_partition_key(str(day)):
        return dg.SkipReason(f"landing day {day} has no daily partition (FEEDBACK_PLATFORM_PARTITION_START)")
    job = context.repository_def.get_job(LANDING_DAY_JOB)
    inputs = landing_day_inputs(job, landing.path, [day])
    return request_unless_unchanged(context.instance, job, inputs, partition_key=str(day))


@dg.schedule(job=datasets_job, cron_schedule="0 3 * * *", execution_timezone="UTC")
def nightly_datasets(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    job = context.repository_def.get_job(DATASETS_JOB)
    return request_unless_unchanged(context.instance, job, datasets_inputs(job, context.instance))
