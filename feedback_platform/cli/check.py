"""`feedback-platform check`: run the data-quality checks on the current tables, for a data CI.

Nothing is materialised: the checks of the chosen layers run against the warehouse and dataset files as
they are, with the same Dagster instance `make run` and `make ui` use (some checks compare with the
latest materialisation recorded there). Exit status 1 when a check fails or cannot run.
"""

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from feedback_platform.cli.options import echo_json
from feedback_platform.defs.job_names import LAYERS
from feedback_platform.settings import PlatformSettings

if TYPE_CHECKING:
    from feedback_platform.local.check_report import QualityReport


DETAIL_INDENT = " " * 8
MAX_DETAIL_LINES = 8
MAX_LINE_CHARS = 160


@click.command("check")
@click.option(
    "--layer",
    "layers",
    type=click.Choice(LAYERS),
    multiple=True,
    help="A layer whose checks to run; repeat for several. Default: every layer.",
)
@click.option("--json", "as_json", is_flag=True, help="The report as JSON.")
def check_command(layers: tuple[str, ...], as_json: bool) -> None:
    """Run the data-quality checks of the layers on the current tables; exit 1 if any fails.

    Checks of the daily-partitioned layers (ingest, redact) cover every landing day. A check that fails
    at WARN severity is shown as WARN and does not change the exit status; one that cannot run is an
    ERROR and does.
    """
    from feedback_platform.local.check_report import run_layer_checks
    from feedback_platform.local.instance import local_instance

    settings = PlatformSettings.from_environment()
    if not settings.duckdb_path.exists():
        raise click.ClickException(
            f"no warehouse at {settings.duckdb_path}: run `feedback-platform run` first"
        )
    chosen = [layer for layer in LAYERS if layer in layers] or list(LAYERS)
    try:
        report = run_layer_checks(settings, local_instance(settings), chosen)
    except (FileNotFoundError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        echo_json(report.as_dict())
    else:
        for line in report_lines(report):
            click.echo(line)
    if report.failed:
        raise SystemExit(1)


def report_lines(report: "QualityReport") -> Iterator[str]:
    """Per layer, one line per check (status, asset, check, landing days), then why it did not pass."""
    width = max((len(outcome.asset) for outcome in report.outcomes), default=0)
    for layer in report.layers:
        yield layer
        outcomes = [outcome for outcome in report.outcomes if outcome.layer == layer]
        if not outcomes:
            yield "  (no checks)"
        for outcome in outcomes:
            days = f"  [{outcome.partitions}]" if outcome.partitions else ""
            yield f"  {outcome.status:<5} {outcome.asset:<{width}}  {outcome.check}{days}"
            for name, value in outcome.details.items():
                yield from _detail_lines(name, value)
    counts = report.counts()
    total = sum(counts.values())
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    yield f"\n{total} checks: {summary} -> {'FAILED' if report.failed else 'OK'}"


def _detail_lines(name: str, value: object) -> Iterator[str]:
    """`name: value`, indented under its check, cut to a few lines a person reads in a CI log."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    for line in f"{name}: {text}".splitlines()[:MAX_DETAIL_LINES]:
        yield DETAIL_INDENT + (line if len(line) <= MAX_LINE_CHARS else line[: MAX_LINE_CHARS - 3] + "...")
