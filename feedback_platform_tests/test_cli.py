"""The feedback-platform command, run in-process with click's runner on real files."""

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from feedback_platform.cli.main import main
from feedback_platform.lib.sample_logs import read_generation_summary


# Guards `generate`: it writes the landing layout and reports what it wrote.
def test_generate_writes_landing_folders_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "landing"
    result = CliRunner().invoke(
        main, ["generate", "--days", "2", "--responses-per-day", "20", "--seed", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    summary = read_generation_summary(out)
    assert f"{summary.lines_written['responses']:,} response lines" in result.output
    assert sorted(path.name for path in (out / "responses").iterdir()) == ["2026-11-01", "2026-11-02"]


# Guards a clear error: materialising with no landing logs says where it looked and what to do.
def test_materialize_without_logs_fails_clearly(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["materialize"], env={"FEEDBACK_PLATFORM_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1
    assert f"Error: no landing days under {tmp_path / 'landing'}" in result.output


# Guards CLI start-up: `feedback-platform --help` and the read-only commands must not pay for importing
# Dagster, dagster-dbt or the PII engine (seconds); only the commands that run them import them.
def test_importing_the_cli_leaves_dagster_and_the_pii_engine_unloaded() -> None:
    heavy = ["dagster", "dagster_dbt", "presidio_analyzer", "spacy"]
    probe = (
        f"import sys, feedback_platform.cli.main; print([name for name in {heavy!r} if name in sys.modules])"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def _console_script(
    arguments: list[str], env: dict[str, str], before: str = "pass"
) -> subprocess.CompletedProcess[str]:
    """The console script's entry point (`run`, which skips the interpreter's teardown) in a process,
    after the Python statements `before`."""
    probe = (
        f"import sys; {before}; sys.argv = ['feedback-platform', *{arguments!r}];"
        " from feedback_platform.cli.main import run; run()"
    )
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300)


# Guards the console script's fast exit: it still flushes what the command printed, runs the exit
# handlers (the redaction workers' pool closes in one) and passes on the command's exit status.
def test_console_script_keeps_output_exit_handlers_and_status(tmp_path: Path) -> None:
    env = os.environ | {"FEEDBACK_PLATFORM_DATA_DIR": str(tmp_path)}
    out, marker = tmp_path / "landing", tmp_path / "exit-handler-ran"
    generated = _console_script(
        ["generate", "--days", "1", "--responses-per-day", "5", "--out", str(out)],
        env,
        before=f"import atexit, pathlib; atexit.register(pathlib.Path({str(marker)!r}).touch)",
    )
    assert generated.returncode == 0, generated.stderr
    assert "response lines" in generated.stdout
    assert marker.exists()
    failed = _console_script(["materialize", "--day", "2099-01-01"], env)
    assert failed.returncode == 1
    assert f"Error: no logs for 2099-01-01 under {out}" in failed.stderr
