"""What a dataset version says about its making, on the real sample platform: the manifest's code and
upstream data versions, the registry's copy of them, and the metadata the Dagster UI shows an auditor."""

import json
from datetime import timedelta
from pathlib import Path

import dagster as dg
import pytest

from feedback_platform.lib.curation import CURATION_CODE_VERSION, load_rules
from feedback_platform.lib.datasets.store import (
    DATASET_WRITER_VERSION,
    MANIFEST,
    read_dataset_version,
    read_manifest,
)
from feedback_platform.lib.pii.config import ENGINE_VERSION
from feedback_platform_tests.conftest import SAMPLE, SamplePlatform

DATASETS = ("eval", "sft", "dpo", "kto")
SAMPLE_DAYS = [str(SAMPLE.start_date + timedelta(days=day)) for day in range(SAMPLE.days)]


def _latest_materialization(platform: SamplePlatform, dataset: str) -> dg.AssetMaterialization:
    event = platform.instance.get_latest_materialization_event(dg.AssetKey(f"{dataset}_dataset"))
    return event.asset_materialization


def _data_versions(platform: SamplePlatform, asset: str) -> set[str]:
    records = platform.instance.fetch_materializations(dg.AssetKey(asset), limit=100).records
    return {record.event_log_entry.tags["dagster/data_version"] for record in records}


# Guards §3 of the registry: a manifest names the code that made the rows, asset by asset.
@pytest.mark.parametrize("dataset", DATASETS)
def test_manifest_records_the_code_versions_upstream(sample_platform: SamplePlatform, dataset: str) -> None:
    version = _latest_materialization(sample_platform, dataset).metadata["version"].value
    code_version = read_manifest(sample_platform.settings.datasets_dir, dataset, version)["code_version"]
    source = "dpo_pairs" if dataset == "dpo" else f"{dataset}_examples"
    assert code_version["feedback_platform"]
    assert code_version[source] == CURATION_CODE_VERSION
    assert code_version[f"staged_{dataset}_dataset"] == DATASET_WRITER_VERSION
    assert code_version["redacted_responses"] == ENGINE_VERSION
    assert code_version["feedback_with_responses"]  # dagster-dbt's checksum of the model's SQL


# Guards §3: a manifest names the data versions it read, per partition for the partitioned layers, and
# they are data versions Dagster recorded for those assets.
def test_manifest_records_the_upstream_partitions_and_data_versions(sample_platform: SamplePlatform) -> None:
    version = _latest_materialization(sample_platform, "sft").metadata["version"].value
    upstream = read_manifest(sample_platform.settings.datasets_dir, "sft", version)["upstream"]
    for partitioned in ("raw_feedback", "redacted_responses", "redacted_feedback"):
        partitions = upstream[partitioned]["partitions"]
        assert list(partitions) == SAMPLE_DAYS
        assert set(partitions.values()) <= _data_versions(sample_platform, partitioned)
    for unpartitioned in ("feedback_with_responses", "sft_examples"):
        assert upstream[unpartitioned]["data_version"] in _data_versions(sample_platform, unpartitioned)
    assert upstream["curation_rules"]["data_version"] == load_rules().sha256
    assert "eval_examples" not in upstream  # only what sft is built from


# Guards the registry table: it carries the manifests' code and upstream versions.
def test_registry_lists_code_and_upstream_versions(sample_platform: SamplePlatform) -> None:
    registry = sample_platform.table("dataset_versions")
    for row in registry.iter_rows(named=True):
        manifest = read_manifest(sample_platform.settings.datasets_dir, row["name"], row["version"])
        assert json.loads(row["code_version_json"]) == manifest["code_version"] != {}
        assert json.loads(row["upstream_json"]) == manifest["upstream"] != {}


# Guards §6: the UI's view of a version — its data version is the version id, the counts by signal and
# tenant add up to its rows, the preview shows its first rows with their texts' lengths instead of the texts
# (Dagster's storage cannot forget a text) and the manifest path leads to its manifest.
@pytest.mark.parametrize("dataset", DATASETS)
def test_materialization_metadata_shows_the_version(sample_platform: SamplePlatform, dataset: str) -> None:
    event = sample_platform.instance.get_latest_materialization_event(dg.AssetKey(f"{dataset}_dataset"))
    metadata = event.asset_materialization.metadata
    version = metadata["version"].value
    rows = read_dataset_version(sample_platform.settings.datasets_dir, dataset, version)

    assert event.tags["dagster/data_version"] == version
    assert sum(metadata["rows_by_tenant"].value.values()) == rows.height
    assert metadata["rows_by_tenant"].value == dict(rows["tenant_id"].value_counts().iter_rows())
    (signal_column, counts), *_ = metadata["rows_by_signal"].value.items()
    assert sum(counts.values()) >= rows.height, signal_column  # a row may list several reasons
    preview = metadata["preview"].value
    assert len(preview.records) == min(5, rows.height)
    first_key = rows.columns[0]
    assert [record.data[first_key] for record in preview.records] == rows[first_key].head(5).to_list()
    columns = [column.name for column in preview.schema.columns]
    assert "messages" not in columns and "messages_chars" in columns
    assert [int(record.data["messages_chars"]) for record in preview.records] == [
        sum(len(message["content"]) for message in messages) for messages in rows["messages"].head(5)
    ]
    manifest_path = metadata["manifest_path"].value
    assert manifest_path.endswith(f"{dataset}/{version}/{MANIFEST}")
    assert json.loads(Path(manifest_path).read_text(encoding="utf-8"))["content_hash"].startswith(version)
