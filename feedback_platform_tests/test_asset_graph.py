"""A snapshot of the asset graph: keys, layers, lineage edges, checks and schedules.

An accidental change to the graph (a renamed asset, a lost dependency, a dropped check) fails here
before it reaches a nightly run or an auditor's lineage view.
"""

from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from feedback_platform.definitions import build_definitions
from feedback_platform.lib.datasets.store import write_dataset_version
from feedback_platform.lib.datasets.training_runs import register_training_run
from feedback_platform_tests.conftest import settings_for

GROUPS = {
    "ingest": {"raw_responses", "raw_feedback", "raw_consent", "quarantined_rows"},
    "redact": {
        "redacted_responses",
        "redacted_feedback",
        "redaction_audit",
        "consent_erasures",
        "raw_text_retention",
    },
    "join": {
        "stg_feedback__responses",
        "stg_feedback__events",
        "stg_feedback__consent_events",
        "int_users_consent_latest",
        "int_consent_changes",
        "int_feedback_events_joined_to_responses",
        "feedback_with_responses",
        "response_signals",
        "daily_quality",
        "cohort_daily_counts",
        "daily_feedback_distribution",
    },
    "curate": {
        "curation_rules",
        "curation_text_facts",
        "eval_examples",
        "sft_examples",
        "dpo_pairs",
        "kto_examples",
    },
    "datasets": {
        "staged_eval_dataset",
        "staged_sft_dataset",
        "staged_dpo_dataset",
        "staged_kto_dataset",
        "eval_dataset",
        "sft_dataset",
        "dpo_dataset",
        "kto_dataset",
        "dataset_versions",
        "dataset_row_lineage",
        "daily_feedback_conversion",
    },
    "analysis": {"cohort_quality", "weakest_cohorts", "uncertain_cohorts", "failure_themes"},
}

EDGES = {
    ("raw_responses", "redacted_responses"),
    ("raw_feedback", "redacted_feedback"),
    ("raw_responses", "redacted_feedback"),  # pseudonyms: the conversation of the response an event rates
    ("redacted_responses", "redaction_audit"),
    ("redacted_feedback", "redaction_audit"),
    ("redacted_responses", "stg_feedback__responses"),
    ("redacted_feedback", "stg_feedback__events"),
    ("raw_consent", "stg_feedback__consent_events"),
    ("raw_consent", "consent_erasures"),
    ("redaction_audit", "consent_erasures"),
    ("consent_erasures", "raw_text_retention"),  # after the erasures: both rewrite the warehouse file
    ("redacted_responses", "raw_text_retention"),  # raw text becomes its redaction
    ("redacted_feedback", "raw_text_retention"),
    ("quarantined_rows", "raw_text_retention"),
    ("stg_feedback__consent_events", "int_consent_changes"),
    ("int_consent_changes", "feedback_with_responses"),
    ("curation_rules", "eval_examples"),
    ("curation_rules", "kto_examples"),
    ("feedback_with_responses", "eval_examples"),
    ("feedback_with_responses", "sft_examples"),
    ("feedback_with_responses", "dpo_pairs"),
    ("feedback_with_responses", "kto_examples"),
    ("feedback_with_responses", "curation_text_facts"),
    ("curation_text_facts", "eval_examples"),
    ("curation_text_facts", "sft_examples"),
    ("curation_text_facts", "dpo_pairs"),
    ("curation_text_facts", "kto_examples"),
    ("eval_examples", "staged_eval_dataset"),
    ("sft_examples", "staged_sft_dataset"),
    ("dpo_pairs", "staged_dpo_dataset"),
    ("kto_examples", "staged_kto_dataset"),
    ("staged_eval_dataset", "eval_dataset"),  # write, audit, publish
    ("staged_sft_dataset", "sft_dataset"),
    ("staged_dpo_dataset", "dpo_dataset"),
    ("staged_kto_dataset", "kto_dataset"),
    ("kto_dataset", "dataset_versions"),
    ("eval_dataset", "dataset_versions"),
    ("dataset_versions", "dataset_row_lineage"),
    ("feedback_with_responses", "daily_feedback_conversion"),
    ("dataset_row_lineage", "daily_feedback_conversion"),
    ("dataset_versions", "daily_feedback_conversion"),
    ("response_signals", "cohort_daily_counts"),
    ("feedback_with_responses", "cohort_daily_counts"),  # each response's latest thumb and rating
    ("cohort_daily_counts", "daily_feedback_distribution"),
    ("cohort_daily_counts", "cohort_quality"),
    ("cohort_daily_counts", "weakest_cohorts"),
    ("cohort_daily_counts", "uncertain_cohorts"),
    ("feedback_with_responses", "failure_themes"),
}

PYTHON_CHECKS = {
    ("raw_responses", "raw_responses_have_unique_ids_and_required_fields"),
    ("raw_feedback", "raw_feedback_has_unique_ids_and_required_fields"),
    ("raw_feedback", "rating_within_one_to_five"),
    ("raw_consent", "raw_consent_has_known_actions"),
    ("quarantined_rows", "every_landing_line_is_accounted_for"),
    ("quarantined_rows", "quarantined_share_within_limit"),
    ("redacted_responses", "redacted_responses_hold_no_emails_phones_cards_or_keys"),
    ("redacted_feedback", "redacted_feedback_holds_no_emails_phones_cards_or_keys"),
    ("redacted_responses", "redacted_responses_keep_every_raw_row"),
    ("redacted_feedback", "redacted_feedback_keep_every_raw_row"),
    ("redaction_audit", "redaction_audit_names_only_known_entity_types"),
    ("curation_rules", "curation_rules_version_changes_with_content"),
    ("curation_text_facts", "curation_text_facts_match_the_mart"),
    ("eval_examples", "eval_examples_have_unique_ids_and_outputs"),
    ("sft_examples", "sft_examples_have_unique_ids_and_non_empty_targets"),
    ("sft_examples", "sft_examples_exclude_users_who_opted_out"),
    ("dpo_pairs", "dpo_pairs_have_unique_ids_and_both_sides"),
    ("dpo_pairs", "dpo_chosen_differs_from_rejected"),
    ("dpo_pairs", "dpo_pairs_exclude_users_who_opted_out"),
    ("kto_examples", "kto_examples_have_unique_ids_labels_and_splits"),
    ("kto_examples", "kto_examples_exclude_users_who_opted_out"),
    ("eval_dataset", "eval_dataset_files_match_their_version"),
    ("sft_dataset", "sft_dataset_files_match_their_version"),
    ("dpo_dataset", "dpo_dataset_files_match_their_version"),
    ("kto_dataset", "kto_dataset_files_match_their_version"),
    ("dataset_versions", "dataset_versions_are_unique_and_complete"),
    ("dataset_row_lineage", "every_dataset_row_has_lineage"),
    ("daily_feedback_conversion", "daily_feedback_conversion_counts_are_consistent"),
    ("daily_feedback_conversion", "daily_feedback_conversion_counts_every_event_in_the_latest_datasets"),
    *(
        (f"staged_{name}_dataset", f"staged_{name}_dataset_{audit}")
        for name in ("eval", "sft", "dpo", "kto")
        for audit in (
            "passes_its_suite",
            "holds_no_residual_pii",
            "traces_to_feedback_events",
            "excludes_users_who_opted_out",
            "selected_only_by_events_their_authors_allow",
            "tenant_versions_hold_one_tenant",
        )
    ),
    *(
        (f"staged_{name}_dataset", f"staged_{name}_dataset_keeps_each_prompt_in_one_split")
        for name in ("sft", "dpo", "kto")
    ),
    ("staged_sft_dataset", "staged_sft_dataset_shares_no_prompt_with_eval"),
    ("staged_dpo_dataset", "staged_dpo_dataset_prefers_a_different_non_empty_text"),
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
    ("feedback_with_responses", "feedback_with_responses_values_are_complete_and_consistent"),
    ("response_signals", "response_signals_counts_are_consistent"),
    ("daily_quality", "daily_quality_figures_are_consistent"),
    ("raw_responses", "raw_responses_volume_near_trailing_median"),
    ("raw_feedback", "raw_feedback_volume_near_trailing_median"),
    ("raw_responses", "raw_responses_last_event_near_end_of_landing_day"),
    ("raw_feedback", "raw_feedback_last_event_near_end_of_landing_day"),
    ("raw_feedback", "raw_feedback_late_event_share_within_limit"),
    ("daily_feedback_distribution", "feedback_rates_have_not_dropped"),
    ("response_signals", "traffic_has_not_drifted"),
    ("cohort_quality", "cohort_quality_intervals_hold_their_estimates"),
    ("cohort_quality", "newer_versions_are_not_worse"),
    ("weakest_cohorts", "weakest_cohorts_are_ranked_by_their_low_end"),
    ("uncertain_cohorts", "uncertain_cohorts_are_ranked_by_their_weight"),
    ("failure_themes", "failure_themes_account_for_every_case"),
    ("failure_themes", "failure_theme_mix_has_not_drifted"),
}


@pytest.fixture(scope="module")
def asset_graph(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> dg.Definitions:
    definitions = build_definitions(settings_for(tmp_path_factory.mktemp("graph")))
    dg.Definitions.validate_loadable(definitions)
    return definitions


def _specs(definitions: dg.Definitions) -> dict[str, dg.AssetSpec]:
    return {spec.key.to_user_string(): spec for spec in definitions.resolve_all_asset_specs()}


# Guards the layer layout the UI shows: every asset, and only these, in the group of its layer.
def test_assets_sit_in_their_layer(asset_graph: dg.Definitions) -> None:
    groups: dict[str, set[str]] = {}
    for key, spec in _specs(asset_graph).items():
        groups.setdefault(spec.group_name, set()).add(key)
    assert groups == GROUPS


# Guards lineage: each layer reads the one before it (dbt reads redacted tables, never raw free text).
def test_lineage_edges(asset_graph: dg.Definitions) -> None:
    specs = _specs(asset_graph)
    edges = {(dep.asset_key.to_user_string(), key) for key, spec in specs.items() for dep in spec.deps}
    assert edges >= EDGES
    dbt_sources = {upstream for upstream, downstream in edges if downstream.startswith("stg_")}
    assert dbt_sources == {"redacted_responses", "redacted_feedback", "raw_consent"}


# Guards the checks on every layer, Python and dbt alike; the dbt relationships test is the orphan detector.
def test_every_layer_is_checked(asset_graph: dg.Definitions) -> None:
    checks = {
        (key.asset_key.to_user_string(), key.name)
        for key in asset_graph.resolve_asset_graph().asset_check_keys
    }
    assert checks >= PYTHON_CHECKS
    unchecked = set().union(*GROUPS.values()) - {asset for asset, _ in checks}
    assert unchecked == set()
    assert any(asset == "stg_feedback__events" and "relationships" in name for asset, name in checks)


# Guards the nightly schedules data engineers rely on.
def test_nightly_schedules(asset_graph: dg.Definitions) -> None:
    schedules = {schedule.name: schedule.cron_schedule for schedule in asset_graph.schedules}
    assert schedules == {"nightly_landing_day": "0 2 * * *", "nightly_datasets": "0 3 * * *"}


# Guards DuckDB's single-writer rule: every step that opens the DuckDB file is in the `duckdb` pool.
def test_every_step_that_opens_duckdb_is_in_the_duckdb_pool(asset_graph: dg.Definitions) -> None:
    pools = {
        assets_def.node_def.name: assets_def.node_def.pool
        for assets_def in asset_graph.resolve_asset_graph().assets_defs
    }
    outside = {name for name, pool in pools.items() if pool != "duckdb"}
    # These re-hash dataset files on disk or read the rules file and the event log, never the DuckDB file.
    assert outside == {
        "curation_rules",
        "curation_rules_curation_rules_version_changes_with_content",
        *(
            f"{name}_dataset_{name}_dataset_files_match_their_version"
            for name in ("eval", "sft", "dpo", "kto")
        ),
    }


# Guards §6's auditor view: a registered training run is a node downstream of the datasets it pinned.
def test_registered_training_runs_sit_downstream_of_their_datasets(
    tmp_path: Path, dbt_manifest: Path
) -> None:
    settings = settings_for(tmp_path / "data")
    rows = pl.DataFrame({"example_id": ["a", "b"], "response_id": ["r1", "r2"]})
    pinned = [
        write_dataset_version(
            rows,
            name=name,
            datasets_root=settings.datasets_dir,
            rule_version="1",
            inputs={},
            key_column="example_id",
        )
        for name in ("sft", "dpo-acme")
    ]
    register_training_run(
        settings.training_runs_dir,
        settings.datasets_dir,
        "llama-ft-7",
        [f"{version.name}@{version.version}" for version in pinned],
        model="llama-3-8b",
    )
    spec = _specs(build_definitions(settings))["training_runs/llama-ft-7"]
    assert {dep.asset_key.to_user_string() for dep in spec.deps} == {"sft_dataset", "dpo_dataset"}
    assert spec.group_name == "training_runs"
    assert spec.metadata["model"] == "llama-3-8b"
    assert [entry["version"] for entry in spec.metadata["datasets"].value] == [v.version for v in pinned]
