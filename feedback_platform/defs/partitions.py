"""The daily partitions of the ingest and redact layers: one per landing day.

They start at the settings' first partition day (`FEEDBACK_PLATFORM_PARTITION_START`, default the
earliest landing day), read when the code location loads, which is when Dagster imports this folder.
"""

import dagster as dg

from feedback_platform.settings import PlatformSettings

daily_landing_partitions = dg.DailyPartitionsDefinition(
    start_date=PlatformSettings.from_environment().first_partition_day().isoformat()
)
"""A partition is the day folder a log line *arrived* in, so late events are ingested, not lost."""

landing_backfill_policy = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)
"""A backfill launched from the UI runs each landing day as a run of its own: a run loads all its days'
rows at once, so one run over a month would need a month's frames in memory. `feedback-platform
materialize` groups small days into one run instead (`local/materialize.py`, `landing_runs`)."""
