"""The incremental nightly against a full rebuild: the same days give the same mart rows and version ids.

The sample platform is built in one run over every landing day (the first build rebuilds everything). Here
the same logs land one day at a time, each followed by its nightly, as the schedules run them (one of them
after a run of the mart alone), and then an old day is run again: the incremental models recompute only the
events those days touch, and every table and dataset version must come out as in the full build.
"""

import os
import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from feedback_platform.definitions import build_definitions
from feedback_platform.defs.job_names import DATASETS_JOB, LANDING_DAY_JOB
from feedback_platform.defs.join.recompute_days import RECOMPUTE_TABLE
from feedback_platform.lib.logs.landing import landing_day_bytes
from feedback_platform.local.materialize import (
    QUIET_CONSOLE,
    RunOutcome,
    land_days,
    landing_runs,
    materialize_days,
)
from feedback_platform.local.recovery import PROCESS_TAG
from feedback_platform.settings import PlatformSettings
from feedback_platform_tests.conftest import (
    SAMPLE,
    SamplePlatform,
    instance_without_telemetry,
    settings_for,
)

DAYS = [SAMPLE.day(index) for index in range(SAMPLE.days)]


def _published(outcomes: list[RunOutcome]) -> dict[str, str]:
    return {version.dataset: version.version for outcome in outcomes for version in outcome.published}


def _sorted_table(settings: PlatformSettings, table: str, key: str) -> pl.DataFrame:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        # the build stamp says when the row was built: by a nightly here, by the full rebuild there
        return con.sql(f'select * exclude (built_at) from "{table}" order by "{key}"').pl()


def _land_then_build_one_model(
    settings: PlatformSettings, instance: dg.DagsterInstance, day: date, model: str
) -> None:
    """Land `day` as the nightly does (so the nightly then skips it as unchanged), then build the one dbt
    model `model` (as picked in the UI), leaving the other models of the join layer behind."""
    landed = land_days(settings, instance, [day])
    one_model = dg.define_asset_job("one_model", selection=dg.AssetSelection.assets(model))
    definitions = dg.Definitions.merge(build_definitions(settings), dg.Definitions(jobs=[one_model]))
    built = definitions.resolve_job_def("one_model").execute_in_process(
        instance=instance, run_config=QUIET_CONSOLE
    )
    materialized = {event.asset_key for event in built.get_asset_materialization_events()}
    assert all(outcome.success for outcome in landed) and materialized == {dg.AssetKey(model)}


@pytest.fixture(scope="module")
def nightly_platform(
    sample_platform: SamplePlatform, tmp_path_factory: pytest.TempPathFactory
) -> tuple[PlatformSettings, list[list[RunOutcome]]]:
    """The sample's days landed and materialised one nightly at a time, then the second day re-run (forced:
    its logs did not change). Before the last day's nightly, its day is landed and `feedback_with_responses`
    alone built, as an engineer might from the UI: the nightly must still bring every model up to date."""
    settings = settings_for(tmp_path_factory.mktemp("nightly"))
    instance = dg.DagsterInstance.ephemeral()
    nights = []
    for day, force in [*((day, False) for day in DAYS), (DAYS[1], True)]:
        for stream_day in sample_platform.settings.landing_dir.glob(f"*/{day}"):
            destination = settings.landing_dir / stream_day.parent.name / str(day)
            if not destination.exists():
                shutil.copytree(stream_day, destination)
        if day == DAYS[-1]:
            _land_then_build_one_model(settings, instance, day, "feedback_with_responses")
        nights.append(materialize_days(settings, instance, [day], force=force))
    return settings, nights


# Guards the done-condition of the incremental layers: nightlies (late events, consent, a re-run of an old
# day) publish the very versions of a full rebuild, with the same mart rows.
def test_nightlies_publish_what_a_full_rebuild_publishes(
    sample_platform: SamplePlatform, nightly_platform: tuple[PlatformSettings, list[list[RunOutcome]]]
) -> None:
    settings, nights = nightly_platform
    assert all(outcome.success for night in nights for outcome in night)
    assert sorted(_published(sample_platform.outcomes)) == ["dpo", "eval", "kto", "sft"]
    assert _published(nights[-1]) == _published(sample_platform.outcomes)
    for table, key in [("feedback_with_responses", "event_id"), ("response_signals", "response_id")]:
        assert _sorted_table(settings, table, key).equals(_sorted_table(sample_platform.settings, table, key))


# Guards that the nightlies were incremental: the last one, a re-run of the second day, recomputed that day.
def test_the_last_nightly_recomputed_only_its_day(
    nightly_platform: tuple[PlatformSettings, list[list[RunOutcome]]],
) -> None:
    settings, _ = nightly_platform
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        days = [day for (day,) in con.execute(f"select landing_date from {RECOMPUTE_TABLE}").fetchall()]
    assert days == [DAYS[1]]


# Guards a backfill in bounded runs: with a budget smaller than the sample's days, `materialize` ingests and
# redacts them in several runs (groups of consecutive days up to the budget), each in a process of its own
# (the memory an in-process run leaves behind does not pile up), recorded in the same instance, then
# publishes the very versions of the one-run build.
def test_a_backfill_in_several_runs_publishes_what_one_run_publishes(
    sample_platform: SamplePlatform, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path / "data").model_copy(update={"max_landing_mib_per_run": 1})
    shutil.copytree(sample_platform.settings.landing_dir, settings.landing_dir)
    with instance_without_telemetry(tmp_path / "dagster_home") as instance:
        outcomes = materialize_days(settings, instance)
        run_processes = {run.job_name: set() for run in instance.get_runs()}
        for run in instance.get_runs():
            run_processes[run.job_name].add(run.tags[PROCESS_TAG].split("/")[2])
    sizes = {day: landing_day_bytes(settings.landing_dir, day) for day in DAYS}
    landing = [outcome for outcome in outcomes if outcome.job == LANDING_DAY_JOB]
    assert len(landing) == len(landing_runs(DAYS, sizes, 2**20)) >= 2
    assert all(outcome.success for outcome in outcomes)
    assert len(run_processes[LANDING_DAY_JOB]) == len(landing)
    assert str(os.getpid()) not in run_processes[LANDING_DAY_JOB]
    assert run_processes[DATASETS_JOB] == {str(os.getpid())}
    assert _published(outcomes) == _published(sample_platform.outcomes)
