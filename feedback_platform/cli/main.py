"""The `feedback-platform` command: the group, and the environment every command runs in."""

import os
import sys
from pathlib import Path

import click

from feedback_platform.cli.check import check_command
from feedback_platform.cli.datasets import datasets_command
from feedback_platform.cli.generate import generate_command
from feedback_platform.cli.lineage import lineage_command
from feedback_platform.cli.pii_eval import pii_eval_command
from feedback_platform.cli.pipeline import materialize_command, run_command, ui_command
from feedback_platform.cli.redact import redact_command
from feedback_platform.cli.runs import runs_command


@click.group()
def main() -> None:
    """Turn raw AI feedback logs into redacted, joined, checked and versioned datasets."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    # dagster-dbt runs `dbt` from PATH: make it the one installed beside this command.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


for command in (
    generate_command,
    materialize_command,
    run_command,
    ui_command,
    redact_command,
    pii_eval_command,
    datasets_command,
    runs_command,
    lineage_command,
    check_command,
):
    main.add_command(command)
