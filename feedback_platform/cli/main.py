"""The `feedback-platform` command.

Dagster, dagster-dbt and the PII engine take seconds to import, so the commands that need them import them
inside their function: `--help` and the read-only commands (datasets, runs, lineage) start without them.
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import click

from feedback_platform.cli.check import check_command
from feedback_platform.cli.datasets import datasets_command
from feedback_platform.cli.lineage import lineage_command
from feedback_platform.cli.options import sample_size_options
from feedback_platform.cli.pii_eval import pii_eval_command
from feedback_platform.cli.redact import redact_command
from feedback_platform.cli.runs import runs_command
from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform.settings import PlatformSettings

SAMPLE_DEFAULTS = SampleLogConfig()


@click.group()
def main() -> None:
    """Turn raw AI feedback logs into redacted, joined, checked and versioned datasets."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    # dagster-dbt runs `dbt` from PATH: make it the one installed beside this command.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


@main.command()
@sample_size_options(SAMPLE_DEFAULTS)
@click.option(
    "--start-date",
    type=click.DateTime(["%Y-%m-%d"]),
    default=str(SAMPLE_DEFAULTS.start_date),
    show_default=True,
    help="First landing day.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Landing folder to write <stream>/<YYYY-MM-DD>/ files into.",
)
def generate(
    days: int, responses_per_day: int, seed: int, start_date: datetime.datetime, out_dir: Path
) -> None:
    """Write realistic, deterministic sample logs (same options, same bytes)."""
    _generate(SampleLogConfig(days, responses_per_day, seed, start_date.date()), out_dir)


main.add_command(redact_command)
main.add_command(pii_eval_command)
main.add_command(datasets_command)
main.add_command(runs_command)
main.add_command(lineage_command)
main.add_command(check_command)


@main.command()
def materialize() -> None:
    """Materialise every asset on the landing logs, then print what was produced."""
    _materialize_and_report(PlatformSettings.from_environment())


@main.command()
def run() -> None:
    """What `make run` does: generate sample logs if the landing folder is empty, then materialise."""
    settings = PlatformSettings.from_environment()
    if not any(settings.landing_dir.glob("*/*/*.jsonl*")):
        click.echo(f"No logs under {settings.landing_dir}: generating a sample.")
        _generate(SAMPLE_DEFAULTS, settings.landing_dir)
    _materialize_and_report(settings)


@main.command()
@click.option("--port", type=int, default=3000, show_default=True)
def ui(port: int) -> None:
    """Start the Dagster UI (dagster dev) on the same data and instance as `make run`."""
    from feedback_platform.local.instance import prepare_dagster_home

    settings = PlatformSettings.from_environment()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(prepare_dagster_home(settings)),
        "FEEDBACK_PLATFORM_DATA_DIR": str(settings.data_dir),
        "FEEDBACK_PLATFORM_DUCKDB": str(settings.duckdb_path),
    }
    workspace = Path(__file__).resolve().parent.parent / "workspace.yaml"
    dagster = Path(sys.executable).with_name("dagster")
    raise SystemExit(subprocess.call([str(dagster), "dev", "-w", str(workspace), "-p", str(port)], env=env))


def _generate(config: SampleLogConfig, out_dir: Path) -> None:
    with click.progressbar(
        length=config.days, label=f"Generating {config.days} days", file=sys.stderr
    ) as bar:
        summary = generate_sample_logs(
            config, out_dir, on_progress=lambda done, _total: bar.update(done - bar.pos)
        )
    click.echo(f"Wrote sample logs to {out_dir}: {summary.describe()}")


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
