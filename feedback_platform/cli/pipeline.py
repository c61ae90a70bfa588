"""`feedback-platform materialize | run | ui`: the whole graph in-process, and the Dagster UI on it.

Dagster and dagster-dbt take seconds to import, so these commands import `feedback_platform.local` inside
their function: `--help` and the read-only commands start without them.
"""

import click

from feedback_platform.cli.generate import SAMPLE_DEFAULTS, generate_with_progress
from feedback_platform.settings import PlatformSettings


@click.command("materialize")
def materialize_command() -> None:
    """Materialise every asset on the landing logs, then print what was produced."""
    _materialize_and_report(PlatformSettings.from_environment())


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

    raise SystemExit(run_dagster_ui(PlatformSettings.from_environment(), port))


def _materialize_and_report(settings: PlatformSettings) -> None:
    from feedback_platform.local.instance import local_instance
    from feedback_platform.local.materialize import (
        feedback_conversion_by_day,
        materialize_everything,
        table_row_counts,
    )

    try:
        outcomes = materialize_everything(settings, local_instance(settings), on_job_start=click.echo)
    except FileNotFoundError as missing:
        raise click.ClickException(str(missing)) from missing
    click.echo(f"\nWarehouse {settings.duckdb_path}:")
    for table, rows in table_row_counts(settings).iter_rows():
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
        status = "succeeded" if outcome.success else "FAILED"
        click.echo(f"{outcome.job} {status}: {outcome.checks_passed} checks passed")
        if outcome.warnings:
            click.echo(f"  warnings: {', '.join(outcome.warnings)}")
        if not outcome.success:
            click.echo(f"  failed steps: {outcome.failed_steps or '-'}")
            click.echo(f"  failed checks: {outcome.failed_checks or '-'}")
    if not all(outcome.success for outcome in outcomes):
        raise SystemExit(1)
