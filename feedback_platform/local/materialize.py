"""Materialise landing days on the local instance: ingest and redact them, then everything downstream.

Used by `feedback-platform materialize` (and so `make run`) and by the end-to-end tests, so both run
exactly the jobs the nightly schedules run: `landing_day_job` for the chosen days (one partition as the
schedule runs it; a range as consecutive groups of days, each group one run over its partition range, so a
backfill's memory follows its largest group), then `datasets_job`.

A backfill of several landing runs executes each in a process of its own, as the daemon launches runs: an
in-process run leaves memory behind in this process (Dagster keeps the step context of the first run it
checked an asset in, step outputs included, and the allocators of Polars and DuckDB keep what they freed),
which grew by 0.3-0.7 GB a run, to 2.6-3.2 GB over ten 3-day runs of 20,000 responses a day. A run in its
own process returns all of it, at a price in time: 6-9 s between runs for its imports and definitions
(71 s of a 12-minute, ten-run backfill of 29 days of 20,000 responses), and a few seconds in its steps for
loading the PII engine and Great Expectations again. The datasets job that follows runs in this process,
which is then about the size it started at (0.4 GB).
"""

import multiprocessing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from multiprocessing.connection import Connection

import dagster as dg
import polars as pl
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)
from dagster._utils.error import SerializableErrorInfo

from feedback_platform.definitions import build_definitions
from feedback_platform.defs.job_names import DATASETS_JOB, LANDING_DAY_JOB
from feedback_platform.defs.unchanged_runs import (
    UNPARTITIONED,
    JobInputs,
    datasets_inputs,
    inputs_tags,
    landing_day_inputs,
    unchanged_since,
)
from feedback_platform.lib import warehouse
from feedback_platform.lib.batching import consecutive_groups
from feedback_platform.lib.logs.landing import landing_day_bytes
from feedback_platform.lib.logs.validation import landing_dates
from feedback_platform.lib.monitoring.conversion import conversion_by_day
from feedback_platform.local.recovery import recover_dead_runs, this_process_tag
from feedback_platform.settings import PARTITION_START_VARIABLE, PlatformSettings

QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
"""Step-by-step events stay in the instance (and the UI); the console shows warnings and failures."""
WITH_PROGRESS = {"loggers": {**QUIET_CONSOLE["loggers"], "progress": {"config": {"enabled": True}}}}
"""As quiet, plus a line per finished asset step on stderr (`feedback_platform.run_progress`)."""


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
    unchanged_since: str | None = None
    """Set when the job was skipped: the run that already produced its assets from the same inputs."""
    problems: list[str] = field(default_factory=list)
    """Why it failed, one line per failed check or step: the check's own account (which stream, day, file
    and line, masked values) or the step's error."""
    rerun: str | None = None
    """The command that runs the same days again, once the cause is mended."""

    @classmethod
    def skipped(cls, job: str, unchanged_since: str) -> "RunOutcome":
        return cls(job, True, 0, [], [], [], [], unchanged_since)


def materialize_days(
    settings: PlatformSettings,
    instance: dg.DagsterInstance,
    days: list[date] | None = None,
    on_job_start: Callable[[str], None] = lambda job: None,
    progress: bool = False,
    force: bool = False,
) -> list[RunOutcome]:
    """Ingest and redact `days` (default: every landing day), in runs of consecutive days up to the
    settings' `max_landing_mib_per_run` of logs each, then join, curate and publish once they all succeeded
    (a failed run stops the rest: the same command re-runs it, skipping the runs before it). With more
    than one landing run and a persistent instance, each landing run executes in a process of its own.

    Runs a killed process left in progress are reported failed and their concurrency slots freed first
    (`feedback_platform.local.recovery`). A job whose last run already read the same inputs with the
    same code and configuration is skipped (`feedback_platform.defs.unchanged_runs`), unless `force`.
    With `progress`, each finished asset step prints a line (rows, days, rows/s) on stderr.
    Raises ValueError naming the setting when a day lies outside the daily partitions."""
    days = days or landing_days(settings)
    defs = build_definitions(settings)
    for recovered in recover_dead_runs(instance):
        on_job_start(recovered.describe())
    launch = _Launch(instance, WITH_PROGRESS if progress else QUIET_CONSOLE, force, on_job_start)
    outcomes = _land(settings, defs, launch, days)
    if all(outcome.success for outcome in outcomes):
        datasets_job = defs.resolve_job_def(DATASETS_JOB)
        outcomes.append(
            launch.run(
                datasets_job,
                "join (dbt), curate and publish dataset versions",
                datasets_inputs(datasets_job, instance),
                {},
            )
        )
    return outcomes


def land_days(settings: PlatformSettings, instance: dg.DagsterInstance, days: list[date]) -> list[RunOutcome]:
    """The landing runs of `materialize_days` alone: `days` ingested and redacted as the nightly does, the
    layers after them left as they were (as before a run of some of those, picked in the UI)."""
    launch = _Launch(instance, QUIET_CONSOLE, force=False, announce=lambda job: None)
    return _land(settings, build_definitions(settings), launch, days)


def _land(
    settings: PlatformSettings, defs: dg.Definitions, launch: "_Launch", days: list[date]
) -> list[RunOutcome]:
    """Run `landing_day_job` over `days` in runs of consecutive days (`landing_runs`), stopping at the first
    that fails; its outcomes."""
    landing_job = defs.resolve_job_def(LANDING_DAY_JOB)
    check_days_partitioned(days, landing_job.partitions_def)
    day_bytes = {day: landing_day_bytes(settings.landing_dir, day) for day in days}
    runs = landing_runs(days, day_bytes, settings.max_landing_mib_per_run * 2**20)
    # An ephemeral instance lives in this process's memory only: a run in another process could not record
    # in it.
    own_process = len(runs) > 1 and not launch.instance.is_ephemeral
    launch_landing = replace(launch, own_process=settings) if own_process else launch
    outcomes: list[RunOutcome] = []
    for run_days in runs:
        outcomes.append(
            launch_landing.run(
                landing_job,
                f"ingest and redact {_span(run_days)}",
                landing_day_inputs(landing_job, settings.landing_dir, run_days),
                partition_tags(run_days),
            )
        )
        if not outcomes[-1].success:
            break
    return outcomes


def landing_runs(days: list[date], day_bytes: Mapping[date, int], max_bytes: int) -> list[list[date]]:
    """`days`, in order, grouped into runs of consecutive days whose logs total at most `max_bytes`; a day
    larger than that runs alone. A run loads all its days' rows at once, so a backfill's peak memory follows
    its largest run, not its length; small days still share a run and its fixed cost."""
    return consecutive_groups(days, [day_bytes[day] for day in days], max_bytes)


def _span(days: list[date]) -> str:
    return str(days[0]) if len(days) == 1 else f"{len(days)} landing days ({days[0]} to {days[-1]})"


@dataclass(frozen=True)
class _Launch:
    """How `materialize_days` launches each job: on which instance, with which loggers, whether a job
    with unchanged inputs runs anyway, and whether it runs in a process of its own (given the settings to
    build the definitions there) or in this one."""

    instance: dg.DagsterInstance
    run_config: dict[str, object]
    force: bool
    announce: Callable[[str], None]
    own_process: PlatformSettings | None = None

    def run(self, job: dg.JobDefinition, purpose: str, inputs: JobInputs, tags: dict[str, str]) -> RunOutcome:
        previous = None if self.force else unchanged_since(self.instance, job, inputs)
        if previous is not None:
            self.announce(
                f"{job.name}: skipped, unchanged since run {previous[:8]} (same inputs, code and config)"
            )
            return RunOutcome.skipped(job.name, previous)
        self.announce(f"{job.name}: {purpose}")
        outcome = self._execute(job, tags | inputs_tags(inputs))
        return outcome if outcome.success else replace(outcome, rerun=rerun_command(inputs))

    def _execute(self, job: dg.JobDefinition, tags: dict[str, str]) -> RunOutcome:
        if self.own_process is None:
            return _execute(job, self.instance, tags, self.run_config)
        return execute_in_own_process(self.own_process, job.name, self.instance, tags, self.run_config)


def landing_days(settings: PlatformSettings) -> list[date]:
    """The landing days under the landing folder, oldest first; FileNotFoundError when there are none."""
    days = landing_dates(settings.landing_dir)
    if not days:
        raise FileNotFoundError(f"no landing days under {settings.landing_dir}: generate or copy logs first")
    return days


def select_days(
    settings: PlatformSettings, day: date | None = None, first: date | None = None, last: date | None = None
) -> list[date]:
    """The days a run covers: one `day`, every calendar day from `first` to `last` (each defaulting to the
    earliest and latest landing day), or, with neither, every landing day.

    A range runs every day in it, as a backfill does: a day without logs ends up with no rows. Raises
    ValueError for an empty or reversed range, and FileNotFoundError when the days hold no logs."""
    available = landing_days(settings)
    if day is not None:
        if day not in available:
            raise FileNotFoundError(f"no logs for {day} under {settings.landing_dir}")
        return [day]
    if first is None and last is None:
        return available
    first, last = first or available[0], last or available[-1]
    if first > last:
        raise ValueError(f"--from {first} is after --to {last}")
    if not any(first <= landed <= last for landed in available):
        raise FileNotFoundError(f"no logs from {first} to {last} under {settings.landing_dir}")
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def check_days_partitioned(days: list[date], partitions: dg.PartitionsDefinition) -> None:
    """ValueError naming the day and the setting when a day has no daily partition."""
    first = date.fromisoformat(partitions.get_first_partition_key())
    last_key = partitions.get_last_partition_key()
    earliest, latest = min(days), max(days)
    if earliest < first:
        raise ValueError(
            f"landing day {earliest} is before the first daily partition, {first}: set"
            f" {PARTITION_START_VARIABLE}={earliest} (or earlier) to load it"
        )
    if last_key is None or latest > date.fromisoformat(last_key):
        raise ValueError(
            f"landing day {latest} has no partition yet: a day's partition opens when the day is over"
            f" (UTC); the last one is {last_key}"
        )


def partition_tags(days: list[date]) -> dict[str, str]:
    """Run tags for the partition of one day, as a schedule sets them, or for the range of `days`."""
    if len(days) == 1:
        return {PARTITION_NAME_TAG: str(days[0])}
    return day_range_tags(days)


def day_range_tags(days: list[date]) -> dict[str, str]:
    """Run tags that make one run cover the partitions from the first to the last of `days`, as a
    single-run backfill sets them."""
    return {ASSET_PARTITION_RANGE_START_TAG: str(days[0]), ASSET_PARTITION_RANGE_END_TAG: str(days[-1])}


def execute_in_own_process(
    settings: PlatformSettings,
    job_name: str,
    instance: dg.DagsterInstance,
    tags: dict[str, str],
    run_config: dict[str, object],
) -> RunOutcome:
    """`_execute` in a fresh (spawned) process, on the same instance; a failed run's outcome when that
    process dies before reporting (the run it left in progress is then reported failed by the next launch's
    recovery, as after any killed process)."""
    spawn = multiprocessing.get_context("spawn")
    receiver, sender = spawn.Pipe(duplex=False)
    child = spawn.Process(
        target=_execute_and_send,
        args=(sender, settings, job_name, instance.get_ref(), tags, run_config),
        name=f"feedback-platform {job_name}",
    )
    child.start()
    sender.close()
    try:
        outcome = receiver.recv()
    except EOFError:
        outcome = None
    child.join()
    if outcome is None:
        died = f"{job_name}: its process exited (code {child.exitcode}) before the run ended"
        return RunOutcome(job_name, False, 0, [], [], [], [], problems=[died])
    return outcome


def _execute_and_send(
    sender: Connection,
    settings: PlatformSettings,
    job_name: str,
    instance_ref: InstanceRef,
    tags: dict[str, str],
    run_config: dict[str, object],
) -> None:
    job = build_definitions(settings).resolve_job_def(job_name)
    with dg.DagsterInstance.from_ref(instance_ref) as instance:
        sender.send(_execute(job, instance, tags, run_config))
    sender.close()


def _execute(
    job: dg.JobDefinition, instance: dg.DagsterInstance, tags: dict[str, str], run_config: dict[str, object]
) -> RunOutcome:
    """Execute `job` in this process, tagged as this process's run (`local.recovery`)."""
    result = job.execute_in_process(
        run_config=run_config, instance=instance, tags=tags | this_process_tag(), raise_on_error=False
    )
    evaluations = result.get_asset_check_evaluations()
    failed = [evaluation for evaluation in evaluations if not evaluation.passed]
    errors = [evaluation for evaluation in failed if evaluation.severity != dg.AssetCheckSeverity.WARN]
    warnings = sorted(
        _check_name(evaluation) for evaluation in failed if evaluation.severity == dg.AssetCheckSeverity.WARN
    )
    step_failures = [event for event in result.all_events if event.is_step_failure and event.step_key]
    # A blocking check fails its step too; the check's own line says more than that step's error.
    errors_of_own = [event for event in step_failures if not _is_blocking_check_failure(event)]
    problems = [_check_problem(evaluation) for evaluation in errors] + [
        f"{event.step_key}: {_first_line(event.step_failure_data.error)}" for event in errors_of_own
    ]
    return RunOutcome(
        job=job.name,
        success=result.success and not errors,
        checks_passed=len(evaluations) - len(failed),
        failed_checks=sorted(_check_name(evaluation) for evaluation in errors),
        warnings=warnings,
        failed_steps=[event.step_key for event in step_failures],
        published=_published_versions(result),
        problems=problems,
    )


def rerun_command(inputs: JobInputs) -> str:
    """`feedback-platform materialize` for the landing days a run covered (the keys of its inputs), or for
    every day when it was the datasets job (whose unchanged landing days are then skipped)."""
    days = sorted(day for day in inputs if day != UNPARTITIONED)
    if not days:
        return "feedback-platform materialize"
    if len(days) == 1:
        return f"feedback-platform materialize --day {days[0]}"
    return f"feedback-platform materialize --from {days[0]} --to {days[-1]}"


def _check_problem(evaluation: dg.AssetCheckEvaluation) -> str:
    """A failed check in one line: its name and partition, and its own account of what failed (its
    description, else its summary), which names values only as the check's metadata may show them."""
    where = f" [{evaluation.partition}]" if evaluation.partition else ""
    summary = evaluation.metadata.get("summary")
    account = evaluation.description or (str(summary.value) if summary is not None else "see its metadata")
    return f"{_check_name(evaluation)}{where}: {account.splitlines()[0]}"


def _is_blocking_check_failure(event: dg.DagsterEvent) -> bool:
    error = event.step_failure_data.error
    return error is not None and error.cls_name == "DagsterAssetCheckFailedError"


def _first_line(error: SerializableErrorInfo | None) -> str:
    """The innermost cause's message, first line: the exception a step raised, not Dagster's wrapper."""
    while error is not None and error.cause is not None:
        error = error.cause
    return error.message.strip().splitlines()[0] if error is not None and error.message.strip() else "failed"


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
