"""The path schedules and the UI take: a run launched through the Dagster CLI, with the jobs' own executor."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg

from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform.local.instance import prepare_dagster_home
from feedback_platform_tests.conftest import settings_for

DAY = date(2026, 11, 1)


# Guards the scheduled path's cost: a launched run executes every step in its own process (no subprocess
# per step, each importing Dagster, dbt and the PII engine again), and still runs every check.
def test_a_launched_landing_day_runs_its_steps_in_one_process(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    generate_sample_logs(
        SampleLogConfig(days=1, responses_per_day=20, seed=5, start_date=DAY), settings.landing_dir
    )
    home = prepare_dagster_home(settings)
    env = {key: value for key, value in os.environ.items() if not key.startswith("FEEDBACK_PLATFORM_")}
    env |= {"FEEDBACK_PLATFORM_DATA_DIR": str(settings.data_dir), "DAGSTER_HOME": str(home)}
    dagster = Path(sys.executable).with_name("dagster")
    command = [str(dagster), "job", "execute", "-m", "feedback_platform.definitions", "-j", "landing_day_job"]
    launched = subprocess.run(
        [*command, "--tags", json.dumps({"dagster/partition": str(DAY)})],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert launched.returncode == 0, launched.stderr[-3000:]

    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
        events = instance.all_logs(run.run_id)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    assert run.tags["dagster/partition"] == str(DAY)
    step_starts = [event.dagster_event for event in events if _is(event, dg.DagsterEventType.STEP_START)]
    assert "ingest_landing_days" in {start.step_key for start in step_starts}
    assert len(step_starts) > 10
    (run_start,) = [event.dagster_event for event in events if _is(event, dg.DagsterEventType.RUN_START)]
    assert {start.pid for start in step_starts} == {run_start.pid}
    assert not any(_is(event, dg.DagsterEventType.STEP_WORKER_STARTING) for event in events)
    assert sum(_is(event, dg.DagsterEventType.ASSET_CHECK_EVALUATION) for event in events) >= 20


def _is(event: dg.EventLogEntry, event_type: dg.DagsterEventType) -> bool:
    return event.dagster_event is not None and event.dagster_event.event_type == event_type
