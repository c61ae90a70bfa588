"""`feedback-platform report --out DIR`: the analysis as a static HTML page (`lib/analysis/report.py`)."""

from datetime import UTC, datetime
from pathlib import Path

import click

from feedback_platform.cli.options import user_errors
from feedback_platform.lib.analysis.report import ReportSettings, build_report
from feedback_platform.lib.atomic_files import write_file_atomically
from feedback_platform.lib.warehouse import read_only_warehouse
from feedback_platform.settings import PlatformSettings

REPORT_FILE = "index.html"


@click.command("report")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder to write index.html into (created if missing).")  # fmt: skip
def report_command(out_dir: Path) -> None:
    """Write the analysis (quality over time, weakest and least certain cohorts, comparisons, failure themes,
    conversion to training data) as one HTML page with inline charts, readable offline."""
    settings = PlatformSettings.from_environment()
    with user_errors(), read_only_warehouse(settings.duckdb_path) as con:
        page = build_report(con, ReportSettings(), datetime.now(UTC))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / REPORT_FILE
    write_file_atomically(
        path, lambda temporary: temporary.write_text(page, encoding="utf-8"), overwrite=True
    )
    click.echo(f"Wrote {path} ({len(page):,} characters)")
