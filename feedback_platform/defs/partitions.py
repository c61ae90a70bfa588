"""The daily partitions of the ingest and redact layers: one per landing day."""

import dagster as dg

LANDING_START_DATE = "2026-01-01"

daily_landing_partitions = dg.DailyPartitionsDefinition(start_date=LANDING_START_DATE)
"""A partition is the day folder a log line *arrived* in, so late events are ingested, not lost."""
