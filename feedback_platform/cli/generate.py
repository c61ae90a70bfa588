"""`feedback-platform generate`: realistic, deterministic sample logs in a landing folder."""

import datetime
import sys
from pathlib import Path

import click

from feedback_platform.cli.options import sample_size_options
from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs

SAMPLE_DEFAULTS = SampleLogConfig()


@click.command("generate")
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
@click.option(
    "--realistic-text",
    is_flag=True,
    help="Unique user turns and outputs of 100-400 words with a real vocabulary, as production traffic "
    "has (the default sample repeats templated sentences).",
)
def generate_command(
    days: int,
    responses_per_day: int,
    seed: int,
    start_date: datetime.datetime,
    out_dir: Path,
    realistic_text: bool,
) -> None:
    """Write realistic, deterministic sample logs (same options, same bytes)."""
    config = SampleLogConfig(days, responses_per_day, seed, start_date.date(), realistic_text=realistic_text)
    generate_with_progress(config, out_dir)


def generate_with_progress(config: SampleLogConfig, out_dir: Path) -> None:
    """Generate the sample with a progress bar on stderr, then say what was written."""
    with click.progressbar(
        length=config.days, label=f"Generating {config.days} days", file=sys.stderr
    ) as bar:
        summary = generate_sample_logs(
            config, out_dir, on_progress=lambda done, _total: bar.update(done - bar.pos)
        )
    click.echo(f"Wrote sample logs to {out_dir}: {summary.describe()}")
