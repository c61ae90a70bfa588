"""The versioned dataset store: content-addressed shards and versions, immutability, atomic writes, shard
reuse and row lineage."""

from __future__ import annotations

import json
from datetime import date, datetime
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
    shard_groups,
    shard_ids,
    version_problems,
    write_dataset_version,
)
from feedback_platform.lib.hashing import canonical_json, canonical_json_rows

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
            "day": [date(2025, 3, 2), date(2025, 3, 1), date(2025, 3, 1)],
        }
    )


def write(rows: pl.DataFrame, root: Path, **overrides) -> DatasetVersion:
    options = {
        "name": "eval_dataset",
        "datasets_root": root,
        "rule_version": "1.0.0",
        "inputs": INPUTS,
        "shard_column": "day",
    }
    options.update(overrides)
    return write_dataset_version(rows, key_column="example_id", **options)


def shard_dir(stored: DatasetVersion, value: str) -> Path:
    (shard,) = [entry["shard"] for entry in stored.manifest["shards"] if entry["value"] == value]
    return stored.path.parent / "shards" / shard


def shard_files(root: Path) -> dict[str, bytes]:
    """Every file of the shard store of eval_dataset under ``root``, by path relative to it."""
    shards = root / "eval_dataset" / "shards"
    return {
        str(path.relative_to(shards)): path.read_bytes()
        for path in sorted(shards.rglob("*"))
        if path.is_file()
    }


# Guards the shard serialiser's shortcut: rows of every column type (floats with NaN and infinity, dates
# and times, nested lists and structs, nulls, non-ASCII, quotes, line breaks) give canonical_json's text.
def test_rows_serialise_exactly_as_canonical_json_does():
    rows = pl.DataFrame(
        {
            "text": ['say "hi"\nthen — ünïcode', None, "\u2028"],
            "count": [1, None, -(2**40)],
            "flag": [True, False, None],
            "score": [0.1, float("nan"), float("-inf")],
            "day": [date(2026, 11, 3), None, date(1999, 1, 1)],
            "at": [datetime(2026, 11, 3, 8, 30, 1, 5), None, datetime(2026, 1, 1)],
            "messages": [[{"role": "user", "content": "a"}], [], None],
            "weights": [[1.5, None], [float("inf")], []],
            "nested": [{"day": date(2026, 1, 2), "ids": ["x"]}, None, {"day": None, "ids": []}],
        }
    )

    assert list(canonical_json_rows(rows)) == [canonical_json(row) for row in rows.iter_rows(named=True)]


def test_write_then_read_round_trips_rows_shard_by_shard(tmp_path):
    # Guards the layout (a manifest per version, a folder per shard), the manifest fields, and that the stored
    # rows equal the input rows, shard by shard in shard order, each sorted by key.
    rows = eval_rows()
    stored = write(rows, tmp_path)
    assert stored.created is True
    assert stored.path == tmp_path / "eval_dataset" / stored.version
    assert [p.name for p in stored.path.iterdir()] == ["manifest.json"]
    assert len(stored.version) == 16 and stored.content_hash.startswith(stored.version)
    assert stored.row_count == 3 and stored.shards_written == 2
    manifest = json.loads((stored.path / "manifest.json").read_text())
    assert manifest == stored.manifest
    assert manifest["name"] == "eval_dataset" and manifest["version"] == stored.version
    assert manifest["content_hash"] == stored.content_hash
    assert manifest["rule_version"] == "1.0.0"
    assert manifest["inputs"] == INPUTS
    assert manifest["shard_column"] == "day"
    assert [(s["value"], s["row_count"]) for s in manifest["shards"]] == [
        ("2025-03-01", 2),
        ("2025-03-02", 1),
    ]
    assert manifest["schema"]["messages"] == "List(Struct({'role': String, 'content': String}))"
    assert list(manifest["schema"]) == rows.columns
    assert manifest["sequence"] == 1
    first = shard_dir(stored, "2025-03-01")
    assert sorted(p.name for p in first.iterdir()) == ["data.jsonl", "data.parquet", "shard.json"]
    assert first.name == manifest["shards"][0]["shard"]
    assert manifest["shards"][0]["content_hash"].startswith(first.name)
    back = read_dataset_version(tmp_path, "eval_dataset", stored.version)
    assert back.get_column("example_id").to_list() == ["e1", "e2", "e3"]
    assert back.equals(rows.sort("day", "example_id"))
    only_second = read_dataset_version(
        tmp_path, "eval_dataset", stored.version, ["example_id"], only_shards=shard_ids(manifest)[1:]
    )
    assert only_second.get_column("example_id").to_list() == ["e3"]
    none = read_dataset_version(tmp_path, "eval_dataset", stored.version, only_shards=[])
    assert none.height == 0 and none.schema == rows.schema
    first_line = json.loads((first / "data.jsonl").read_text().splitlines()[0])
    assert first_line["example_id"] == "e1" and first_line["score"] == "NaN"


def test_same_rows_in_another_order_give_same_version_and_identical_bytes(tmp_path):
    # Guards content addressing: row order does not matter, and files are byte-for-byte reproducible.
    rows = eval_rows()
    first = write(rows, tmp_path / "a")
    second = write(rows.reverse(), tmp_path / "b")
    assert first.version == second.version
    shuffled = rows.sample(fraction=1.0, shuffle=True, seed=3)
    assert first.content_hash == content_hash(shuffled, "example_id", "day")
    assert shard_files(tmp_path / "a") == shard_files(tmp_path / "b")
    assert first.manifest["shards"] == second.manifest["shards"]


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
    assert sorted(p.name for p in (tmp_path / "eval_dataset").iterdir()) == [first.version, "shards"]
    assert second.shards_written == 0


def test_failure_mid_write_leaves_no_shard_or_version_directory(tmp_path):
    # Guards atomic writes: Parquet cannot hold an Object column, so writing fails once the temp dir exists.
    rows = pl.DataFrame({"example_id": ["e1"], "response_id": ["r1"]}).with_columns(
        payload=pl.Series([1], dtype=pl.Object)
    )
    with pytest.raises(Exception) as raised:
        write(rows, tmp_path, shard_column=None)
    assert not isinstance(raised.value, ValueError)  # it got past validation and hashing
    dataset_dir = tmp_path / "eval_dataset"
    assert [p.name for p in dataset_dir.iterdir()] == ["shards"]  # the temporary sibling was created there...
    assert list((dataset_dir / "shards").iterdir()) == []  # ...and removed, with no shard or version
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
    with pytest.raises(ValueError, match="shard column 'day' has null values"):
        write(rows.with_columns(day=pl.lit(None, dtype=pl.Date)), tmp_path)
    split_by_response = [rows.filter(pl.col("response_id") == r) for r in ("r1", "r2", "r3")]
    with pytest.raises(ValueError, match="two shards for day = 2025-03-01"):
        write(split_by_response, tmp_path)
    with pytest.raises(ValueError, match="a shard holds one value of 'day'"):
        write([rows], tmp_path)
    on_two_days = pl.concat([rows, rows.head(1).with_columns(day=pl.lit(date(2025, 3, 9)))])
    with pytest.raises(ValueError, match="duplicate values across shards"):
        write(on_two_days, tmp_path)


def test_empty_dataset_is_a_version_too(tmp_path):
    # Guards that a run selecting nothing still records a (schema-only) version.
    stored = write(eval_rows().clear(), tmp_path)
    assert stored.row_count == 0
    assert [shard["value"] for shard in stored.manifest["shards"]] == ["all"]
    assert read_dataset_version(tmp_path, "eval_dataset", stored.version).schema == eval_rows().schema
    assert version_problems(tmp_path, "eval_dataset", stored.version) == []


def test_registry_lists_every_version_of_every_dataset_and_skips_temp_dirs(tmp_path):
    # Guards the registry behind the dataset_versions table: one row per version, read from the manifests.
    eval_version = write(eval_rows(), tmp_path)
    pairs = pl.DataFrame({"pair_id": ["p1"], "chosen_response_id": ["r1"], "feedback_event_ids": [["ev-1"]]})
    dpo_version = write_dataset_version(
        pairs, name="dpo", datasets_root=tmp_path, rule_version="1.0.0", inputs={}, key_column="pair_id"
    )
    (tmp_path / "dpo" / ".tmp-deadbeef-0123").mkdir()  # what a killed writer leaves behind
    (tmp_path / "dpo" / "shards" / ".tmp-deadbeef-4567").mkdir()
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


# Guards the verification of a stored version by its bytes: intact shards pass; a changed row in either file
# of a shard is named, and a changed canonical row also breaks the shard's content hash.
def test_version_problems_name_what_was_altered(tmp_path):
    stored = write(eval_rows(), tmp_path)
    assert version_problems(tmp_path, "eval_dataset", stored.version) == []
    shard = shard_dir(stored, "2025-03-01")
    named = f"shard {shard.name} (2025-03-01): "

    parquet = shard / "data.parquet"
    pl.read_parquet(parquet).slice(1).write_parquet(parquet)
    assert version_problems(tmp_path, "eval_dataset", stored.version) == [
        named + "data.parquet does not have the digest the manifest recorded"
    ]

    jsonl = shard / "data.jsonl"
    jsonl.write_text(jsonl.read_text().replace("better", "worse"))
    assert version_problems(tmp_path, "eval_dataset", stored.version)[1:] == [
        named + "data.jsonl does not have the digest the manifest recorded",
        named + "the rows do not hash to the shard's content hash",
    ]


def tonight_rows() -> pl.DataFrame:
    """The night after :func:`eval_rows`: the 2025-03-01 rows unchanged, e3 of 2025-03-02 changed, and a new
    row e4 on 2025-03-02."""
    changed = eval_rows().with_columns(
        reference=pl.when(pl.col("example_id") == "e3").then(pl.lit("now set")).otherwise("reference")
    )
    return pl.concat(
        [changed, changed.filter(pl.col("example_id") == "e3").with_columns(example_id=pl.lit("e4"))]
    )


# Guards what a nightly costs: a shard whose rows did not change is the earlier version's shard (not
# serialised, not written); a changed shard serialises only its new and changed rows; and the version's id
# and every byte are exactly those of a write without reuse.
def test_a_new_version_reuses_the_unchanged_shards_of_the_earlier_one(tmp_path):
    earlier = write(eval_rows(), tmp_path / "store")
    unchanged_day = shard_files(tmp_path / "store")
    reusing = write(tonight_rows(), tmp_path / "store", reuse_shards_of=earlier.version)
    plain = write(tonight_rows(), tmp_path / "plain")
    assert (plain.serialised_rows, plain.shards_written) == (4, 2)
    assert (reusing.serialised_rows, reusing.shards_written) == (2, 1)
    assert reusing.version == plain.version
    assert reusing.manifest["shards"] == plain.manifest["shards"]
    assert shard_dir(reusing, "2025-03-01") == shard_dir(earlier, "2025-03-01")
    assert shard_files(tmp_path / "store") == {**unchanged_day, **shard_files(tmp_path / "plain")}


# Guards that a damaged shard is never taken over: its lines are not reused, and writing the content it
# should hold fails naming the shard rather than pointing a new version at altered bytes.
def test_a_damaged_shard_of_the_earlier_version_is_not_reused(tmp_path):
    earlier = write(eval_rows(), tmp_path)
    lines = shard_dir(earlier, "2025-03-01") / "data.jsonl"
    lines.write_text(lines.read_text().replace('"e1"', '"e0"'))
    with pytest.raises(
        RuntimeError, match=f"stored shard .*{shard_dir(earlier, '2025-03-01').name} is damaged"
    ):
        write(tonight_rows(), tmp_path, reuse_shards_of=earlier.version)


def legacy_version(rows: pl.DataFrame, root: Path) -> str:
    """A version as writer 1.x stored it: its files in its own folder, its content hash that of its one
    canonical JSONL (which is what a single shard holds), and a manifest listing its files."""
    sharded = write(rows, root / "scratch", shard_column=None)
    (shard,) = sharded.manifest["shards"]
    version = shard["content_hash"][:16]
    folder = root / "eval_dataset" / version
    folder.mkdir(parents=True)
    for file_name in ("data.parquet", "data.jsonl"):
        (folder / file_name).write_bytes((shard_dir(sharded, "all") / file_name).read_bytes())
    manifest = {
        key: value for key, value in sharded.manifest.items() if key not in ("shards", "shard_column")
    }
    manifest |= {"version": version, "content_hash": shard["content_hash"], "writer_version": "1.0.0"}
    (folder / "manifest.json").write_text(json.dumps({**manifest, "files": shard["files"]}))
    return version


# Guards the upgrade: versions written before shards (that training runs may have pinned) stay readable and
# verifiable, and a new version does not try to take shards over from them.
def test_a_version_written_before_shards_stays_readable_and_verifiable(tmp_path):
    version = legacy_version(eval_rows(), tmp_path)
    assert read_dataset_version(tmp_path, "eval_dataset", version).equals(eval_rows().sort("example_id"))
    assert version_problems(tmp_path, "eval_dataset", version) == []
    sharded = write(eval_rows(), tmp_path, reuse_shards_of=version)
    assert (sharded.serialised_rows, sharded.shards_written) == (3, 2)
    jsonl = tmp_path / "eval_dataset" / version / "data.jsonl"
    jsonl.write_text(jsonl.read_text().replace("better", "worse"))
    assert version_problems(tmp_path, "eval_dataset", version) == [
        f"shard {version} (all): data.jsonl does not have the digest the manifest recorded",
        f"shard {version} (all): the rows do not hash to the shard's content hash",
    ]


def as_written_with_a_clock(root: Path, version: DatasetVersion, created_at: str) -> None:
    """Rewrite a manifest as writers before `sequence` stored it: with its wall-clock `created_at`."""
    path = version.path / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["sequence"]
    path.write_text(json.dumps({**manifest, "created_at": created_at}))


# Guards the sequence that replaced the manifests' clock: each version is one more than the versions stored
# when it was written, versions from before are numbered in the order their clock says, and the new ones
# continue their numbers.
def test_versions_are_numbered_in_the_order_they_were_written(tmp_path):
    earlier = write(eval_rows(), tmp_path)
    later = write(eval_rows().head(2), tmp_path)
    assert (earlier.manifest["sequence"], later.manifest["sequence"]) == (1, 2)
    as_written_with_a_clock(tmp_path, earlier, "2026-11-02T01:00:00+00:00")
    as_written_with_a_clock(tmp_path, later, "2026-11-01T01:00:00+00:00")  # written first, by its clock
    newest = write(eval_rows().head(1), tmp_path)
    assert newest.manifest["sequence"] == 3
    registry = list_dataset_versions(tmp_path, "eval_dataset")
    assert registry.select("version", "sequence").rows() == [
        (later.version, 1),
        (earlier.version, 2),
        (newest.version, 3),
    ]
    assert registry.get_column("latest").to_list() == [False, False, True]


# Guards how whole-version audits bound their reads: consecutive shards up to the row budget, a larger shard
# alone, every shard once and in order.
def test_shards_are_grouped_up_to_a_row_budget_in_order() -> None:
    rows = {"a": 40, "b": 50, "c": 30, "d": 150, "e": 10}
    manifest = {"shards": [{"shard": shard, "row_count": count} for shard, count in rows.items()]}
    assert shard_groups(manifest, 100) == [["a", "b"], ["c"], ["d"], ["e"]]
    assert shard_groups(manifest, 1_000) == [list(rows)]
