"""Every custom check fails on the defect it exists for.

Each test copies the sample platform, injects one defect into a real table or dataset file, and runs
only the check that must catch it, through Dagster with the real resources.
"""

import polars as pl
import pytest

from feedback_platform.lib.datasets.store import read_manifest, shard_paths
from feedback_platform.settings import PlatformSettings
from feedback_platform_tests.check_runs import assert_fails, run_check, tamper
from feedback_platform_tests.conftest import SamplePlatform

FIRST_DAY = "2026-11-01"


# The contract quarantines a rating of 7 at ingest; one that reaches raw_feedback another way (a table written
# by hand, an edited schema) is caught by the range check.
def test_rating_of_seven_fails_the_range_check(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(
        platform_copy,
        "update raw_feedback set value = '7' where event_id = (select min(event_id) from raw_feedback "
        f"where signal = 'rating' and landing_date = '{FIRST_DAY}')",
    )
    evaluation = run_check(
        platform_copy, sample_platform.instance, "raw_feedback", "rating_within_one_to_five", FIRST_DAY
    )
    assert_fails(
        evaluation,
        lambda text: "'unexpected_count': 1" in text and "[7] at feedback/2026-11-01/" in text,
    )


# A response id repeated within one landing day fails the raw uniqueness suite.
def test_duplicate_response_id_fails_uniqueness(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(
        platform_copy,
        f"insert into raw_responses select * from raw_responses where landing_date = '{FIRST_DAY}' limit 1",
    )
    evaluation = run_check(
        platform_copy,
        sample_platform.instance,
        "raw_responses",
        "raw_responses_have_unique_ids_and_required_fields",
        FIRST_DAY,
    )
    assert_fails(evaluation, lambda text: "expect_compound_columns_to_be_unique" in text)


# A landing line neither kept nor quarantined breaks the line balance.
def test_a_lost_line_fails_the_line_balance(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(
        platform_copy,
        "delete from raw_feedback where rowid = "
        f"(select min(rowid) from raw_feedback where landing_date = '{FIRST_DAY}')",
    )
    evaluation = run_check(
        platform_copy,
        sample_platform.instance,
        "quarantined_rows",
        "every_landing_line_is_accounted_for",
        FIRST_DAY,
    )
    assert_fails(evaluation, lambda text: "'stream': 'feedback'" in text)


# A day whose producer broke (most lines of a stream quarantined) is stopped, naming stream, day and reason.
def test_a_broken_producer_fails_the_quarantine_share(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(
        platform_copy,
        "insert into quarantined_rows select 'feedback', landing_date, source_file, source_line + 100000,"
        f" 'invalid JSON', '{{\"event_id\": ' from raw_feedback where landing_date = '{FIRST_DAY}'",
    )
    evaluation = run_check(
        platform_copy,
        sample_platform.instance,
        "quarantined_rows",
        "quarantined_share_within_limit",
        FIRST_DAY,
    )
    assert_fails(evaluation, lambda text: "'stream': 'feedback'" in text and "'invalid JSON'" in text)
    assert evaluation.description is not None and evaluation.description.startswith(f"feedback {FIRST_DAY}:")


# An email left in a redacted comment is found by the residual scan, and the value itself is masked.
def test_an_email_left_in_redacted_feedback_fails(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(
        platform_copy,
        "update redacted_feedback set value = 'write to jane.roe@example.org please' where event_id = "
        "(select min(event_id) from redacted_feedback "
        f"where signal = 'comment' and landing_date = '{FIRST_DAY}')",
    )
    evaluation = run_check(
        platform_copy,
        sample_platform.instance,
        "redacted_feedback",
        "redacted_feedback_holds_no_emails_phones_cards_or_keys",
        FIRST_DAY,
    )
    assert_fails(evaluation, lambda text: "email" in text and "jane.roe@example.org" not in text)


# A row lost between the raw and redacted tables is reported.
def test_a_row_lost_in_redaction_fails(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(
        platform_copy,
        "delete from redacted_responses where response_id = "
        f"(select min(response_id) from redacted_responses where landing_date = '{FIRST_DAY}')",
    )
    evaluation = run_check(
        platform_copy,
        sample_platform.instance,
        "redacted_responses",
        "redacted_responses_keep_every_raw_row",
        FIRST_DAY,
    )
    assert_fails(evaluation, lambda text: "'missing': 1" in text)


# A DPO pair whose chosen text equals its rejected text teaches nothing and is refused.
def test_chosen_equal_to_rejected_fails(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(
        platform_copy,
        "update dpo_pairs set rejected = chosen where pair_id = (select min(pair_id) from dpo_pairs)",
    )
    evaluation = run_check(
        platform_copy, sample_platform.instance, "dpo_pairs", "dpo_chosen_differs_from_rejected"
    )
    assert_fails(evaluation, lambda text: "'violations': 1" in text)


# An SFT example whose target is only whitespace teaches nothing: the curated table's suite, which reads the
# targets and ids but not the prompts, refuses it.
def test_a_blank_sft_target_fails_the_suite(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(
        platform_copy,
        "update sft_examples set completion = '  ' "
        "where example_id = (select min(example_id) from sft_examples)",
    )
    evaluation = run_check(
        platform_copy,
        sample_platform.instance,
        "sft_examples",
        "sft_examples_have_unique_ids_and_non_empty_targets",
    )
    assert_fails(evaluation, lambda text: "completion_length" in text)


# A user who opts out after curation must not have rows in SFT: neither the curated table's check nor the
# staged version's audit (which reads only the rows' response ids) lets the row through.
@pytest.mark.parametrize(
    ("asset", "check", "reported"),
    [
        ("sft_examples", "sft_examples_exclude_users_who_opted_out", "'offending_responses': 1"),
        ("staged_sft_dataset", "staged_sft_dataset_excludes_users_who_opted_out", "'violations': 1"),
    ],
)
def test_an_opted_out_users_sft_row_fails(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings, asset: str, check: str, reported: str
) -> None:
    tamper(
        platform_copy,
        "update response_signals set training_allowed = false "
        "where response_id = (select min(response_id) from sft_examples)",
    )
    evaluation = run_check(platform_copy, sample_platform.instance, asset, check)
    assert_fails(evaluation, lambda text: reported in text)


# The staged audits against the marts read only the mart rows the version names: an event a staged row was
# selected by that left the mart, or whose author does not allow training, is still found.
@pytest.mark.parametrize(
    ("change", "check"),
    [
        ("delete from feedback_with_responses", "staged_sft_dataset_traces_to_feedback_events"),
        (
            "update feedback_with_responses set author_allows_training = false",
            "staged_sft_dataset_selected_only_by_events_their_authors_allow",
        ),
    ],
)
def test_a_staged_row_selected_by_a_missing_or_withheld_event_fails(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings, change: str, check: str
) -> None:
    tamper(
        platform_copy,
        f"{change} where event_id = (select min(event_id) from"
        " (select unnest(feedback_event_ids) as event_id from sft_examples))",
    )
    evaluation = run_check(platform_copy, sample_platform.instance, "staged_sft_dataset", check)
    assert_fails(evaluation, lambda text: "'violations': 1" in text)


# A published dataset's shard file changed after the fact no longer matches its content hash.
def test_a_tampered_dataset_file_fails(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    versions = sample_platform.table("dataset_versions").filter(pl.col("name") == "eval")
    version = versions["version"].item()
    manifest = read_manifest(platform_copy.datasets_dir, "eval", version)
    data_file = shard_paths(platform_copy.datasets_dir, "eval", manifest)[0]
    pl.read_parquet(data_file).slice(1).write_parquet(data_file)
    evaluation = run_check(
        platform_copy, sample_platform.instance, "eval_dataset", "eval_dataset_files_match_their_version"
    )
    assert_fails(evaluation, lambda text: version in text)


# A dataset row without lineage breaks the auditor's trace.
def test_a_row_without_lineage_fails(
    sample_platform: SamplePlatform, platform_copy: PlatformSettings
) -> None:
    tamper(
        platform_copy,
        "delete from dataset_shard_lineage where row_id = "
        "(select min(row_id) from dataset_shard_lineage where dataset = 'sft')",
    )
    evaluation = run_check(
        platform_copy, sample_platform.instance, "dataset_row_lineage", "every_dataset_row_has_lineage"
    )
    assert_fails(evaluation, lambda text: "'dataset': 'sft'" in text)
