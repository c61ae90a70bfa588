"""`feedback-platform check`: the layers' checks run on the current tables and the report says what failed.

The checks run through Dagster with the real resources on the shared sample platform or on a tampered
copy of it; nothing is materialised.
"""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from feedback_platform.local.check_report import CheckOutcome, CheckStatus, QualityReport, run_layer_checks
from feedback_platform.settings import PlatformSettings
from feedback_platform_tests.check_runs import tamper
from feedback_platform_tests.conftest import SamplePlatform
from feedback_platform_tests.platform_copy import cli_env

LANDING_DAYS = "2026-11-01..2026-11-03"

RATING_OF_SEVEN = (
    "update raw_feedback set value = '7' where event_id = (select min(event_id) from raw_feedback "
    "where signal = 'rating' and landing_date = '2026-11-01')"
)


def _by_check(report: QualityReport) -> dict[str, CheckOutcome]:
    return {outcome.check: outcome for outcome in report.outcomes}


def _not_passed(report: QualityReport) -> list[str]:
    return [outcome.check for outcome in report.outcomes if outcome.status != CheckStatus.PASS]


# Guards the gate's happy path: on the untouched sample every ingest and curate check runs once and passes,
# the ingest ones over all three landing days, and nothing from other layers is run.
def test_ingest_and_curate_checks_pass_on_the_sample(sample_platform: SamplePlatform) -> None:
    report = run_layer_checks(sample_platform.settings, sample_platform.instance, ["ingest", "curate"])
    assert not report.failed
    assert _not_passed(report) == []
    checks = _by_check(report)
    assert len(checks) == len(report.outcomes)
    assert {outcome.layer for outcome in report.outcomes} == {"ingest", "curate"}
    rating, balance, dpo = (
        checks["rating_within_one_to_five"],
        checks["every_landing_line_is_accounted_for"],
        checks["dpo_chosen_differs_from_rejected"],
    )
    assert (rating.layer, rating.partitions, balance.partitions) == ("ingest", LANDING_DAYS, LANDING_DAYS)
    assert (dpo.layer, dpo.partitions) == ("curate", None)
    layers = [outcome.layer for outcome in report.outcomes]
    assert layers == ["ingest"] * layers.count("ingest") + ["curate"] * layers.count("curate")


# Guards the gate: a rating of 7 tampered into raw_feedback fails the range check alone, the report shows
# the offending value, and the report as a whole fails. The line-balance check, which Dagster would hold
# back behind the failed blocking check on raw_feedback, still runs and passes. (Ingest checks need no
# history, so a fresh instance keeps the shared one free of the tampered evaluations.)
def test_a_rating_of_seven_fails_the_report(platform_copy: PlatformSettings) -> None:
    tamper(platform_copy, RATING_OF_SEVEN)
    report = run_layer_checks(platform_copy, dg.DagsterInstance.ephemeral(), ["ingest"])
    assert report.failed
    assert _not_passed(report) == ["rating_within_one_to_five"], report.outcomes
    failed = _by_check(report)["rating_within_one_to_five"]
    assert failed.status == CheckStatus.FAIL
    assert "1 unexpected" in failed.details["summary"] and "[7]" in failed.details["summary"]


# Guards ERROR: a check that cannot read its table is reported as an error with the reason, never as a
# pass, and fails the report.
def test_a_check_that_cannot_run_is_an_error(platform_copy: PlatformSettings) -> None:
    tamper(platform_copy, "drop table raw_consent")
    report = run_layer_checks(platform_copy, dg.DagsterInstance.ephemeral(), ["ingest"])
    errored = _by_check(report)["raw_consent_has_known_actions"]
    assert errored.status == CheckStatus.ERROR
    assert "raw_consent" in errored.details["error"]
    assert report.failed


# Guards the checks that read a recorded version: on a copied data folder without its Dagster home they
# cannot tell which version to audit, and say so; the checks on the tables still run and pass.
def test_dataset_checks_without_the_recorded_versions_say_what_is_missing(
    platform_copy: PlatformSettings,
) -> None:
    report = run_layer_checks(platform_copy, dg.DagsterInstance.ephemeral(), ["datasets"])
    outcomes = _by_check(report)

    staged_suite = outcomes["staged_sft_dataset_passes_its_suite"]
    assert staged_suite.status == CheckStatus.ERROR
    assert "no materialisation of staged_sft_dataset" in staged_suite.details["error"]
    assert outcomes["sft_dataset_files_match_their_version"].status == CheckStatus.ERROR
    assert outcomes["daily_feedback_conversion_counts_every_event_in_the_latest_datasets"].status == (
        CheckStatus.PASS
    )
    assert report.failed


# Guards the exit rule: a check failed at WARN severity is reported but does not fail the report.
def test_warnings_alone_do_not_fail_the_report() -> None:
    warned = CheckOutcome("join", "daily_quality", "thumbs_up_rate_in_range", CheckStatus.WARN)
    passed = CheckOutcome("join", "daily_quality", "response_date_not_null", CheckStatus.PASS)
    assert not QualityReport(("join",), [passed, warned]).failed
    assert QualityReport(("join",), [passed, warned]).counts()[CheckStatus.WARN] == 1
    assert QualityReport(("join",), [passed, CheckOutcome("join", "x", "y", CheckStatus.FAIL)]).failed


# Guards the command a data CI runs: exit 0 on the untouched copy, exit 1 once a rating of 7 is tampered
# in, with a report that names the failed check and the offending value (and no Dagster log flood).
def test_check_command_exits_non_zero_on_bad_data(platform_copy: PlatformSettings) -> None:
    # No DAGSTER_HOME: the command uses <data dir>/dagster_home.
    with_copy = {**os.environ, "DAGSTER_HOME": None, **cli_env(platform_copy)}
    environment = {name: value for name, value in with_copy.items() if value is not None}
    command = [str(Path(sys.executable).with_name("feedback-platform")), "check", "--layer", "ingest"]

    clean = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=600)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "PASS  raw_feedback" in clean.stdout and "0 FAIL, 0 WARN, 0 ERROR -> OK" in clean.stdout

    tamper(platform_copy, RATING_OF_SEVEN)
    tampered = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=600)
    assert tampered.returncode == 1, tampered.stdout + tampered.stderr
    failure_line = next(line for line in tampered.stdout.splitlines() if "rating_within_one_to_five" in line)
    assert failure_line.split() == ["FAIL", "raw_feedback", "rating_within_one_to_five", f"[{LANDING_DAYS}]"]
    assert "e.g. [7]" in tampered.stdout
    assert "1 FAIL" in tampered.stdout and "-> FAILED" in tampered.stdout
    assert "STEP_" not in tampered.stdout + tampered.stderr
