"""Recovery from a killed run without an operator: `feedback-platform materialize` killed with SIGKILL in
the middle of a step leaves its run in progress, holding its slot of the `duckdb` pool (limit one); the next
`materialize` reports that run failed, frees the slot and runs to the end instead of waiting for ever.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform.local.instance import prepare_dagster_home
from feedback_platform.settings import DAGSTER_POSTGRES_URL_VARIABLE, PlatformSettings

ONE_SMALL_DAY = SampleLogConfig(days=1, responses_per_day=30, seed=3, start_date=date(2026, 11, 1))
COMMAND = [str(Path(sys.executable).with_name("feedback-platform")), "materialize"]


def wait_for(condition, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.05)
    raise AssertionError(f"no {what} within {timeout_s:.0f} s")


@pytest.fixture(params=["sqlite", "postgres"])
def instance_storage(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment that picks the instance's storage: SQLite files in its home, or a fresh database
    of a real PostgreSQL server (set here too: the test reads the instance the child writes)."""
    if request.param == "sqlite":
        return {}
    server = request.getfixturevalue("postgres_server")
    url = server.create_database(f"recovery_{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv(DAGSTER_POSTGRES_URL_VARIABLE, url)
    return {DAGSTER_POSTGRES_URL_VARIABLE: url}


# Guards recovery from a crash (issue 16, item 1): the run killed mid-step is reported failed, its pool slot
# freed, and the next materialize finishes (before this, it waited on the dead run's slot for ever); with the
# instance in SQLite files and in PostgreSQL, as a deployment with a daemon keeps it.
def test_a_run_killed_in_a_step_does_not_block_the_next(
    tmp_path: Path, instance_storage: dict[str, str]
) -> None:
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("FEEDBACK_PLATFORM_")},
        "FEEDBACK_PLATFORM_DATA_DIR": str(tmp_path / "data"),
        **instance_storage,
    }
    settings = PlatformSettings.from_environment(env)
    generate_sample_logs(ONE_SMALL_DAY, settings.landing_dir)
    home = prepare_dagster_home(settings)
    env["DAGSTER_HOME"] = str(home)
    # Opened before the child starts, so the two never create the storage's tables at the same time.
    instance = dg.DagsterInstance.from_config(str(home))
    assert type(instance.run_storage).__name__.startswith("Postgres") == bool(instance_storage)
    child = subprocess.Popen(
        COMMAND, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(lambda: instance.get_runs_count() > 0, 120, "run started by the child")
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
