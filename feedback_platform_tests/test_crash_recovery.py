"""Recovery from a killed run without an operator: `feedback-platform materialize` killed with SIGKILL in
the middle of a step leaves its run in progress, holding its slot of the `duckdb` pool (limit one); the next
`materialize` reports that run failed, frees the slot and runs to the end instead of waiting for ever.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import date
from pathlib import Path

import dagster as dg

from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform_tests.conftest import settings_for

ONE_SMALL_DAY = SampleLogConfig(days=1, responses_per_day=30, seed=3, start_date=date(2026, 11, 1))
COMMAND = [str(Path(sys.executable).with_name("feedback-platform")), "materialize"]


def wait_for(condition, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.05)
    raise AssertionError(f"no {what} within {timeout_s:.0f} s")


def has_a_run(home: Path) -> bool:
    """Whether the child's instance holds a run, read from its SQLite run storage without opening the
    instance: an instance opened while the child still creates its storages stamps their schema twice."""
    runs_db = home / "history" / "runs.db"
    if not runs_db.exists():
        return False
    try:
        with closing(sqlite3.connect(f"file:{runs_db}?mode=ro", uri=True)) as con:
            return con.execute("select count(*) from runs").fetchone()[0] > 0
    except sqlite3.OperationalError:  # the child has not created the table yet
        return False


# Guards recovery from a crash (issue 16, item 1): the run killed mid-step is reported failed, its pool slot
# freed, and the next materialize finishes (before this, it waited on the dead run's slot for ever).
def test_a_run_killed_in_a_step_does_not_block_the_next(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    generate_sample_logs(ONE_SMALL_DAY, settings.landing_dir)
    home = settings.data_dir / "dagster_home"
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("FEEDBACK_PLATFORM_")},
        "FEEDBACK_PLATFORM_DATA_DIR": str(settings.data_dir),
        "DAGSTER_HOME": str(home),
    }
    child = subprocess.Popen(
        COMMAND, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(lambda: has_a_run(home), 120, "run started by the child")
        instance = dg.DagsterInstance.from_config(str(home))
        held = wait_for(instance.event_log_storage.get_concurrency_run_ids, 180, "step holding a pool slot")
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    (killed,) = held
    assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.STARTED
    assert instance.event_log_storage.get_concurrency_run_ids() == {killed}

    rerun = subprocess.run(COMMAND, env=env, capture_output=True, text=True, timeout=600)

    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert f"run {killed[:8]} was left in progress by a process that is gone" in rerun.stdout + rerun.stderr
    assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.FAILURE
    assert instance.event_log_storage.get_concurrency_run_ids() == set()
