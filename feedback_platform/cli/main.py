"""The `feedback-platform` command: the group, the environment every command runs in, and how the console
script leaves."""

import atexit
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from feedback_platform.cli.check import check_command
from feedback_platform.cli.compare import compare_command
from feedback_platform.cli.datasets import datasets_command
from feedback_platform.cli.erase import erase_command
from feedback_platform.cli.generate import generate_command
from feedback_platform.cli.lineage import lineage_command
from feedback_platform.cli.pii_eval import pii_eval_command
from feedback_platform.cli.pipeline import materialize_command, run_command, ui_command
from feedback_platform.cli.redact import redact_command
from feedback_platform.cli.report import report_command
from feedback_platform.cli.runs import runs_command
from feedback_platform.cli.themes import themes_command


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
    erase_command,
    compare_command,
    themes_command,
    report_command,
):
    main.add_command(command)


def run() -> NoReturn:
    """The `feedback-platform` console script: `main`, then exit without tearing the interpreter down.

    A command that loaded Dagster, dbt, spaCy and Presidio leaves tens of thousands of modules and objects,
    and freeing them one by one at exit took 1 s after a skipped nightly and 2 s after a 100,000-response
    one on this machine, for nothing: the process is about to end. The exit handlers still run (logging,
    the redaction workers' pool, temporary files) and the output is flushed; only the teardown is skipped.
    An uncaught exception takes the ordinary path, traceback included. Tests call `main` through click's
    runner and keep the ordinary exit."""
    code = 0
    try:
        main()
    except SystemExit as leaving:
        code = _exit_status(leaving.code)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _exit_status(code: object) -> int:
    """The status `sys.exit(code)` would give: 0 for None, the int itself, else 1 after printing `code`."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
