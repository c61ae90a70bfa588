"""The curation rules file on the real sample platform: split stability, tenant filters, and the rules'
version and hash in every manifest, through the real mart, assets and dataset store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import yaml

from feedback_platform.definitions import build_definitions
from feedback_platform.defs.curate.assets import CURATED_TABLES, record_curation_rules
from feedback_platform.defs.curate.checks import curation_rules_version_changes_with_content
from feedback_platform.defs.curate.rules_file import CURATION_RULES_KEY, CurationRulesFile
from feedback_platform.lib.curation import (
    DEFAULT_RULES_PATH,
    load_rules,
    parse_rules,
    select_dpo_pairs,
    select_eval_examples,
    select_kto_examples,
    select_sft_examples,
)
from feedback_platform.lib.curation.facts_table import FACTS_TABLE
from feedback_platform.lib.curation.text_facts import MART_TABLE, prompt_key_expr
from feedback_platform.lib.datasets.publication import latest_version
from feedback_platform.lib.datasets.store import MANIFEST, read_dataset_version, read_manifest, shard_paths
from feedback_platform.resources import build_resources
from feedback_platform_tests.conftest import SamplePlatform, instance_without_telemetry, settings_for

RULES = load_rules()
TRAINING_SELECTIONS = (select_sft_examples, select_dpo_pairs, select_kto_examples)


def _split_by_prompt(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(prompt_key=prompt_key_expr(pl.col("messages")), split="split").unique()


# Guards split stability: a prompt's side depends on the prompt alone, so two different row sets (the whole
# sample, and the responses of its first day only) put every shared prompt on the same side, and across SFT,
# DPO and KTO no prompt is on both sides.
def test_split_is_stable_across_row_sets_and_never_straddles(sample_platform: SamplePlatform):
    mart = sample_platform.table("feedback_with_responses")
    first_day = mart.filter(
        pl.col("response_created_at").dt.date() == pl.col("response_created_at").dt.date().min()
    )
    assert 0 < first_day.height < mart.height
    whole = pl.concat([_split_by_prompt(select(mart, RULES)) for select in TRAINING_SELECTIONS]).unique()
    part = pl.concat([_split_by_prompt(select(first_day, RULES)) for select in TRAINING_SELECTIONS]).unique()
    assert whole.group_by("prompt_key").len().filter(pl.col("len") > 1).height == 0
    assert set(whole["split"]) == {"train", "validation"}
    shared = part.join(whole, on="prompt_key", suffix="_whole")
    assert shared.height == part.height > 0
    assert (shared["split"] == shared["split_whole"]).all()


# Guards the tenant filter on real data: every dataset then holds that tenant's rows and no other's.
def test_tenant_filter_on_the_sample_holds_one_tenant(sample_platform: SamplePlatform):
    mart = sample_platform.table("feedback_with_responses")
    tenant = mart["tenant_id"].min()
    only_one = parse_rules({**RULES.model_dump(mode="json"), "filters": {"tenants": [tenant]}})
    for select in (select_eval_examples, *TRAINING_SELECTIONS):
        assert set(select(mart, only_one)["tenant_id"]) == {tenant}


# Guards that the curate assets apply the shipped rules file, KTO included.
def test_curated_tables_are_the_shipped_rules_selection(sample_platform: SamplePlatform):
    mart = sample_platform.table("feedback_with_responses")
    for table, select in (
        ("eval_examples", select_eval_examples),
        ("sft_examples", select_sft_examples),
        ("dpo_pairs", select_dpo_pairs),
        ("kto_examples", select_kto_examples),
    ):
        stored = sample_platform.table(table)
        assert stored.height > 0
        assert set(stored.columns) == set(select(mart, RULES).columns)
        assert stored.height == select(mart, RULES).height


# Guards the manifest: every dataset version records the version and hash of the rules that made it.
def test_every_manifest_records_the_rules(sample_platform: SamplePlatform):
    manifests = sorted(sample_platform.settings.datasets_dir.glob(f"*/*/{MANIFEST}"))
    assert {path.parent.parent.name for path in manifests} == {"eval", "sft", "dpo", "kto"}
    for path in manifests:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        assert manifest["rules"] == {"version": RULES.version, "sha256": RULES.sha256}
        assert manifest["rule_version"] == RULES.version


def _materialise(
    assets: list,
    data_dir: Path,
    instance: dg.DagsterInstance,
    rules_path: Path,
) -> dg.ExecuteInProcessResult:
    resources = build_resources(settings_for(data_dir))
    return dg.materialize(
        assets,
        resources={
            "warehouse": resources["warehouse"],
            "dataset_store": resources["dataset_store"],
            "curation_rules": CurationRulesFile(path=str(rules_path)),
        },
        instance=instance,
        raise_on_error=False,
    )


def _run_selected(
    selection: dg.AssetSelection, data_dir: Path, instance: dg.DagsterInstance, rules_path: Path
) -> dg.ExecuteInProcessResult:
    """Run `selection` (with the checks on it) with every real resource, under the rules at `rules_path`."""
    job = dg.define_asset_job("selected", selection=selection)
    definitions = dg.Definitions.merge(build_definitions(settings_for(data_dir)), dg.Definitions(jobs=[job]))
    return definitions.resolve_job_def("selected").execute_in_process(
        run_config={"resources": {CURATION_RULES_KEY: {"config": {"path": str(rules_path)}}}},
        instance=instance,
        raise_on_error=False,
    )


# Guards the manifest's truth: rows curated under one rules file are never published under another; and
# per_tenant_datasets publishes one version per tenant holding only that tenant's rows, and the tamper check
# re-hashes the per-tenant versions as well as the main one.
def test_dataset_asset_refuses_rows_of_other_rules_and_writes_per_tenant_versions(
    sample_platform: SamplePlatform, tmp_path: Path
):
    data_dir = tmp_path / "platform"
    shutil.copytree(sample_platform.settings.data_dir, data_dir)
    per_tenant = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8")) | {
        "per_tenant_datasets": True
    }
    rules_path = tmp_path / "per_tenant.yaml"
    rules_path.write_text(yaml.safe_dump(per_tenant), encoding="utf-8")
    rules = load_rules(rules_path)
    # a copy of the session's instance: the audits read its history (the eval version published), and
    # materialising on the session's own would leave its datasets job with several producers
    instance = instance_without_telemetry(data_dir / "dagster_home")

    staged = dg.AssetSelection.assets("staged_sft_dataset")
    refused = _run_selected(staged, data_dir, instance, rules_path)
    assert not refused.success
    (failure,) = [event for event in refused.all_events if event.is_step_failure]
    assert "sft_examples was curated under rules" in str(failure.event_specific_data.error)

    published = _run_selected(
        dg.AssetSelection.assets("sft_examples", "staged_sft_dataset", "sft_dataset"),
        data_dir,
        instance,
        rules_path,
    )
    evaluations = {
        evaluation.check_name: evaluation for evaluation in published.get_asset_check_evaluations()
    }
    assert published.success and all(evaluation.passed for evaluation in evaluations.values())
    assert evaluations["staged_sft_dataset_tenant_versions_hold_one_tenant"].metadata["tenant_versions"].value
    untouched = evaluations["sft_dataset_files_match_their_version"]
    datasets_dir = settings_for(data_dir).datasets_dir
    tenant_dirs = sorted(datasets_dir.glob("sft-*"))
    tenants = set(sample_platform.table("sft_examples")["tenant_id"])
    assert {path.name.removeprefix("sft-") for path in tenant_dirs} == tenants
    for tenant_dir in tenant_dirs:
        (version,) = [path.name for path in tenant_dir.iterdir() if path.is_dir() and path.name != "shards"]
        rows = read_dataset_version(datasets_dir, tenant_dir.name, version)
        assert set(rows["tenant_id"]) == {tenant_dir.name.removeprefix("sft-")}
        manifest = read_manifest(datasets_dir, tenant_dir.name, version)
        assert manifest["rules"] == {"version": rules.version, "sha256": rules.sha256}
    tenant_versions = {path.name: latest_version(datasets_dir, path.name) for path in tenant_dirs}
    assert set(untouched.metadata["versions_checked"].value.items()) >= set(tenant_versions.items())

    tampered, version = next(iter(tenant_versions.items()))
    tampered_file = shard_paths(datasets_dir, tampered, read_manifest(datasets_dir, tampered, version))[0]
    pl.read_parquet(tampered_file).slice(1).write_parquet(tampered_file)
    only_the_check = dg.AssetSelection.checks(
        dg.AssetCheckKey(dg.AssetKey("sft_dataset"), "sft_dataset_files_match_their_version")
    )
    rechecked = _run_selected(only_the_check, data_dir, instance, rules_path)
    (evaluation,) = rechecked.get_asset_check_evaluations()
    assert not evaluation.passed
    assert evaluation.metadata["mismatched"].value == {tampered: version}


def _rules_file(path: Path, **changes: object) -> Path:
    rules = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    rules["thresholds"] |= changes.pop("thresholds", {})
    path.write_text(yaml.safe_dump(rules | changes), encoding="utf-8")
    return path


# Guards the rules' identity in every manifest: rules edited without raising their version fail the blocking
# check and nothing is curated under them; raising the version lets curation go on.
def test_rules_edited_without_a_version_bump_block_curation(sample_platform: SamplePlatform, tmp_path: Path):
    data_dir = tmp_path / "platform"
    shutil.copytree(
        sample_platform.settings.data_dir, data_dir, ignore=shutil.ignore_patterns("dagster_home")
    )
    instance = dg.DagsterInstance.ephemeral()
    assets = [
        dg.AssetSpec("feedback_with_responses"),
        dg.AssetSpec("curation_text_facts"),
        record_curation_rules,
        curation_rules_version_changes_with_content,
        CURATED_TABLES["sft"],
    ]
    edited = _rules_file(tmp_path / "edited.yaml", thresholds={"high_rating_min": 5})
    bumped = _rules_file(tmp_path / "bumped.yaml", thresholds={"high_rating_min": 5}, version="1.4.0")

    outcomes = {}
    for name, rules_path in [("shipped", DEFAULT_RULES_PATH), ("edited", edited), ("bumped", bumped)]:
        result = _materialise(assets, data_dir, instance, rules_path)
        (evaluation,) = result.get_asset_check_evaluations()
        curated = result.asset_materializations_for_node("sft_examples")
        outcomes[name] = (evaluation.passed, len(curated))

    assert outcomes == {"shipped": (True, 1), "edited": (False, 0), "bumped": (True, 1)}


# Guards the nightly's facts on the real platform: a refresh over an unchanged mart computes nothing, a
# changed output is recomputed for each event of its response, and the blocking check fails once the mart
# changes under the facts.
def test_text_facts_follow_the_mart_and_their_check_fails_when_they_do_not(
    sample_platform: SamplePlatform, tmp_path: Path
):
    data_dir = tmp_path / "platform"
    shutil.copytree(
        sample_platform.settings.data_dir, data_dir, ignore=shutil.ignore_patterns("dagster_home")
    )
    instance = dg.DagsterInstance.ephemeral()
    warehouse = build_resources(settings_for(data_dir))["warehouse"]

    def refresh() -> tuple[int, bool]:
        result = _run_selected(dg.AssetSelection.assets(FACTS_TABLE), data_dir, instance, DEFAULT_RULES_PATH)
        (materialisation,) = result.asset_materializations_for_node(FACTS_TABLE)
        (evaluation,) = result.get_asset_check_evaluations()
        return materialisation.metadata["facts_computed"].value, evaluation.passed

    def change_one_output() -> int:
        with warehouse.connect() as con:
            ((response_id, events),) = con.execute(
                f"select response_id, count(*) from {MART_TABLE} group by all order by all limit 1"
            ).fetchall()
            con.execute(
                f"update {MART_TABLE} set output = output || ' (edited)' where response_id = ?", [response_id]
            )
        return events

    assert refresh() == (0, True)
    events = change_one_output()
    assert refresh() == (events, True)
    change_one_output()
    check = dg.AssetSelection.checks(
        dg.AssetCheckKey(dg.AssetKey(FACTS_TABLE), "curation_text_facts_match_the_mart")
    )
    (evaluation,) = _run_selected(check, data_dir, instance, DEFAULT_RULES_PATH).get_asset_check_evaluations()
    assert not evaluation.passed
    assert evaluation.metadata["facts_of_changed_texts"].value == events
