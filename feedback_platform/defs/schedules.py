"""Nightly runs: yesterday's landing day first, then everything downstream of it."""

import dagster as dg

from feedback_platform.defs.job_names import DATASETS_JOB, LANDING_DAY_JOB
from feedback_platform.defs.partitions import daily_landing_partitions

landing_day_job = dg.define_asset_job(
    LANDING_DAY_JOB,
    selection=dg.AssetSelection.groups("ingest", "redact"),
    partitions_def=daily_landing_partitions,
    description="Ingest and redact one landing day.",
)

datasets_job = dg.define_asset_job(
    DATASETS_JOB,
    selection=dg.AssetSelection.groups("join", "curate", "datasets"),
    description="Rebuild the joined tables and marts, curate, and publish new dataset versions.",
)

nightly_landing_day = dg.build_schedule_from_partitioned_job(
    landing_day_job, name="nightly_landing_day", hour_of_day=2
)

nightly_datasets = dg.ScheduleDefinition(
    name="nightly_datasets", job=datasets_job, cron_schedule="0 3 * * *", execution_timezone="UTC"
)
