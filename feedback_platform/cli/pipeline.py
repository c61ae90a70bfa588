"""`feedback-platform materialize | run | ui`: the whole graph in-process, and the Dagster UI on it.

Dagster and dagster-dbt take seconds to import, so these commands import `feedback_platform.local` inside
their function: `--help` and the read-only commands start without them.
"""

from dataclasses import asdict
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from feedback_platform.cli.generate import SAMPLE_DEFAULTS, generate_with_progress
from feedback_platform.cli.options import echo_json
from feedback_platform.lib.logs.landing import unread_entries
from feedback_platform.settings import PlatformSettings

if TYPE_CHECKING:
    import polars as pl

    from feedback_platform.local.materialize import RunOutcome

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command("materialize")
@click.option(
    "--day",
    type=DAY,
    help="One landing day, as its nightly schedule runs it; also how to re-run a failed day.",
)
@click.option(
    "--from",
    "first",
    type=DAY,
    help="First day of a range, run as one backfill [default: earliest landing day].",
)
@click.option("--to", "last", type=DAY, help="Last day of the range [default: latest landing day].")
@click.option(
    "--force",
    is_flag=True,
    help="Run the jobs even when their inputs, code and configuration are those of their last run.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON (progress goes to stderr).")
def materialize_command(
    day: datetime | None, first: datetime | None, last: datetime | None, force: bool, as_json: bool
) -> None:
    """Ingest and redact landing days (default: all of them), then join, curate and publish datasets.

    Runs the jobs the nightly schedules run: `landing_day_job` for the days, then `datasets_job`. A job whose
    last run read the same logs (or upstream tables) with the same code and configuration is skipped."""
    if day and (first or last):
        raise click.UsageError("give --day, or --from/--to, not both")
    settings = PlatformSettings.from_environment()
    from feedback_platform.local.materialize import select_days

    try:
        days = select_days(settings, _date(day), _date(first), _date(last))
    except (FileNotFoundError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    _materialize_and_report(settings, days, as_json, force)


@click.command("run")
def run_command() -> None:
    """What `make run` does: generate sample logs if the landing folder is empty, then materialise."""
    settings = PlatformSettings.from_environment()
    if not any(settings.landing_dir.glob("*/*/*.jsonl*")):
        click.echo(f"No logs under {settings.landing_dir}: generating a sample.")
        generate_with_progress(SAMPLE_DEFAULTS, settings.landing_dir)
    _materialize_and_report(settings)


@click.command("ui")
@click.option("--port", type=int, default=3000, show_default=True)
def ui_command(port: int) -> None:
    """Start the Dagster UI (dagster dev) on the same data and instance as `make run`."""
    from feedback_platform.local.instance import run_dagster_ui

    try:
        status = run_dagster_ui(PlatformSettings.from_environment(), port)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    raise SystemExit(status)


def _date(value: datetime | None) -> date | None:
    return value.date() if value else None


def _materialize_and_report(
    settings: PlatformSettings, days: list[date] | None = None, as_json: bool = False, force: bool = False
) -> None:
    from feedback_platform.local.instance import local_instance
    from feedback_platform.local.materialize import materialize_days, table_row_counts

    try:
        outcomes = materialize_days(
            settings,
            local_instance(settings),
            days,
            on_job_start=lambda line: click.echo(line, err=as_json),
            progress=True,
            force=force,
        )
    except (FileNotFoundError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    tables = table_row_counts(settings)
    unread = unread_entries(settings.landing_dir)
    if as_json:
        echo_json(
            {
                "days": days,
                "success": all(outcome.success for outcome in outcomes),
                "jobs": [asdict(outcome) for outcome in outcomes],
                "tables": dict(tables.iter_rows()),
                "not_read": [{"path": path, "reason": reason} for path, reason in unread],
            }
        )
    else:
        _print_report(settings, outcomes, tables)
        _print_unread(settings, unread)
    if not all(outcome.success for outcome in outcomes):
        raise SystemExit(1)


def _print_unread(settings: PlatformSettings, unread: list[tuple[str, str]]) -> None:
    if unread:
        click.echo(f"Not read under {settings.landing_dir} (rename or move them to have them ingested):")
    for path, reason in unread:
        click.echo(f"  {path}: {reason}")


def _print_report(settings: PlatformSettings, outcomes: list["RunOutcome"], tables: "pl.DataFrame") -> None:
    from feedback_platform.local.materialize import feedback_conversion_by_day

    click.echo(f"\nWarehouse {settings.duckdb_path}:")
    for table, rows in tables.iter_rows():
        click.echo(f"  {table:<40} {rows:>9,} rows")
    for outcome in outcomes:
        if outcome.published:
            click.echo(f"\nDataset versions under {settings.datasets_dir}:")
        for published in outcome.published:
            state = "new" if published.new else "unchanged"
            click.echo(f"  {published.dataset:<12} {published.version}  {published.rows:>7,} rows  ({state})")
    conversion = feedback_conversion_by_day(settings)
    if conversion.height:
        click.echo("\nFeedback reaching the latest datasets, by feedback day (daily_feedback_conversion):")
    for day, signals, reached, rate in conversion.iter_rows():
        click.echo(f"  {day}  {reached:>7,} of {signals:>7,} signals  {rate:6.1%}")
    click.echo("")
    for outcome in outcomes:
        if outcome.unchanged_since:
            click.echo(f"{outcome.job} skipped: nothing changed since run {outcome.unchanged_since}")
            continue
        status = "succeeded" if outcome.success else "FAILED"
        click.echo(f"{outcome.job} {status}: {outcome.checks_passed} checks passed")
        if outcome.warnings:
            click.echo(f"  warnings: {', '.join(outcome.warnings)}")
        if not outcome.success:
            click.echo(f"  failed steps: {outcome.failed_steps or '-'}")
            click.echo(f"  failed checks: {outcome.failed_checks or '-'}")
            if outcome.problems:
                click.echo("  why:")
            for problem in outcome.problems:
                click.echo(f"    {problem}")
            if outcome.rerun:
                click.echo(f"  once mended, run again: {outcome.rerun}")
