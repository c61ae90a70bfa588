"""The quality-drift check (feedback_rates_have_not_dropped) in a real materialisation: it warns about a
model degraded in generated logs, and stays quiet on the undegraded shared sample."""

from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform.lib.sample_logs.config import ModelDegradation
from feedback_platform.local.materialize import materialize_days
from feedback_platform_tests.conftest import SamplePlatform, settings_for

DRIFT_CHECK = dg.AssetCheckKey(dg.AssetKey("daily_feedback_distribution"), "feedback_rates_have_not_dropped")

# 4 baseline days and 3 window days of 420 responses (about 40 s through the whole pipeline). From day 4 on
# atlas-large answers badly (quality_drop 1.0): its thumbs-up rate falls from about 80% to about 30%, well
# beyond the about 37 points the test can detect with only ~45 thumbs per period at this volume.
DEGRADED_SAMPLE = SampleLogConfig(
    days=7,
    responses_per_day=420,
    seed=7,
    start_date=date(2026, 11, 1),
    degradation=ModelDegradation("atlas-large", from_day=4, quality_drop=1.0),
)


def _latest_evaluation(instance: dg.DagsterInstance) -> dg.AssetCheckEvaluation:
    record = instance.event_log_storage.get_latest_asset_check_execution_by_key([DRIFT_CHECK])[DRIFT_CHECK]
    return record.event.dagster_event.event_specific_data


def _metadata(evaluation: dg.AssetCheckEvaluation) -> dict:
    return {key: value.value for key, value in evaluation.metadata.items()}


def _rows(table: dg.TableMetadataValue) -> list[dict]:
    return [record.data for record in table.records]


@pytest.fixture(scope="module")
def degraded_run(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> dg.AssetCheckEvaluation:
    settings = settings_for(tmp_path_factory.mktemp("degraded_platform"))
    generate_sample_logs(DEGRADED_SAMPLE, settings.landing_dir)
    instance = dg.DagsterInstance.ephemeral()
    materialize_days(settings, instance)
    return _latest_evaluation(instance)


# A degraded model makes the check fail as a warning that names it, and only it; the metadata states the
# test, and lists every group with what it could have detected.
def test_degraded_model_fails_the_drift_check_as_a_warning(degraded_run: dg.AssetCheckEvaluation) -> None:
    assert degraded_run.passed is False
    assert degraded_run.severity == dg.AssetCheckSeverity.WARN
    metadata = _metadata(degraded_run)
    assert metadata["degraded_groups"] == "atlas-large (thumbs_up_rate)"
    assert "one-sided two-proportion z-test" in metadata["test"]
    assert metadata["periods"] == "baseline 2026-10-22 to 2026-11-04, window 2026-11-05 to 2026-11-07"
    (flagged,) = _rows(metadata["flagged"])
    # ~45 votes per period: only a drop of over 30 points is found with 80% power, and the one found is large
    # (a significant drop may be smaller than that minimum: found with less power, as here, 33 points)
    assert flagged["min_detectable_drop"] > 0.3 and flagged["drop"] > 0.25
    all_groups = _rows(metadata["all_groups"])
    assert {row["group"] for row in all_groups} >= {"atlas-large", "atlas-mini", "nimbus-7b", "orca-legacy"}
    daily_rates = _rows(metadata["daily_thumbs_up_rate_by_model"])
    assert [row["response_date"] for row in daily_rates] == [f"2026-11-0{day}" for day in range(1, 8)]


# The undegraded shared sample has 3 days, all inside the 3-day window: no group has a baseline, so nothing
# is tested and the check passes, reporting every group as "insufficient baseline" rather than as healthy.
def test_undegraded_sample_passes_for_want_of_a_baseline(sample_platform: SamplePlatform) -> None:
    evaluation = _latest_evaluation(sample_platform.instance)
    assert evaluation.passed is True
    metadata = _metadata(evaluation)
    assert metadata["tests_run"] == 0
    assert metadata["degraded_groups"] == "none"
    assert {row["status"] for row in _rows(metadata["all_groups"])} == {"insufficient baseline"}
