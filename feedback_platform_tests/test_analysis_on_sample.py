"""The analysis assets as `make run` materialises them on the sample, and their checks on tampered copies."""

import dagster as dg
import polars as pl
import pytest

from feedback_platform.settings import PlatformSettings
from feedback_platform_tests.check_runs import assert_fails, run_check, tamper
from feedback_platform_tests.conftest import SamplePlatform


def _latest_metadata(sample: SamplePlatform, asset: str) -> dict[str, object]:
    event = sample.instance.get_latest_materialization_event(dg.AssetKey(asset))
    assert event is not None and event.asset_materialization is not None
    return {key: value.value for key, value in event.asset_materialization.metadata.items()}


# Guards cohort quality: every response counts once per day and once per week, and the UI gets numbers to
# plot across materialisations.
def test_cohort_quality_counts_every_response_once_per_period(sample_platform: SamplePlatform) -> None:
    quality = sample_platform.table("cohort_quality")
    responses = sample_platform.table("response_signals").height
    by_period = dict(quality.group_by("period").agg(pl.col("responses").sum()).iter_rows())
    assert by_period == {"day": responses, "week": responses}
    voted = quality.filter(pl.col("thumb_votes") > 0)
    assert voted["thumbs_up_rate_low"].is_not_null().all() and quality["thumb_votes"].sum() > 0
    metadata = _latest_metadata(sample_platform, "cohort_quality")
    assert 0 <= metadata["latest_day_thumbs_up_rate_low"] <= metadata["latest_day_thumbs_up_rate"] <= 1
    assert metadata["latest_response_date"] == str(quality["period_start"].max())


# Guards the rankings, the failure themes and their checks on the sample: the uncertainty ranking covers every
# cohort of the window; the sample's cohorts are too small for the weak ranking's 30 votes, and say so with an
# empty table; the themes count every comment on a low-rated response once (the sample's 8 comments land on
# responses with no low rating: its table is empty, the generated logs' test has the substance).
def test_rankings_and_their_checks_pass_on_the_sample(sample_platform: SamplePlatform) -> None:
    uncertain = sample_platform.table("uncertain_cohorts")
    assert uncertain["rank"].to_list() == list(range(1, uncertain.height + 1)) and uncertain.height > 0
    assert uncertain["traffic_share"].sum() == pytest.approx(1.0)
    assert (
        sample_platform.table("weakest_cohorts").height
        == _latest_metadata(sample_platform, "weakest_cohorts")["ranked_cohorts"]
    )
    themes = sample_platform.table("failure_themes")
    assert themes["cases"].sum() == _latest_metadata(sample_platform, "failure_themes")["cases"]
    checks = [
        dg.AssetCheckKey(dg.AssetKey(asset), name)
        for asset, name in [
            ("cohort_quality", "cohort_quality_intervals_hold_their_estimates"),
            ("cohort_quality", "newer_versions_are_not_worse"),
            ("weakest_cohorts", "weakest_cohorts_are_ranked_by_their_low_end"),
            ("uncertain_cohorts", "uncertain_cohorts_are_ranked_by_their_weight"),
            ("failure_themes", "failure_themes_account_for_every_case"),
            ("failure_themes", "failure_theme_mix_has_not_drifted"),
        ]
    ]
    executions = sample_platform.instance.event_log_storage.get_latest_asset_check_execution_by_key(checks)
    assert {key: record.status.value for key, record in executions.items()} == dict.fromkeys(
        checks, "SUCCEEDED"
    )


# Guards the interval check: an estimate outside its interval fails it.
def test_an_estimate_outside_its_interval_fails_the_check(platform_copy: PlatformSettings) -> None:
    tamper(
        platform_copy,
        "update cohort_quality set thumbs_up_rate_low = thumbs_up_rate + 0.01 where rowid = "
        "(select min(rowid) from cohort_quality where thumbs_up_rate < 0.9)",
    )
    evaluation = run_check(
        platform_copy,
        dg.DagsterInstance.ephemeral(),
        "cohort_quality",
        "cohort_quality_intervals_hold_their_estimates",
    )
    assert_fails(evaluation, lambda text: "'violations': 1" in text)


# Guards the ranking check: a ranking whose order was broken fails it.
def test_a_ranking_out_of_order_fails_its_check(platform_copy: PlatformSettings) -> None:
    tamper(platform_copy, "update uncertain_cohorts set uncertainty_weight = 2 where rank = 2")
    evaluation = run_check(
        platform_copy,
        dg.DagsterInstance.ephemeral(),
        "uncertain_cohorts",
        "uncertain_cohorts_are_ranked_by_their_weight",
    )
    assert_fails(evaluation, lambda text: "'violations': 1" in text)


# Guards the traffic drift check on the pipeline: the sample's days, drawn alike, pass; outputs of the latest
# day made much longer in the redacted table fail it as a warning, naming the metric.
def test_longer_outputs_on_the_latest_day_fail_the_traffic_check(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    check = ("response_signals", "traffic_has_not_drifted")
    assert run_check(sample_platform.settings, dg.DagsterInstance.ephemeral(), *check).passed
    tamper(
        platform_copy,
        "update redacted_responses set output = output || repeat(' and more', 40) "
        "where cast(created_at as date) = (select max(cast(created_at as date)) from redacted_responses)",
    )
    evaluation = run_check(platform_copy, dg.DagsterInstance.ephemeral(), *check)
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert_fails(evaluation, lambda text: "'drifted_metrics': 'output_chars'" in text)
