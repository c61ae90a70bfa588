"""The retraining trigger, evaluated as the daemon evaluates it: the real sensor on a copy of the sample
platform (warehouse, dataset versions and Dagster instance with its nightly runs), with thresholds set per
case. The significance half is tested on generated logs with a planted degradation
(`test_analysis_on_generated_logs.py`)."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from feedback_platform.definitions import build_definitions
from feedback_platform.defs.job_names import RETRAINING_TAG
from feedback_platform.lib.datasets.publication import latest_version
from feedback_platform.lib.datasets.store import read_manifest
from feedback_platform.lib.datasets.training_runs import register_training_run
from feedback_platform.resources import RetrainingPolicy, Warehouse
from feedback_platform.settings import PlatformSettings
from feedback_platform_tests.conftest import SamplePlatform, instance_without_telemetry, settings_for


@pytest.fixture
def platform(sample_platform: SamplePlatform, tmp_path: Path) -> PlatformSettings:
    """A private copy of the sample platform, its Dagster instance (and nightly runs) included."""
    shutil.copytree(sample_platform.settings.data_dir, tmp_path / "data")
    return settings_for(tmp_path / "data")


@pytest.fixture
def instance(platform: PlatformSettings) -> Iterator[dg.DagsterInstance]:
    with instance_without_telemetry(platform.data_dir / "dagster_home") as instance:
        yield instance


def _ticks(settings: PlatformSettings, instance: dg.DagsterInstance, **thresholds: int):
    """Evaluations of the real sensor on `settings`' platform from a cursor, thresholds as given."""
    definitions = build_definitions(settings)
    sensor = definitions.resolve_sensor_def("retraining_trigger")
    resources = {
        "warehouse": Warehouse(database=str(settings.duckdb_path)),
        "retraining": RetrainingPolicy(
            training_runs_dir=str(settings.training_runs_dir),
            log_path=str(settings.retraining_log_path),
            **thresholds,
        ),
    }

    def tick(cursor: str | None = None) -> dg.SensorResult:
        context = dg.build_sensor_context(
            instance=instance,
            cursor=cursor,
            repository_def=definitions.get_repository_def(),
            resources=resources,
        )
        return sensor(context)

    return tick


def _log(settings: PlatformSettings) -> list[dict]:
    path = settings.retraining_log_path
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _rows(settings: PlatformSettings, dataset: str) -> int:
    """The rows of the dataset's latest version."""
    return read_manifest(settings.datasets_dir, dataset, latest_version(settings.datasets_dir, dataset))[
        "row_count"
    ]


# Guards the first recommendation: before any training run, enough rows in the latest sft and dpo versions
# recommend training, record the event with its reasons, and request one refresh keyed by the state; the
# next tick (nothing new) and a tick that lost its cursor recommend nothing twice.
def test_enough_new_rows_before_the_first_run_recommend_training_once(
    platform: PlatformSettings, instance: dg.DagsterInstance
) -> None:
    sft, dpo = _rows(platform, "sft"), _rows(platform, "dpo")
    tick = _ticks(platform, instance, min_new_sft_rows=sft, min_new_dpo_rows=dpo)

    fired = tick()

    (request,) = fired.run_requests
    (record,) = _log(platform)
    assert record["recommended"] and record["new_rows"] == {"sft": sft, "dpo": dpo}
    assert request.run_key == f"retraining:{record['key']}" and request.tags[RETRAINING_TAG] == record["key"]
    assert record["reasons"][-1] == "no training run registered yet: the volume alone decides the first one"
    (observation,) = fired.asset_events
    assert observation.metadata["new_sft_rows"].value == sft
    quiet = tick(fired.cursor)
    assert quiet.run_requests == [] and "no nightly since run" in quiet.skip_reason.skip_message
    again = tick()
    assert [r.run_key for r in again.run_requests] == [request.run_key] and again.asset_events == []
    assert len(_log(platform)) == 1


# Guards the volume requirement: one row short of either threshold, the trigger stays silent and says why.
def test_too_few_new_rows_stay_silent(platform: PlatformSettings, instance: dg.DagsterInstance) -> None:
    sft, dpo = _rows(platform, "sft"), _rows(platform, "dpo")
    tick = _ticks(platform, instance, min_new_sft_rows=sft, min_new_dpo_rows=dpo + 1)

    silent = tick()

    assert silent.run_requests == [] and _log(platform) == []
    assert f"dpo: {_rows(platform, 'dpo')} new rows (below {_rows(platform, 'dpo') + 1})" in (
        silent.skip_reason.skip_message
    )


# Guards "since the last training run": a run that trained on the latest versions leaves no new row, so
# nothing is recommended however low the thresholds.
def test_nothing_new_since_the_last_training_run_stays_silent(
    platform: PlatformSettings, instance: dg.DagsterInstance
) -> None:
    latest = [f"{name}@{latest_version(platform.datasets_dir, name)}" for name in ("sft", "dpo")]
    register_training_run(platform.training_runs_dir, platform.datasets_dir, "run-1", latest)
    tick = _ticks(platform, instance, min_new_sft_rows=1, min_new_dpo_rows=1)

    silent = tick()

    assert silent.run_requests == [] and _log(platform) == []
    assert "sft: 0 new rows (below 1)" in silent.skip_reason.skip_message
