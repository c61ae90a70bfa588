"""Dataset versioning end to end through Dagster, on a copy of the sample platform.

The issue's acceptance test: re-materialising the curate and datasets assets with unchanged inputs and rules
publishes nothing new and leaves every file byte for byte as it was; changing one curation threshold
publishes a new version of the datasets it affects, recorded under the new rules, while the old versions stay
untouched and readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
import yaml

from feedback_platform.definitions import build_definitions
from feedback_platform.defs.curate.rules_file import CURATION_RULES_KEY
from feedback_platform.lib.curation import DEFAULT_RULES_PATH, CurationRules, load_rules
from feedback_platform.lib.datasets.index import list_dataset_versions
from feedback_platform.lib.datasets.kinds import DATASET_KINDS
from feedback_platform.lib.datasets.store import (
    MANIFEST,
    SHARD_MANIFEST,
    read_dataset_version,
    read_manifest,
    shard_ids,
)
from feedback_platform.lib.hashing import sha256_hex
from feedback_platform.settings import PlatformSettings
from feedback_platform_tests.conftest import SamplePlatform
from feedback_platform_tests.platform_copy import copy_platform

CHANGED_RULES_VERSION = "1.4.0"
HIGH_RATING_MIN = 5
"""The changed rule: only a 5-star rating approves an output, so SFT outputs admitted by a 4 drop out."""


@dataclass(frozen=True)
class StoreState:
    """What is on disk under the datasets folder at one moment."""

    versions: dict[str, list[str]]
    """Dataset name → its version ids, from the registry (manifests on disk)."""
    digests: dict[str, str]
    """SHA-256 of every file of every version folder and shard, by path relative to the datasets folder."""

    @classmethod
    def of(cls, datasets_dir: Path) -> StoreState:
        registry = list_dataset_versions(datasets_dir).group_by("name", maintain_order=True).agg("version")
        return cls(
            versions=dict(registry.iter_rows()),
            digests={
                str(path.relative_to(datasets_dir)): sha256_hex(path.read_bytes())
                for path in sorted(
                    [*datasets_dir.glob(f"*/*/{MANIFEST}"), *datasets_dir.glob("*/shards/*/*")]
                )
            },
        )


@dataclass(frozen=True)
class Publication:
    """One dataset asset's materialisation in a run: the version it published and whether it was new."""

    version: str
    new_version: bool


@dataclass(frozen=True)
class VersioningHistory:
    settings: PlatformSettings
    before: StoreState
    rerun: dg.ExecuteInProcessResult
    after_rerun: StoreState
    changed_rules: CurationRules
    changed: dg.ExecuteInProcessResult
    after_change: StoreState


def materialise_curate_and_datasets(
    settings: PlatformSettings, instance: dg.DagsterInstance, rules_path: Path
) -> dg.ExecuteInProcessResult:
    """The nightly datasets job without the dbt join: curate and publish from the mart already built.

    The rules file is chosen by run configuration of the curation rules resource, as an operator would.
    """
    defs = build_definitions(settings)
    job = defs.resolve_job_def("datasets_job")
    selected = dg.AssetSelection.groups("curate", "datasets").resolve(defs.resolve_asset_graph())
    return job.execute_in_process(
        asset_selection=list(selected),
        run_config={"resources": {CURATION_RULES_KEY: {"config": {"path": str(rules_path)}}}},
        instance=instance,
        raise_on_error=False,
    )


def write_changed_rules(path: Path) -> Path:
    """The shipped rules with ``high_rating_min`` raised and the version bumped, written to ``path``."""
    rules = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    rules["version"] = CHANGED_RULES_VERSION
    rules["thresholds"]["high_rating_min"] = HIGH_RATING_MIN
    path.write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    return path


def publications(result: dg.ExecuteInProcessResult) -> dict[str, Publication]:
    """Dataset name → what its dataset asset published in the run."""
    assets = {f"{name}_dataset": name for name in DATASET_KINDS}
    published = {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        name = assets.get(materialization.asset_key.to_user_string())
        if name is not None:
            metadata = materialization.metadata
            published[name] = Publication(metadata["version"].value, metadata["new_version"].value)
    return published


def assert_files_match_their_versions(result: dg.ExecuteInProcessResult) -> None:
    """The run succeeded and each dataset's blocking re-hash check ran and passed."""
    assert result.success
    evaluations = {
        evaluation.check_name: evaluation.passed for evaluation in result.get_asset_check_evaluations()
    }
    for name in DATASET_KINDS:
        assert evaluations[f"{name}_dataset_files_match_their_version"] is True


@pytest.fixture(scope="module")
def history(sample_platform: SamplePlatform, tmp_path_factory: pytest.TempPathFactory) -> VersioningHistory:
    """Two runs on one copy of the sample: unchanged inputs and rules, then the changed rules file."""
    workdir = tmp_path_factory.mktemp("versioning")
    settings = copy_platform(sample_platform, workdir / "data")
    instance = dg.DagsterInstance.ephemeral()
    before = StoreState.of(settings.datasets_dir)
    rerun = materialise_curate_and_datasets(settings, instance, DEFAULT_RULES_PATH)
    after_rerun = StoreState.of(settings.datasets_dir)
    rules_path = write_changed_rules(workdir / "curation_rules.yaml")
    changed = materialise_curate_and_datasets(settings, instance, rules_path)
    return VersioningHistory(
        settings=settings,
        before=before,
        rerun=rerun,
        after_rerun=after_rerun,
        changed_rules=load_rules(rules_path),
        changed=changed,
        after_change=StoreState.of(settings.datasets_dir),
    )


# Guards content addressing through the real assets: the same inputs and rules give the same version id for
# every dataset, no new version folder or shard, and not one changed byte in a manifest or a shard's files.
def test_unchanged_inputs_and_rules_republish_the_same_versions(history: VersioningHistory) -> None:
    assert_files_match_their_versions(history.rerun)
    assert sorted(history.before.versions) == sorted(DATASET_KINDS)
    published = publications(history.rerun)
    assert published == {
        name: Publication(version, new_version=False) for name, (version,) in history.before.versions.items()
    }
    assert history.after_rerun.versions == history.before.versions
    assert history.after_rerun.digests == history.before.digests
    file_names = {Path(path).name for path in history.before.digests}
    assert file_names == {"data.parquet", "data.jsonl", SHARD_MANIFEST, MANIFEST}


# Guards versioning on a rule change: SFT gets a new version recorded under the new rules' version and hash,
# eval (whose rules did not change) keeps its version, and every dataset is new exactly when its id changed.
def test_a_changed_rule_publishes_a_new_version_under_the_new_rules(history: VersioningHistory) -> None:
    assert_files_match_their_versions(history.changed)
    old = {name: version for name, (version,) in history.before.versions.items()}
    published = publications(history.changed)
    assert sorted(published) == sorted(DATASET_KINDS)
    assert published["sft"].new_version and published["sft"].version != old["sft"]
    assert published["eval"] == Publication(old["eval"], new_version=False)
    for name, publication in published.items():
        assert publication.new_version == (publication.version != old[name]), name
        if publication.new_version:
            manifest = read_manifest(history.settings.datasets_dir, name, publication.version)
            assert manifest["rules"] == {
                "version": CHANGED_RULES_VERSION,
                "sha256": history.changed_rules.sha256,
            }
            assert manifest["rule_version"] == CHANGED_RULES_VERSION
    datasets_dir = history.settings.datasets_dir
    old_sft = read_dataset_version(datasets_dir, "sft", old["sft"])
    new_sft = read_dataset_version(datasets_dir, "sft", published["sft"].version)
    # The raised threshold dropped the outputs a 4-star rating alone had admitted.
    assert 0 < new_sft.height < old_sft.height


# Guards immutability: after the rule change every old version folder is byte for byte what it was, reads
# back with its recorded row count, and the registry lists the old and the new version side by side.
def test_old_versions_stay_unchanged_readable_and_listed(history: VersioningHistory) -> None:
    datasets_dir = history.settings.datasets_dir
    after = history.after_change
    assert {path: after.digests.get(path) for path in history.before.digests} == history.before.digests
    for name, versions in history.before.versions.items():
        (old_version,) = versions
        rows = read_dataset_version(datasets_dir, name, old_version)
        assert rows.height == read_manifest(datasets_dir, name, old_version)["row_count"]
        new_version = publications(history.changed)[name].version
        listed = list_dataset_versions(datasets_dir, name).get_column("version").to_list()
        assert sorted(listed) == sorted({old_version, new_version})
        assert after.versions[name] == listed
    new_versions = [
        (name, version)
        for name, versions in after.versions.items()
        for version in versions
        if version not in history.before.versions[name]
    ]
    new_files = set(after.digests) - set(history.before.digests)
    new_shard_files = {
        f"{name}/shards/{shard}/{file_name}"
        for name, version in new_versions
        for shard in shard_ids(read_manifest(datasets_dir, name, version))
        for file_name in ("data.parquet", "data.jsonl", SHARD_MANIFEST)
    } - set(history.before.digests)
    assert new_files == {f"{name}/{version}/{MANIFEST}" for name, version in new_versions} | new_shard_files


# Guards the incremental write and the row-local audits (the suite's included): a shard whose rows did not
# change is the latest version's shard, neither serialised, written nor scanned again, so an unchanged
# dataset writes and scans nothing, and a changed one only the shards the old version does not hold.
def test_unchanged_shards_are_neither_written_nor_scanned_again(history: VersioningHistory) -> None:
    staged = {
        event.asset_key.to_user_string(): event.materialization.metadata
        for event in history.changed.get_asset_materialization_events()
        if event.asset_key.to_user_string().startswith("staged_")
    }
    assert staged["staged_eval_dataset"]["rows_serialised"].value == 0
    assert staged["staged_eval_dataset"]["shards_written"].value == 0
    scans = {
        evaluation.check_name: evaluation.metadata
        for evaluation in history.changed.get_asset_check_evaluations()
        if evaluation.check_name.endswith(
            ("_holds_no_residual_pii", "_keeps_each_prompt_in_one_split", "_passes_its_suite")
        )
    }
    old = {name: version for name, (version,) in history.before.versions.items()}
    for check in ("holds_no_residual_pii", "passes_its_suite"):
        eval_scan = scans[f"staged_eval_dataset_{check}"]
        assert eval_scan["rows_checked"].value == 0
        assert eval_scan["shards_audited"].value == 0
        assert eval_scan["carried_over_from"].value == old["eval"]
    datasets_dir = history.settings.datasets_dir
    old_sft = read_manifest(datasets_dir, "sft", old["sft"])
    new_sft = read_manifest(datasets_dir, "sft", publications(history.changed)["sft"].version)
    kept = set(shard_ids(old_sft))
    unaudited = [shard for shard in new_sft["shards"] if shard["shard"] not in kept]
    sft_scan = scans["staged_sft_dataset_holds_no_residual_pii"]
    assert (
        sft_scan["shards_audited"].value
        == len(unaudited)
        == staged["staged_sft_dataset"]["shards_written"].value
    )
    # Of those shards, only the rows the old version's shard of their date does not hold are scanned: the
    # rows the writer serialised anew.
    assert 0 < sft_scan["rows_checked"].value == staged["staged_sft_dataset"]["rows_serialised"].value
    assert sft_scan["rows_checked"].value < sum(shard["row_count"] for shard in unaudited)
    suite_scan = scans["staged_sft_dataset_passes_its_suite"]
    # the suite reads fewer columns than the scan: a row new in a column it does not read is not new to it
    assert 0 < suite_scan["rows_checked"].value <= sft_scan["rows_checked"].value
    assert suite_scan["example_id_repeated_in_version"].value == []
    split_scan = scans["staged_sft_dataset_keeps_each_prompt_in_one_split"]
    assert split_scan["shards_audited"].value == len(unaudited)
    assert len(unaudited) > 0
