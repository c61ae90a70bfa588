"""Materialise the whole graph in-process: every landing day, then everything downstream.

Used by `feedback-platform materialize` (and so `make run`) and by the end-to-end tests, so both run
exactly the jobs the nightly schedules run.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import dagster as dg
import polars as pl
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from feedback_platform.definitions import build_definitions
from feedback_platform.lib import warehouse
from feedback_platform.lib.logs.validation import landing_dates
from feedback_platform.lib.monitoring.conversion import conversion_by_day
from feedback_platform.settings import PlatformSettings

QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
"""Step-by-step events stay in the instance (and the UI); the console shows warnings and failures."""


@dataclass(frozen=True)
class PublishedVersion:
    dataset: str
    """The dataset's name, as the CLI takes it (`sft`, not the asset `sft_dataset`)."""
    version: str
    rows: int
    new: bool


@dataclass(frozen=True)
class RunOutcome:
    job: str
    success: bool
    checks_passed: int
    failed_checks: list[str]
    warnings: list[str]
    """Failed checks of severity WARN: reported, but they do not fail the run."""
    failed_steps: list[str]
    published: list[PublishedVersion]


def materialize_everything(
    settings: PlatformSettings,
    instance: dg.DagsterInstance,
    on_job_start: Callable[[str], None] = lambda job: None,
) -> list[RunOutcome]:
    """Ingest and redact every landing day in one run, then join, curate and publish datasets."""
    days = landing_days(settings)
    range_tags = day_range_tags(days)
    defs = build_definitions(settings)
    on_job_start(f"landing_day_job: ingest and redact {len(days)} landing days ({days[0]} to {days[-1]})")
    outcomes = [_execute(defs, "landing_day_job", instance, range_tags)]
    if outcomes[0].success:
        on_job_start("datasets_job: join (dbt), curate and publish dataset versions")
        outcomes.append(_execute(defs, "datasets_job", instance, {}))
    return outcomes


def landing_days(settings: PlatformSettings) -> list[date]:
    """The landing days under the landing folder, oldest first; FileNotFoundError when there are none."""
    days = landing_dates(settings.landing_dir)
    if not days:
        raise FileNotFoundError(f"no landing days under {settings.landing_dir}: generate or copy logs first")
    return days


def day_range_tags(days: list[date]) -> dict[str, str]:
    """Run tags that make one run cover the partitions from the first to the last of `days`."""
    return {ASSET_PARTITION_RANGE_START_TAG: str(days[0]), ASSET_PARTITION_RANGE_END_TAG: str(days[-1])}


def _execute(
    defs: dg.Definitions, job_name: str, instance: dg.DagsterInstance, tags: dict[str, str]
) -> RunOutcome:
    result = defs.resolve_job_def(job_name).execute_in_process(
        run_config=QUIET_CONSOLE, instance=instance, tags=tags, raise_on_error=False
    )
    evaluations = result.get_asset_check_evaluations()
    failed = [evaluation for evaluation in evaluations if not evaluation.passed]
    failed_checks = sorted(
        _check_name(evaluation) for evaluation in failed if evaluation.severity != dg.AssetCheckSeverity.WARN
    )
    warnings = sorted(
        _check_name(evaluation) for evaluation in failed if evaluation.severity == dg.AssetCheckSeverity.WARN
    )
    failed_steps = [event.step_key for event in result.all_events if event.is_step_failure and event.step_key]
    return RunOutcome(
        job=job_name,
        success=result.success and not failed_checks,
        checks_passed=len(evaluations) - len(failed),
        failed_checks=failed_checks,
        warnings=warnings,
        failed_steps=failed_steps,
        published=_published_versions(result),
    )


def _check_name(evaluation: dg.AssetCheckEvaluation) -> str:
    return f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"


def _published_versions(result: dg.ExecuteInProcessResult) -> list[PublishedVersion]:
    """The dataset versions a run published, from the metadata the publishing assets attach."""
    published = []
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        metadata = {key: value.value for key, value in materialization.metadata.items()}
        if "new_version" in metadata:
            published.append(
                PublishedVersion(
                    dataset=metadata["dataset"],
                    version=metadata["version"],
                    rows=metadata["dagster/row_count"],
                    new=metadata["new_version"],
                )
            )
    return sorted(published, key=lambda version: version.dataset)


def table_row_counts(settings: PlatformSettings) -> pl.DataFrame:
    """Rows per table in the warehouse (views excluded)."""
    with warehouse.read_only_warehouse(settings.duckdb_path) as con:
        tables = [
            name for (name,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()
        ]
        counts = [(name, con.execute(f'select count(*) from "{name}"').fetchall()[0][0]) for name in tables]
    return pl.DataFrame(counts, schema={"table": pl.String, "rows": pl.Int64}, orient="row")


def feedback_conversion_by_day(settings: PlatformSettings) -> pl.DataFrame:
    """Per feedback day, the signals and the share that reached a dataset (empty before the first run)."""
    with warehouse.read_only_warehouse(settings.duckdb_path) as con:
        if not warehouse.table_exists(con, "daily_feedback_conversion"):
            return pl.DataFrame()
        return conversion_by_day(warehouse.read_table(con, "daily_feedback_conversion"))
