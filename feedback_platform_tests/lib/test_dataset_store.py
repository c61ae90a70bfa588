"""The versioned dataset store: content addressing, immutability, atomic writes and row lineage."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from feedback_platform.lib.datasets.index import (
    LINEAGE_SCHEMA,
    REGISTRY_SCHEMA,
    lineage_rows,
    list_dataset_versions,
)
from feedback_platform.lib.datasets.store import (
    DatasetVersion,
    content_hash,
    read_dataset_version,
    version_problems,
    write_dataset_version,
)

INPUTS = {"feedback_with_responses": {"data_version": "abc123", "partition": "2025-03-01"}}


def eval_rows() -> pl.DataFrame:
    """Rows shaped like eval examples: nested lists and structs, floats, nulls."""
    return pl.DataFrame(
        {
            "example_id": ["e3", "e1", "e2"],
            "response_id": ["r3", "r1", "r2"],
            "messages": [
                [{"role": "user", "content": "c"}],
                [{"role": "system", "content": "s"}, {"role": "user", "content": "a — ünïcode"}],
                [{"role": "user", "content": "b"}],
            ],
            "retrieved_context": [[{"doc_id": "d3", "score": 0.1}], [], [{"doc_id": "d2", "score": 1e-9}]],
            "reference": [None, "better", None],
            "score": [0.30000000000000004, float("nan"), -0.0],
            "reasons": [["thumb_down"], ["abandoned", "low_rating"], ["regenerated"]],
            "feedback_event_ids": [["ev-3"], ["ev-1", "ev-2"], ["ev-4", "ev-5"]],
        }
    )


def write(rows: pl.DataFrame, root: Path, **overrides) -> DatasetVersion:
    options = {"name": "eval_dataset", "datasets_root": root, "rule_version": "1.0.0", "inputs": INPUTS}
    options.update(overrides)
    return write_dataset_version(rows, key_column="example_id", **options)


def test_write_then_read_round_trips_rows_in_key_order(tmp_path):
    # Guards the layout, the manifest fields and that the stored rows equal the input rows sorted by key.
    rows = eval_rows()
    stored = write(rows, tmp_path)
    assert stored.created is True
    assert stored.path == tmp_path / "eval_dataset" / stored.version
    assert sorted(p.name for p in stored.path.iterdir()) == ["data.jsonl", "data.parquet", "manifest.json"]
    assert len(stored.version) == 16 and stored.content_hash.startswith(stored.version)
    assert stored.row_count == 3
    manifest = json.loads((stored.path / "manifest.json").read_text())
    assert manifest == stored.manifest
    assert manifest["name"] == "eval_dataset" and manifest["version"] == stored.version
    assert manifest["content_hash"] == stored.content_hash
    assert manifest["rule_version"] == "1.0.0"
    assert manifest["inputs"] == INPUTS
    assert manifest["schema"]["messages"] == "List(Struct({'role': String, 'content': String}))"
    assert list(manifest["schema"]) == rows.columns
    assert manifest["created_at"].endswith("+00:00")
    back = read_dataset_version(tmp_path, "eval_dataset", stored.version)
    assert back.get_column("example_id").to_list() == ["e1", "e2", "e3"]
    assert back.equals(rows.sort("example_id"))
    first_line = json.loads((stored.path / "data.jsonl").read_text().splitlines()[0])
    assert first_line["example_id"] == "e1" and first_line["score"] == "NaN"


def test_same_rows_in_another_order_give_same_version_and_identical_bytes(tmp_path):
    # Guards content addressing: row order does not matter, and files are byte-for-byte reproducible.
    rows = eval_rows()
    first = write(rows, tmp_path / "a")
    second = write(rows.reverse(), tmp_path / "b")
    assert first.version == second.version
    assert first.content_hash == content_hash(rows.sample(fraction=1.0, shuffle=True, seed=3), "example_id")
    for file_name in ("data.parquet", "data.jsonl"):
        assert (first.path / file_name).read_bytes() == (second.path / file_name).read_bytes()
    assert first.manifest["files"] == second.manifest["files"]


def test_different_content_gives_a_different_version(tmp_path):
    # Guards that any change of a value (nested, or a float's last digit) or of the schema is a new version.
    rows = eval_rows()
    base = write(rows, tmp_path).version
    nested = rows.with_columns(
        messages=pl.when(pl.col("example_id") == "e2")
        .then(pl.lit([{"role": "user", "content": "B"}], dtype=rows.schema["messages"]))
        .otherwise(pl.col("messages"))
    )
    float_digit = rows.with_columns(score=pl.Series([0.3, float("nan"), -0.0]))
    cast = rows.with_columns(pl.col("score").cast(pl.Float32))
    versions = {base, *(write(frame, tmp_path).version for frame in (nested, float_digit, cast))}
    assert len(versions) == 4
    assert list_dataset_versions(tmp_path, "eval_dataset").height == 4


def test_existing_version_is_returned_and_never_rewritten(tmp_path):
    # Guards immutability: a second write of the same content touches nothing and keeps the first manifest.
    rows = eval_rows()
    first = write(rows, tmp_path)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in first.path.iterdir()}
    second = write(rows.reverse(), tmp_path, rule_version="9.9.9", inputs={"other": 1})
    assert second.created is False
    assert second.version == first.version and second.path == first.path
    assert second.manifest == first.manifest
    assert second.manifest["rule_version"] == "1.0.0"
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in first.path.iterdir()} == before
    assert [p.name for p in (tmp_path / "eval_dataset").iterdir()] == [first.version]


def test_failure_mid_write_leaves_no_version_directory(tmp_path):
    # Guards atomic writes: Parquet cannot hold an Object column, so writing fails once the temp dir exists.
    rows = pl.DataFrame({"example_id": ["e1"], "response_id": ["r1"]}).with_columns(
        payload=pl.Series([1], dtype=pl.Object)
    )
    with pytest.raises(Exception) as raised:
        write(rows, tmp_path)
    assert not isinstance(raised.value, ValueError)  # it got past validation and hashing
    dataset_dir = tmp_path / "eval_dataset"
    assert dataset_dir.is_dir()  # the temporary sibling was created there...
    assert list(dataset_dir.iterdir()) == []  # ...and removed, with no version directory
    assert list_dataset_versions(tmp_path, "eval_dataset").is_empty()


def test_key_column_must_exist_be_unique_and_non_null(tmp_path):
    # Guards that the canonical order is well defined before anything is written.
    rows = eval_rows()
    with pytest.raises(ValueError, match="not a column"):
        write_dataset_version(
            rows, name="x", datasets_root=tmp_path, rule_version="1", inputs={}, key_column="nope"
        )
    with pytest.raises(ValueError, match="duplicate"):
        write(pl.concat([rows, rows.head(1)]), tmp_path)
    with pytest.raises(ValueError, match="null"):
        write(rows.with_columns(example_id=pl.lit(None, dtype=pl.String)), tmp_path)
    with pytest.raises(ValueError, match="not a valid dataset name"):
        write(rows, tmp_path, name="../escape")
    assert not any(tmp_path.iterdir())


def test_empty_dataset_is_a_version_too(tmp_path):
    # Guards that a run selecting nothing still records a (schema-only) version.
    stored = write(eval_rows().clear(), tmp_path)
    assert stored.row_count == 0
    assert read_dataset_version(tmp_path, "eval_dataset", stored.version).schema == eval_rows().schema


def test_registry_lists_every_version_of_every_dataset_and_skips_temp_dirs(tmp_path):
    # Guards the registry behind the dataset_versions table: one row per version, read from the manifests.
    eval_version = write(eval_rows(), tmp_path)
    pairs = pl.DataFrame({"pair_id": ["p1"], "chosen_response_id": ["r1"], "feedback_event_ids": [["ev-1"]]})
    dpo_version = write_dataset_version(
        pairs, name="dpo", datasets_root=tmp_path, rule_version="1.0.0", inputs={}, key_column="pair_id"
    )
    (tmp_path / "dpo" / ".tmp-deadbeef-0123").mkdir()  # what a killed writer leaves behind
    registry = list_dataset_versions(tmp_path)
    assert registry.schema == REGISTRY_SCHEMA
    assert registry.select("name", "version", "row_count", "key_column").rows() == [
        ("dpo", dpo_version.version, 1, "pair_id"),
        ("eval_dataset", eval_version.version, 3, "example_id"),
    ]
    assert json.loads(registry.get_column("inputs_json")[1]) == INPUTS
    assert list(json.loads(registry.get_column("schema_json")[0])) == pairs.columns
    assert list_dataset_versions(tmp_path / "missing").is_empty()


def test_lineage_rows_cover_every_row_response_and_event():
    # Guards lineage: every dataset row appears, with each of its responses and events.
    rows = eval_rows()
    lineage = lineage_rows(rows, name="eval_dataset", version="v1", key_column="example_id")
    assert lineage.schema == LINEAGE_SCHEMA
    assert set(lineage.get_column("row_id")) == set(rows.get_column("example_id"))
    assert lineage.filter(pl.col("row_id") == "e1").select("response_id", "feedback_event_id").rows() == [
        ("r1", "ev-1"),
        ("r1", "ev-2"),
    ]
    assert lineage.height == 5
    assert set(lineage.get_column("dataset")) == {"eval_dataset"}
    assert set(lineage.get_column("version")) == {"v1"}


def test_lineage_rows_of_pairs_use_both_response_ids_once_each():
    # Guards lineage for DPO pairs: chosen and rejected responses, deduplicated when they are the same one.
    pairs = pl.DataFrame(
        {
            "pair_id": ["p1", "p2"],
            "chosen_response_id": ["r1", "r3"],
            "rejected_response_id": ["r2", "r3"],
            "feedback_event_ids": [["ev-1", "ev-2"], ["ev-9"]],
        }
    )
    lineage = lineage_rows(pairs, name="dpo_dataset", version="v1", key_column="pair_id")
    assert lineage.select("row_id", "response_id", "feedback_event_id").rows() == [
        ("p1", "r1", "ev-1"),
        ("p1", "r1", "ev-2"),
        ("p1", "r2", "ev-1"),
        ("p1", "r2", "ev-2"),
        ("p2", "r3", "ev-9"),
    ]


# Guards the verification of a stored version by its bytes: intact files pass; a changed row in either file
# is named, and a changed canonical row also breaks the content hash.
def test_version_problems_name_what_was_altered(tmp_path):
    stored = write(eval_rows(), tmp_path)
    assert version_problems(tmp_path, "eval_dataset", stored.version) == []

    parquet = stored.path / "data.parquet"
    pl.read_parquet(parquet).slice(1).write_parquet(parquet)
    assert version_problems(tmp_path, "eval_dataset", stored.version) == [
        "data.parquet does not have the digest its manifest recorded"
    ]

    jsonl = stored.path / "data.jsonl"
    jsonl.write_text(jsonl.read_text().replace("better", "worse"))
    assert version_problems(tmp_path, "eval_dataset", stored.version)[1:] == [
        "data.jsonl does not have the digest its manifest recorded",
        "the rows do not hash to the manifest's content hash",
    ]


# Guards reusing the canonical lines of an earlier version: only new and changed rows are serialised, and the
# version's bytes and id are exactly those of a write without reuse; an altered reference is not used.
def test_reusing_lines_of_an_earlier_version_writes_the_same_bytes(tmp_path):
    earlier = write(eval_rows(), tmp_path / "earlier")
    changed = eval_rows().with_columns(
        reference=pl.when(pl.col("example_id") == "e2").then(pl.lit("now set")).otherwise("reference")
    )
    tonight = pl.concat([changed, changed.head(1).with_columns(example_id=pl.lit("e4"))])
    plain = write(tonight, tmp_path / "plain")
    reusing = write(tonight, tmp_path / "reusing", reuse_lines_of=earlier.path)
    assert (plain.serialised_rows, reusing.serialised_rows) == (4, 2)
    assert reusing.version == plain.version
    for file_name in ("data.jsonl", "data.parquet"):
        assert (reusing.path / file_name).read_bytes() == (plain.path / file_name).read_bytes()

    lines = earlier.path / "data.jsonl"
    lines.write_text(lines.read_text().replace('"e1"', '"e0"'))
    after_tampering = write(tonight, tmp_path / "after_tampering", reuse_lines_of=earlier.path)
    assert after_tampering.serialised_rows == 4
    assert after_tampering.version == plain.version
