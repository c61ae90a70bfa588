"""Write, audit, publish, through real Dagster runs on copies of the sample platform.

A defect that reaches a staged dataset version fails a blocking check on it; the version is then not
published: the registry and `latest.json` stay as they were, the previous version stays latest, and the
failed check's metadata says why. Each test runs the real jobs with a fresh Dagster instance.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from feedback_platform.definitions import build_definitions
from feedback_platform.defs.job_names import LANDING_DAY_JOB
from feedback_platform.defs.unchanged_runs import landing_day_inputs, unchanged_since
from feedback_platform.lib.datasets.index import list_dataset_versions
from feedback_platform.lib.datasets.publication import LATEST_POINTER, latest_version, staging_root
from feedback_platform.lib.datasets.store import read_manifest, shard_paths
from feedback_platform.lib.logs.landing import landing_dates
from feedback_platform.local.materialize import QUIET_CONSOLE, materialize_days
from feedback_platform.settings import PlatformSettings
from feedback_platform_tests.conftest import SamplePlatform
from feedback_platform_tests.platform_copy import copy_platform

PLANTED_EMAIL = "jane.roe@example.org"


def _pointers(settings: PlatformSettings) -> dict[str, dict]:
    """Dataset name → its entry in latest.json."""
    return json.loads((settings.datasets_dir / LATEST_POINTER).read_text(encoding="utf-8"))


def _run(
    settings: PlatformSettings, instance: dg.DagsterInstance, selection: dg.AssetSelection
) -> dg.ExecuteInProcessResult:
    job = dg.define_asset_job("wap_test_job", selection=selection)
    definitions = dg.Definitions.merge(build_definitions(settings), dg.Definitions(jobs=[job]))
    return definitions.resolve_job_def("wap_test_job").execute_in_process(
        instance=instance, run_config=QUIET_CONSOLE, raise_on_error=False
    )


def _failed_checks(result: dg.ExecuteInProcessResult) -> dict[str, dict]:
    return {
        evaluation.check_name: {key: value.value for key, value in evaluation.metadata.items()}
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
    }


def _is_valid_rating(line: str) -> bool:
    """A well-formed rating event (the sample also holds malformed lines, which go to quarantine)."""
    try:
        event = json.loads(line)
    except json.JSONDecodeError:
        return False
    return isinstance(event, dict) and event.get("signal") == "rating" and isinstance(event.get("value"), int)


def _materialised(result: dg.ExecuteInProcessResult) -> set[str]:
    return {
        event.event_specific_data.materialization.asset_key.to_user_string()
        for event in result.get_asset_materialization_events()
    }


@pytest.fixture
def platform(sample_platform: SamplePlatform, tmp_path: Path) -> PlatformSettings:
    return copy_platform(sample_platform, tmp_path / "data")


# Guards the happy path of the gate: every dataset of the sample is published and latest.json names it.
def test_the_sample_publishes_every_dataset_through_staging(sample_platform: SamplePlatform) -> None:
    registry = list_dataset_versions(sample_platform.settings.datasets_dir)
    latest = registry.filter("latest")
    assert sorted(latest["name"]) == ["dpo", "eval", "kto", "sft"]
    for name, version in latest.select("name", "version").iter_rows():
        assert latest_version(sample_platform.settings.datasets_dir, name) == version
        assert not (staging_root(sample_platform.settings.datasets_dir) / name / version).exists()


# Guards the blocking DPO audit: a pair preferring a text over itself is staged, fails
# staged_dpo_dataset_prefers_a_different_non_empty_text, and the previous DPO version stays latest.
def test_chosen_equal_to_rejected_is_not_published(platform: PlatformSettings) -> None:
    instance = dg.DagsterInstance.ephemeral()
    clean = _run(platform, instance, dg.AssetSelection.groups("join", "curate", "datasets"))
    assert clean.success, _failed_checks(clean)
    pointers_before = _pointers(platform)
    registry_before = list_dataset_versions(platform.datasets_dir).drop("latest")

    with duckdb.connect(str(platform.duckdb_path)) as con:
        con.execute(
            "update dpo_pairs set rejected = chosen where pair_id = (select min(pair_id) from dpo_pairs)"
        )
    result = _run(platform, instance, dg.AssetSelection.assets("staged_dpo_dataset", "dpo_dataset"))

    failed = _failed_checks(result)
    assert set(failed) == {"staged_dpo_dataset_prefers_a_different_non_empty_text"}, failed
    assert failed["staged_dpo_dataset_prefers_a_different_non_empty_text"]["violations"] == 1
    assert "dpo_dataset" not in _materialised(result)
    staged_version = failed["staged_dpo_dataset_prefers_a_different_non_empty_text"]["staged_version"]
    assert (staging_root(platform.datasets_dir) / "dpo" / staged_version).is_dir()
    assert _pointers(platform) == pointers_before
    assert list_dataset_versions(platform.datasets_dir).drop("latest").equals(registry_before)

    # Publishing on its own cannot bypass the audit: the gate reads the failed evaluation from the instance.
    publish_only = _run(platform, instance, dg.AssetSelection.assets("dpo_dataset"))
    assert not publish_only.success
    assert _pointers(platform) == pointers_before


# Guards the residual-PII audit of dataset files: an email left in a redacted output reaches the curated
# SFT rows, is found in the staged SFT version, and that version is not published; once mended, the next
# staging removes the failed version's files.
def test_an_email_left_in_a_redacted_output_is_not_published(platform: PlatformSettings) -> None:
    pointers_before = _pointers(platform)
    with duckdb.connect(str(platform.duckdb_path)) as con:
        con.execute(
            f"update redacted_responses set output = output || ' Questions? {PLANTED_EMAIL}' "
            "where response_id = (select min(response_id) from sft_examples where target_source = 'output')"
        )
    result = _run(
        platform, dg.DagsterInstance.ephemeral(), dg.AssetSelection.groups("join", "curate", "datasets")
    )

    failed = _failed_checks(result)
    assert "staged_sft_dataset_holds_no_residual_pii" in failed, failed
    finding = failed["staged_sft_dataset_holds_no_residual_pii"]
    assert finding["violations"] >= 1 and "email" in finding["sample"]
    assert PLANTED_EMAIL not in json.dumps(failed, default=str)
    assert "sft_dataset" not in _materialised(result)
    assert _pointers(platform)["sft"] == pointers_before["sft"]
    published = list_dataset_versions(platform.datasets_dir, "sft")["version"]
    lines = [
        (path.parent / "data.jsonl").read_text()
        for version in published
        for path in shard_paths(
            platform.datasets_dir, "sft", read_manifest(platform.datasets_dir, "sft", version)
        )
    ]
    assert lines and not any(PLANTED_EMAIL in text for text in lines)

    # Once the output is mended, the next staging removes the failed version and the shards only it listed:
    # no file under the datasets folder holds the email any more.
    with duckdb.connect(str(platform.duckdb_path)) as con:
        con.execute(
            f"update redacted_responses set output = replace(output, ' Questions? {PLANTED_EMAIL}', '')"
        )
    mended = _run(
        platform, dg.DagsterInstance.ephemeral(), dg.AssetSelection.groups("join", "curate", "datasets")
    )
    assert mended.success, _failed_checks(mended)
    staged = mended.asset_materializations_for_node("staged_sft_dataset")[0].metadata
    assert staged["superseded_staged_versions_removed"].value >= 1
    assert staged["unlisted_shards_removed"].value >= 1
    files = [path for path in platform.datasets_dir.rglob("*") if path.is_file()]
    assert files and not any(PLANTED_EMAIL.encode() in path.read_bytes() for path in files)


# Guards a blocking check as a gate: a feedback event whose client is no slug passes the log contract but
# fails redacted_feedback_has_unique_ids_and_valid_values, the landing run fails, and nothing downstream
# runs, so no dataset version is published; the failed run is not taken as done, so the next launch over
# the same logs runs the day again. The outcome says why, where, and how to run it again (issue 16, item 8).
def test_a_blocking_check_failing_on_a_landing_day_publishes_nothing(platform: PlatformSettings) -> None:
    pointers_before = _pointers(platform)
    registry_before = list_dataset_versions(platform.datasets_dir).drop("latest")
    _rewrite_first_rating(platform, {"client": "Web App"})

    instance = dg.DagsterInstance.ephemeral()
    landing, *later = materialize_days(platform, instance)

    assert any(
        check.endswith(":redacted_feedback_has_unique_ids_and_valid_values")
        for check in landing.failed_checks
    )
    assert not landing.success and later == []
    # The failure is actionable: which check, day and file and line, and the command that runs it again.
    days = landing_dates(platform.landing_dir)
    (problem,) = [line for line in landing.problems if "redacted_feedback_has_unique_ids" in line]
    assert "expect_column_values_to_match_regex on client" in problem and ".jsonl" in problem
    assert landing.rerun == f"feedback-platform materialize --from {days[0]} --to {days[-1]}"
    assert _pointers(platform) == pointers_before
    assert list_dataset_versions(platform.datasets_dir).drop("latest").equals(registry_before)
    landing_job = build_definitions(platform).resolve_job_def(LANDING_DAY_JOB)
    inputs = landing_day_inputs(landing_job, platform.landing_dir, landing_dates(platform.landing_dir))
    assert unchanged_since(instance, landing_job, inputs) is None


# Guards row-level quarantine (issue 16): a rating of 7 breaks the log contract, so its line is quarantined
# with the reason and the day goes on to publish, instead of one line stopping every dataset of the night.
def test_a_rating_of_seven_is_quarantined_and_the_night_goes_on(platform: PlatformSettings) -> None:
    source = _rewrite_first_rating(platform, {"value": 7})

    outcomes = materialize_days(platform, dg.DagsterInstance.ephemeral())

    assert all(outcome.success for outcome in outcomes), outcomes
    with duckdb.connect(str(platform.duckdb_path), read_only=True) as con:
        reasons = con.execute(
            "select reason from quarantined_rows where source_file = ? and source_line = ?", source
        ).fetchall()
    assert reasons == [("field 'value' must be <= 5 for signal 'rating'",)]


def _rewrite_first_rating(platform: PlatformSettings, change: dict) -> list:
    """Apply `change` to the first valid rating event of the first feedback file; its [file, line]."""
    feedback_file = sorted((platform.landing_dir / "feedback").rglob("*.jsonl.gz"))[0]
    lines = gzip.decompress(feedback_file.read_bytes()).decode("utf-8").splitlines()
    first_rating = next(index for index, line in enumerate(lines) if _is_valid_rating(line))
    lines[first_rating] = json.dumps(json.loads(lines[first_rating]) | change)
    feedback_file.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8")))
    return [str(feedback_file.relative_to(platform.landing_dir)), first_rating + 1]
