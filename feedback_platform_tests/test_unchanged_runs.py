"""A nightly whose inputs, code and configuration are those of its last run is skipped, by the
`materialize` runner and by the schedules alike; any change to a landing day's bytes runs it again."""

import gzip
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import dagster as dg
import pytest

from feedback_platform.definitions import build_definitions
from feedback_platform.defs.job_names import DATASETS_JOB, LANDING_DAY_JOB
from feedback_platform.defs.unchanged_runs import (
    INPUTS_TAG,
    datasets_inputs,
    landing_day_inputs,
    unchanged_since,
)
from feedback_platform.lib.logs.landing import SETTLE_SECONDS
from feedback_platform.local.materialize import materialize_days
from feedback_platform.resources import LandingZone
from feedback_platform_tests.conftest import SAMPLE, SamplePlatform

LAST_DAY = SAMPLE.day(SAMPLE.days - 1)


def _latest_run_ids(instance: dg.DagsterInstance) -> dict[str, str]:
    return {run.job_name: run.run_id for run in reversed(instance.get_runs())}


def _landing_with_one_more_line(source: Path, destination: Path) -> Path:
    """A copy of the landing folder whose last day's first feedback file repeats its first line."""
    shutil.copytree(source, destination)
    log = sorted((destination / "feedback" / str(LAST_DAY)).glob("*.jsonl*"))[0]
    compressed = log.suffix == ".gz"
    lines = (gzip.decompress(log.read_bytes()) if compressed else log.read_bytes()).splitlines(keepends=True)
    content = b"".join([*lines, lines[0]])
    log.write_bytes(gzip.compress(content) if compressed else content)
    return destination


def _tick(platform: SamplePlatform, schedule: str, landing: Path) -> dg.RunRequest | dg.SkipReason:
    """What the schedule answers at its tick on the night after the sample's last day.

    The context is closed after the tick. A schedule context keeps only the instance's ref and opens an
    instance of its own, which sets Dagster's current defs-state storage until the context is closed: left
    open and collected, it leaves a storage of a dead instance there, and every later `Definitions` in the
    process fails ("Attempted to resolve undefined DagsterInstance weakref")."""
    defs = build_definitions(platform.settings)
    with dg.build_schedule_context(
        instance=platform.instance,
        scheduled_execution_time=datetime.combine(LAST_DAY + timedelta(days=1), time(2), tzinfo=UTC),
        repository_def=defs.get_repository_def(),
        resources={"landing": LandingZone(root=str(landing))},
    ) as context:
        return defs.resolve_schedule_def(schedule)(context)


# Guards the re-run target: materialising the same logs again launches no run and names the runs that
# already produced every asset, for the whole range and for one day of it.
@pytest.mark.parametrize("days", [None, [LAST_DAY]], ids=["every day", "one day of the range"])
def test_materialising_unchanged_logs_again_is_skipped(sample_platform: SamplePlatform, days) -> None:
    runs_before = _latest_run_ids(sample_platform.instance)
    outcomes = materialize_days(sample_platform.settings, sample_platform.instance, days)
    assert [outcome.job for outcome in outcomes] == [LANDING_DAY_JOB, DATASETS_JOB]
    assert all(outcome.success for outcome in outcomes)
    assert [outcome.unchanged_since for outcome in outcomes] == [
        runs_before[LANDING_DAY_JOB],
        runs_before[DATASETS_JOB],
    ]
    assert _latest_run_ids(sample_platform.instance) == runs_before


# Guards what "unchanged" means: the bytes of the day's files, not where the landing folder is.
def test_one_more_line_in_a_landing_day_makes_it_changed(
    sample_platform: SamplePlatform, tmp_path: Path
) -> None:
    job = build_definitions(sample_platform.settings).resolve_job_def(LANDING_DAY_JOB)
    same_bytes = tmp_path / "copy"
    shutil.copytree(sample_platform.settings.landing_dir, same_bytes)
    changed = _landing_with_one_more_line(sample_platform.settings.landing_dir, tmp_path / "changed")
    instance = sample_platform.instance
    assert unchanged_since(instance, job, landing_day_inputs(job, same_bytes, [LAST_DAY])) is not None
    assert unchanged_since(instance, job, landing_day_inputs(job, changed, [LAST_DAY])) is None
    earlier_day = SAMPLE.day(0)
    assert unchanged_since(instance, job, landing_day_inputs(job, changed, [earlier_day])) is not None


# Guards the schedules: a tick over an unchanged day skips with the run that did it; a changed day gets a
# run request tagged with its fingerprint.
def test_the_nightly_schedules_skip_unchanged_inputs(sample_platform: SamplePlatform, tmp_path: Path) -> None:
    unchanged = _tick(sample_platform, "nightly_landing_day", sample_platform.settings.landing_dir)
    assert isinstance(unchanged, dg.SkipReason)
    assert _latest_run_ids(sample_platform.instance)[LANDING_DAY_JOB] in unchanged.skip_message

    changed_landing = _landing_with_one_more_line(sample_platform.settings.landing_dir, tmp_path / "landing")
    request = _tick(sample_platform, "nightly_landing_day", changed_landing)
    assert isinstance(request, dg.RunRequest)
    assert request.partition_key == str(LAST_DAY)
    assert str(LAST_DAY) in request.tags[INPUTS_TAG]

    datasets = _tick(sample_platform, "nightly_datasets", sample_platform.settings.landing_dir)
    assert isinstance(datasets, dg.SkipReason)


# Guards that the datasets job follows its upstream: a new materialisation of any upstream table changes
# its fingerprint.
def test_a_new_upstream_materialisation_changes_the_datasets_inputs(sample_platform: SamplePlatform) -> None:
    job = build_definitions(sample_platform.settings).resolve_job_def(DATASETS_JOB)
    instance = dg.DagsterInstance.ephemeral()
    before = datasets_inputs(job, instance)
    instance.report_runless_asset_event(dg.AssetMaterialization("raw_consent", partition=str(LAST_DAY)))
    assert datasets_inputs(job, instance) != before


def _arrivals_ticks(platform: SamplePlatform) -> Callable[[Path, str | None], dg.SensorResult]:
    """Evaluations of the arrival sensor on a landing folder from a cursor, with the real instance and
    definitions (built once)."""
    defs = build_definitions(platform.settings)
    sensor = defs.resolve_sensor_def("landing_arrivals")

    def tick(landing: Path, cursor: str | None = None) -> dg.SensorResult:
        context = dg.build_sensor_context(
            instance=platform.instance,
            cursor=cursor,
            repository_def=defs.get_repository_def(),
            resources={"landing": LandingZone(root=str(landing))},
        )
        return sensor(context)

    return tick


# Guards exactly-once arrival (issue 16, item 6): days already run cleanly launch nothing; a changed day is
# requested once it has settled, keyed by its content, and not again on the next tick; the same bytes
# give the same run key, so a sensor that lost its cursor cannot launch the day twice.
def test_the_arrival_sensor_runs_a_changed_day_once(sample_platform: SamplePlatform, tmp_path: Path) -> None:
    settled = datetime.now(UTC).timestamp() - 2 * SETTLE_SECONDS
    same_bytes = tmp_path / "same_bytes"
    shutil.copytree(sample_platform.settings.landing_dir, same_bytes)
    for log in same_bytes.glob("*/*/*.jsonl*"):
        os.utime(log, (settled, settled))
    tick = _arrivals_ticks(sample_platform)
    quiet = tick(same_bytes)
    assert quiet.run_requests == []
    assert "unchanged since run" in quiet.skip_reason.skip_message

    landing = _landing_with_one_more_line(same_bytes, tmp_path / "landing")
    changed = sorted((landing / "feedback" / str(LAST_DAY)).glob("*.jsonl*"))[0]
    os.utime(changed)  # written just now: the producer may still be writing
    assert tick(landing, quiet.cursor).run_requests == []

    os.utime(changed, (settled, settled))
    arrived = tick(landing, quiet.cursor)
    (request,) = arrived.run_requests
    assert request.partition_key == str(LAST_DAY)
    assert request.run_key.startswith(f"{LAST_DAY}:")
    assert str(LAST_DAY) in request.tags[INPUTS_TAG]
    assert tick(landing, arrived.cursor).run_requests == []
    (again,) = tick(landing).run_requests
    assert again.run_key == request.run_key
