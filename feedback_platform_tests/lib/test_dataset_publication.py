"""Staging and publishing dataset versions on a real folder: what consumers see before and after."""

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from feedback_platform.lib.datasets.catalog import DatasetRef, latest_versions, resolve_version
from feedback_platform.lib.datasets.index import list_dataset_versions
from feedback_platform.lib.datasets.publication import (
    LATEST_POINTER,
    ShardToAudit,
    latest_version,
    publish_dataset_version,
    publish_dataset_versions,
    read_staged_manifest,
    read_staged_version,
    shards_to_audit,
    staging_root,
)
from feedback_platform.lib.datasets.store import (
    shard_ids,
    version_problems,
    withdraw_version,
    write_dataset_version,
)
from feedback_platform.lib.datasets.unused_files import RemovedFiles, remove_unused_files


def _stage(root: Path, rows: pl.DataFrame, name: str = "sft") -> str:
    return write_dataset_version(
        rows,
        name=name,
        datasets_root=root,
        staged=True,
        rule_version="1.0.0",
        inputs={},
        key_column="example_id",
        shard_column="day",
    ).version


DAY_1, DAY_2 = date(2026, 11, 1), date(2026, 11, 2)
FIRST = pl.DataFrame({"example_id": ["a", "b"], "completion": ["x", "y"], "day": [DAY_1, DAY_1]})
SECOND = pl.DataFrame(
    {"example_id": ["a", "b", "c"], "completion": ["x", "y", "z"], "day": [DAY_1, DAY_1, DAY_2]}
)


# Guards write-audit-publish: a staged version is invisible to consumers until it is published.
def test_a_staged_version_is_not_listed_until_published(tmp_path: Path) -> None:
    version = _stage(tmp_path, FIRST)
    assert list_dataset_versions(tmp_path).is_empty()
    assert latest_version(tmp_path, "sft") is None
    assert read_staged_version(tmp_path, "sft", version).equals(FIRST)

    publication = publish_dataset_version(tmp_path, "sft", version)

    assert (publication.created, publication.previous) == (True, None)
    assert not (staging_root(tmp_path) / "sft" / version).exists()
    assert list_dataset_versions(tmp_path)["version"].to_list() == [version]
    assert read_staged_version(tmp_path, "sft", version).equals(FIRST)  # found where publishing moved it


# Guards the latest pointer: it follows publication order, and republishing old content moves it back
# without rewriting the published folder.
def test_latest_follows_publication_not_creation(tmp_path: Path) -> None:
    first = _stage(tmp_path, FIRST)
    publish_dataset_version(tmp_path, "sft", first)
    second = _stage(tmp_path, SECOND)
    publish_dataset_version(tmp_path, "sft", second)
    assert resolve_version(tmp_path, DatasetRef("sft"))["version"] == second

    again = publish_dataset_version(tmp_path, "sft", _stage(tmp_path, FIRST))

    assert (again.version, again.created, again.previous) == (first, False, second)
    pointer = json.loads((tmp_path / LATEST_POINTER).read_text())["sft"]
    assert pointer["version"] == first and pointer["previous"] == second
    assert latest_versions(tmp_path).select("version", "versions").row(0) == (first, 2)
    assert list_dataset_versions(tmp_path).filter("latest")["version"].to_list() == [first]


# Guards the rollback pointer (issue 16): publishing the latest version again changes no byte of latest.json,
# so `previous` still names the version before it.
def test_publishing_the_latest_version_again_keeps_its_pointer(tmp_path: Path) -> None:
    first = _stage(tmp_path, FIRST)
    publish_dataset_version(tmp_path, "sft", first)
    second = _stage(tmp_path, SECOND)
    publish_dataset_version(tmp_path, "sft", second)
    pointer_before = (tmp_path / LATEST_POINTER).read_bytes()

    again = publish_dataset_version(tmp_path, "sft", _stage(tmp_path, SECOND))

    assert (again.version, again.created, again.previous) == (second, False, first)
    assert (tmp_path / LATEST_POINTER).read_bytes() == pointer_before


# Guards atomic publication (issue 16): a night's versions become latest in one rewrite of the shared pointer,
# and when one of them cannot be published, no pointer changes: no dataset moves to the new night alone.
def test_the_versions_of_a_night_become_latest_together_or_not_at_all(tmp_path: Path) -> None:
    night_1 = {name: _stage(tmp_path, FIRST, name) for name in ("sft", "eval")}
    publish_dataset_versions(tmp_path, night_1)
    pointer_after_night_1 = (tmp_path / LATEST_POINTER).read_bytes()
    night_2 = {"sft": _stage(tmp_path, SECOND, "sft"), "eval": "0123456789abcdef"}  # eval never staged

    with pytest.raises(FileNotFoundError, match="no staged version 0123456789abcdef of dataset eval"):
        publish_dataset_versions(tmp_path, night_2)

    assert (tmp_path / LATEST_POINTER).read_bytes() == pointer_after_night_1
    assert {name: latest_version(tmp_path, name) for name in night_1} == night_1
    night_2["eval"] = _stage(tmp_path, SECOND, "eval")
    publications = publish_dataset_versions(tmp_path, night_2)
    assert {name: latest_version(tmp_path, name) for name in night_2} == night_2
    assert {name: p.previous for name, p in publications.items()} == night_1


# Guards stores written before the shared pointer: a dataset's own latest.json is read, and folded into the
# shared file at the next publication.
def test_a_pointer_of_the_former_layout_is_read_and_folded_in(tmp_path: Path) -> None:
    first = _stage(tmp_path, FIRST)
    publish_dataset_version(tmp_path, "sft", first)
    shared = json.loads((tmp_path / LATEST_POINTER).read_text())
    (tmp_path / LATEST_POINTER).unlink()
    (tmp_path / "sft" / LATEST_POINTER).write_text(json.dumps(shared["sft"]))
    assert latest_version(tmp_path, "sft") == first

    eval_version = _stage(tmp_path, FIRST, "eval")
    publish_dataset_version(tmp_path, "eval", eval_version)

    assert not (tmp_path / "sft" / LATEST_POINTER).exists()
    assert json.loads((tmp_path / LATEST_POINTER).read_text()).keys() == {"eval", "sft"}
    assert (latest_version(tmp_path, "sft"), latest_version(tmp_path, "eval")) == (first, eval_version)


# Guards against publishing what was never staged.
def test_publishing_an_unknown_version_fails(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no staged version"):
        publish_dataset_version(tmp_path, "sft", "0123456789abcdef")


# Guards what a row-local audit judges of a nightly version: only the shards the version it last passed does
# not hold, each with that version's shard of the same date (whose rows it judged); every shard, with none,
# when it passed no version, or when that version is gone.
def test_shards_to_audit_are_those_the_audited_version_does_not_hold(tmp_path: Path) -> None:
    first = _stage(tmp_path, FIRST)
    publish_dataset_version(tmp_path, "sft", first)
    second = _stage(tmp_path, SECOND.with_columns(completion=pl.Series(["x", "w", "z"])))
    first_shards, second_shards = (
        shard_ids(read_staged_manifest(tmp_path, "sft", version)) for version in (first, second)
    )
    assert len(second_shards) == 2 and not set(second_shards) & set(first_shards)
    day_1, day_2 = second_shards
    assert shards_to_audit(tmp_path, "sft", second, first) == [
        ShardToAudit(day_1, judged_shard=first_shards[0]),
        ShardToAudit(day_2, judged_shard=None),
    ]
    everything = [ShardToAudit(day_1, None), ShardToAudit(day_2, None)]
    assert shards_to_audit(tmp_path, "sft", second, None) == everything
    assert shards_to_audit(tmp_path, "sft", second, "0123456789abcdef") == everything
    # Withdrawn by an erasure, the first version's rows cannot be read: nothing to compare the new rows with.
    withdraw_version(
        tmp_path, "sft", first, {"erasure_id": "er-1", "withdrawn_at": "2026-11-03", "reason": "r"}
    )
    assert shards_to_audit(tmp_path, "sft", second, first) == everything
    publish_dataset_version(tmp_path, "sft", second)
    assert shards_to_audit(tmp_path, "sft", second, second) == []


# Guards the clean-up after a failed audit: the next staging removes the failed staged version, the shard
# only it listed and a killed writer's temporary folder; published versions keep every shard and stay valid.
def test_a_new_staging_removes_what_no_version_lists(tmp_path: Path) -> None:
    first = _stage(tmp_path, FIRST)
    publish_dataset_version(tmp_path, "sft", first)
    failed = _stage(tmp_path, SECOND)  # failed its audits: never published
    shards = tmp_path / "sft" / "shards"
    (shards / ".tmp-killed-writer").mkdir()
    changed = SECOND.with_columns(completion=pl.lit("w"))
    kept = _stage(tmp_path, changed)
    only_failed = set(shard_ids(read_staged_manifest(tmp_path, "sft", failed))) - set(
        shard_ids(read_staged_manifest(tmp_path, "sft", first))
    )

    removed = remove_unused_files(tmp_path, "sft", kept)

    assert removed.staged_versions == [failed] and removed.temporary_folders == 1
    assert set(removed.shards) == only_failed and only_failed
    assert not (staging_root(tmp_path) / "sft" / failed).exists()
    assert sorted(path.name for path in shards.iterdir()) == sorted(
        set(shard_ids(read_staged_manifest(tmp_path, "sft", first)))
        | set(shard_ids(read_staged_manifest(tmp_path, "sft", kept)))
    )
    for version in (first, kept):
        assert version_problems(tmp_path, "sft", version, staged=version == kept) == []
    assert read_staged_version(tmp_path, "sft", kept).sort("example_id").equals(changed)
    assert remove_unused_files(tmp_path, "sft", kept) == RemovedFiles([], [], 0)
