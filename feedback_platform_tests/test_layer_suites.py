"""The layer suites (schema, keys and values, marts, volume and arrival) pass on the sample and catch
the defect each exists for; an orphan feedback event stops the datasets job before curation.

Passing: every new check runs once per landing day (partitioned ones) or once (the mart suites), in
one check-only Dagster run each, on the shared sample. Failing: a copy of the platform is tampered
with SQL and only the check that must catch the defect is run.
"""

from collections.abc import Callable
from datetime import timedelta

import dagster as dg
import pytest

from feedback_platform.definitions import build_definitions
from feedback_platform.lib.datasets.index import list_dataset_versions
from feedback_platform.settings import PlatformSettings
from feedback_platform_tests.check_runs import assert_fails, query_rows, run_check, run_checks, tamper
from feedback_platform_tests.conftest import SAMPLE, SamplePlatform

LANDING_DAYS = [str(SAMPLE.start_date + timedelta(days=offset)) for offset in range(SAMPLE.days)]
LAST_DAY = LANDING_DAYS[-1]

PARTITIONED_CHECKS = [
    *(
        (table, f"{table}_schema_matches_contract")
        for table in (
            "raw_responses",
            "raw_feedback",
            "raw_consent",
            "quarantined_rows",
            "redacted_responses",
            "redacted_feedback",
        )
    ),
    ("redacted_responses", "redacted_responses_have_unique_ids_and_valid_fields"),
    ("redacted_feedback", "redacted_feedback_has_unique_ids_and_valid_values"),
    ("raw_responses", "raw_responses_volume_near_trailing_median"),
    ("raw_feedback", "raw_feedback_volume_near_trailing_median"),
    ("raw_responses", "raw_responses_last_event_near_end_of_landing_day"),
    ("raw_feedback", "raw_feedback_last_event_near_end_of_landing_day"),
    ("raw_feedback", "raw_feedback_late_event_share_within_limit"),
]
MART_CHECKS = [
    ("feedback_with_responses", "feedback_with_responses_values_are_complete_and_consistent"),
    ("response_signals", "response_signals_counts_are_consistent"),
    ("daily_quality", "daily_quality_figures_are_consistent"),
]


def _keys(checks: list[tuple[str, str]]) -> list[dg.AssetCheckKey]:
    return [dg.AssetCheckKey(dg.AssetKey(asset), name) for asset, name in checks]


def _failures(evaluations: dict[dg.AssetCheckKey, dg.AssetCheckEvaluation]) -> dict[str, dict]:
    return {
        key.name: {name: value.value for name, value in evaluation.metadata.items()}
        for key, evaluation in evaluations.items()
        if not evaluation.passed
    }


# Guards against false alarms: every layer suite passes on each well-formed sample landing day.
@pytest.mark.parametrize("landing_day", LANDING_DAYS)
def test_partitioned_suites_pass_on_the_sample(sample_platform: SamplePlatform, landing_day: str) -> None:
    evaluations = run_checks(
        sample_platform.settings, sample_platform.instance, _keys(PARTITIONED_CHECKS), landing_day
    )
    assert set(evaluations) == set(_keys(PARTITIONED_CHECKS))
    assert _failures(evaluations) == {}


# Guards against false alarms on the dbt marts, whose rows the checks load by asset name.
def test_mart_suites_pass_on_the_sample(sample_platform: SamplePlatform) -> None:
    evaluations = run_checks(sample_platform.settings, sample_platform.instance, _keys(MART_CHECKS))
    assert set(evaluations) == set(_keys(MART_CHECKS))
    assert _failures(evaluations) == {}
    assert all(evaluation.blocking for evaluation in evaluations.values())


# Guards the incremental marts' suites reading what a nightly rebuilt, not the history: a check judges the
# rows built (stamped by dbt) after the newest stamp it judged when it last passed; a row broken by a later
# build fails it, and keeps failing it until mended, and a row not rebuilt since is not read again.
def test_an_incremental_mart_suite_judges_the_rows_built_since_it_last_passed(
    platform_copy: PlatformSettings,
) -> None:
    asset, check = "response_signals", "response_signals_counts_are_consistent"
    instance = dg.DagsterInstance.ephemeral()  # a check history of its own: no earlier pass

    def judge() -> tuple[bool, int]:
        evaluation = run_check(platform_copy, instance, asset, check)
        return evaluation.passed, evaluation.metadata["rows_checked"].value

    [(responses,)] = query_rows(platform_copy, "select count(*) from response_signals")
    assert judge() == (True, responses)
    assert judge() == (True, 0)
    rebuilt_broken = (
        "update response_signals set thumbs_up = -1, built_at = built_at + interval 1 day"
        " where response_id = (select min(response_id) from response_signals)"
    )
    tamper(platform_copy, rebuilt_broken)
    assert judge() == (False, 1)
    assert judge() == (False, 1)
    tamper(
        platform_copy,
        "update response_signals set thumbs_up = 0 where thumbs_up = -1",
        "update response_signals set thumbs_up = -1"
        " where response_id = (select max(response_id) from response_signals)",
    )
    assert judge() == (True, 1)


# A column stored with the wrong type (latency as text) fails the schema check, naming both types.
def test_a_wrong_column_type_fails_the_schema_check(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(platform_copy, "alter table raw_responses alter latency_ms type varchar")
    evaluation = run_check(
        platform_copy,
        sample_platform.instance,
        "raw_responses",
        "raw_responses_schema_matches_contract",
        LAST_DAY,
    )
    assert_fails(
        evaluation,
        lambda text: "{'column': 'latency_ms', 'expected': 'BIGINT', 'actual': 'VARCHAR'}" in text,
    )


# A renamed column fails the Great Expectations column-list expectation of the schema check.
def test_a_renamed_column_fails_the_schema_check(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(platform_copy, "alter table redacted_feedback rename column client to client_app")
    evaluation = run_check(
        platform_copy,
        sample_platform.instance,
        "redacted_feedback",
        "redacted_feedback_schema_matches_contract",
        LAST_DAY,
    )
    assert_fails(
        evaluation,
        lambda text: "expect_table_columns_to_match_ordered_list" in text and "client_app" in text,
    )


# A signal the contract does not name, reaching the redacted table, fails its suite (blocking).
def test_an_unknown_signal_fails_the_redacted_feedback_suite(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(
        platform_copy,
        "update redacted_feedback set signal = 'teleport' where event_id = "
        f"(select min(event_id) from redacted_feedback where landing_date = '{LAST_DAY}')",
    )
    evaluation = run_check(
        platform_copy,
        sample_platform.instance,
        "redacted_feedback",
        "redacted_feedback_has_unique_ids_and_valid_values",
        LAST_DAY,
    )
    assert evaluation.blocking
    assert_fails(evaluation, lambda text: "expect_column_values_to_be_in_set" in text and "teleport" in text)


# A mart whose figures disagree (more responses with feedback than responses) is stopped before curation.
def test_more_responses_with_feedback_than_responses_fails_daily_quality(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(
        platform_copy,
        "update daily_quality set responses_with_feedback = responses + 1 where rowid = "
        "(select min(rowid) from daily_quality)",
    )
    evaluation = run_check(
        platform_copy, sample_platform.instance, "daily_quality", "daily_quality_figures_are_consistent"
    )
    assert_fails(
        evaluation,
        lambda text: (
            "expect_column_pair_values_a_to_be_greater_than_b" in text and "'unexpected_count': 1" in text
        ),
    )


def _assert_warns(evaluation: dg.AssetCheckEvaluation, found_in_metadata: Callable[[str], bool]) -> None:
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert not evaluation.blocking
    assert_fails(evaluation, found_in_metadata)


# A landing day delivered with about a third of its rows warns: its count is far below the trailing median.
def test_a_day_with_a_fraction_of_its_rows_warns_on_volume(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(
        platform_copy,
        f"delete from raw_feedback where landing_date = '{LAST_DAY}' and hash(event_id) % 3 <> 0",
    )
    evaluation = run_check(
        platform_copy,
        sample_platform.instance,
        "raw_feedback",
        "raw_feedback_volume_near_trailing_median",
        LAST_DAY,
    )
    _assert_warns(evaluation, lambda text: "'verdict': 'below band'" in text)
    assert evaluation.metadata["ratio"].value < 0.5
    assert evaluation.metadata["baseline"].value > evaluation.metadata["count"].value


# A day whose events stop at noon (a truncated delivery) warns: its newest event is 12 hours before midnight.
def test_a_day_truncated_early_warns_on_its_last_event(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(
        platform_copy,
        f"delete from raw_responses where landing_date = '{LAST_DAY}' "
        f"and created_at >= '{LAST_DAY} 12:00:00'",
    )
    evaluation = run_check(
        platform_copy,
        sample_platform.instance,
        "raw_responses",
        "raw_responses_last_event_near_end_of_landing_day",
        LAST_DAY,
    )
    _assert_warns(evaluation, lambda text: "'max_hours_before_day_end': 6.0" in text)
    assert evaluation.metadata["hours_before_day_end"].value >= 12


# A day on which a third of the feedback was created the day before warns on the share of late events.
def test_many_late_events_warn(sample_platform: SamplePlatform, platform_copy: PlatformSettings) -> None:
    tamper(
        platform_copy,
        "update raw_feedback set created_at = created_at - interval 1 day "
        f"where landing_date = '{LAST_DAY}' and hash(event_id) % 3 = 0",
    )
    evaluation = run_check(
        platform_copy,
        sample_platform.instance,
        "raw_feedback",
        "raw_feedback_late_event_share_within_limit",
        LAST_DAY,
    )
    _assert_warns(evaluation, lambda text: "'max_late_share': 0.1" in text)
    assert evaluation.metadata["late_share"].value > 0.2


# Done-when of issue 5: a feedback event about a response that exists nowhere fails dbt's relationships
# test on stg_feedback__events, and the datasets job then curates and publishes nothing.
def test_an_orphan_feedback_event_stops_the_datasets_job(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    versions_before = list_dataset_versions(platform_copy.datasets_dir)
    tamper(
        platform_copy,
        "insert into redacted_feedback select * replace ('orphan-event' as event_id, "
        "'response-that-never-was' as response_id) from redacted_feedback "
        f"where landing_date = '{LAST_DAY}' limit 1",
    )
    result = (
        build_definitions(platform_copy)
        .resolve_job_def("datasets_job")
        .execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    )
    relationships = [
        evaluation
        for evaluation in result.get_asset_check_evaluations()
        if evaluation.asset_key == dg.AssetKey("stg_feedback__events")
        and "relationships" in evaluation.check_name
    ]
    assert [evaluation.passed for evaluation in relationships] == [False]
    materialized = {event.asset_key for event in result.get_asset_materialization_events()}
    # Everything fed by the staged events (marts, curated sets, datasets) is skipped; curation_rules,
    # which only snapshots the rules file, may still run.
    fed_by_events = _downstream_of(platform_copy, "stg_feedback__events")
    assert fed_by_events & _assets_of_groups(platform_copy, "curate", "datasets")
    assert materialized & fed_by_events == set()
    versions_after = list_dataset_versions(platform_copy.datasets_dir)
    assert versions_after["sequence"].max() == versions_before["sequence"].max()
    assert versions_after.height == versions_before.height


def _assets_of_groups(settings: PlatformSettings, *groups: str) -> set[dg.AssetKey]:
    return dg.AssetSelection.groups(*groups).resolve(build_definitions(settings).resolve_asset_graph())


def _downstream_of(settings: PlatformSettings, asset: str) -> set[dg.AssetKey]:
    """Every asset fed, directly or not, by `asset` (not itself)."""
    selection = dg.AssetSelection.assets(asset).downstream(include_self=False)
    return selection.resolve(build_definitions(settings).resolve_asset_graph())
