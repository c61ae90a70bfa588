"""Materialise the whole graph in-process: every landing day, then everything downstream.

Used by `feedback-platform materialize` (and so `make run`) and by the end-to-end tests, so both run
exactly the jobs the nightly schedules run.
"""

from dataclasses import dataclass

import dagster as dg
import duckdb
import polars as pl
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from feedback_platform.definitions import build_definitions
from feedback_platform.lib.log_validation import landing_dates
from feedback_platform.resources import PlatformSettings


@dataclass(frozen=True)
class RunOutcome:
    job: str
    success: bool
    failed_checks: list[str]
    failed_steps: list[str]


def materialize_everything(settings: PlatformSettings, instance: dg.DagsterInstance) -> list[RunOutcome]:
    """Ingest and redact every landing day in one run, then join, curate and publish datasets."""
    days = landing_dates(settings.landing_dir)
    if not days:
        raise FileNotFoundError(f"no landing days under {settings.landing_dir}: generate or copy logs first")
    defs = build_definitions(settings)
    range_tags = {ASSET_PARTITION_RANGE_START_TAG: str(days[0]), ASSET_PARTITION_RANGE_END_TAG: str(days[-1])}
    outcomes = [_execute(defs, "landing_day_job", instance, range_tags)]
    if outcomes[0].success:
        outcomes.append(_execute(defs, "datasets_job", instance, {}))
    return outcomes


def _execute(
    defs: dg.Definitions, job_name: str, instance: dg.DagsterInstance, tags: dict[str, str]
) -> RunOutcome:
    result = defs.resolve_job_def(job_name).execute_in_process(
        instance=instance, tags=tags, raise_on_error=False
    )
    failed_checks = sorted(
        f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
    )
    failed_steps = [event.step_key for event in result.all_events if event.is_step_failure and event.step_key]
    return RunOutcome(job_name, result.success and not failed_checks, failed_checks, failed_steps)


def table_row_counts(settings: PlatformSettings) -> pl.DataFrame:
    """Rows per table in the warehouse (views excluded)."""
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        tables = [
            name for (name,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()
        ]
        counts = [(name, con.execute(f'select count(*) from "{name}"').fetchall()[0][0]) for name in tables]
    return pl.DataFrame(counts, schema={"table": pl.String, "rows": pl.Int64}, orient="row")
