"""The row lineage table is appended: a sync reads only the versions it does not trace yet."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from feedback_platform.lib import warehouse
from feedback_platform.lib.datasets.index import REGISTRY_TABLE, list_dataset_versions
from feedback_platform.lib.datasets.row_lineage_table import (
    LINEAGE_TABLE,
    latest_version_lineage,
    sync_row_lineage,
    traced_row_counts,
)
from feedback_platform.lib.datasets.store import write_dataset_version


def _examples(ids: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "example_id": ids,
            "response_id": [f"r-{i}" for i in ids],
            "feedback_event_ids": [[f"ev-{i}", f"ev-{i}-b"] for i in ids],
        }
    )


def _store(root, ids: list[str]) -> str:
    return write_dataset_version(
        _examples(ids),
        name="sft",
        datasets_root=root,
        rule_version="1",
        inputs={},
        key_column="example_id",
    ).version


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def test_a_sync_traces_only_the_versions_published_since_the_last(tmp_path, con):
    # Guards the appended lineage: a second night reads its own version only, and the first stays as it was.
    root = tmp_path / "datasets"
    first = _store(root, ["a", "b"])
    sync = sync_row_lineage(con, list_dataset_versions(root), root)
    assert (sync.traced, sync.dropped, sync.rows) == ([f"sft@{first}"], [], 4)

    assert sync_row_lineage(con, list_dataset_versions(root), root).traced == []

    second = _store(root, ["a", "b", "c"])
    sync = sync_row_lineage(con, list_dataset_versions(root), root)
    assert sync.traced == [f"sft@{second}"]
    assert sync.rows == 4 + 6
    counts = traced_row_counts(con).sort("version").rows()
    assert sorted(counts) == sorted([("sft", first, 2, 2), ("sft", second, 3, 3)])


def test_a_sync_drops_versions_no_longer_stored_and_retraces_lost_rows(tmp_path, con):
    # Guards self-repair: lineage of a removed version goes; a version missing rows is traced again.
    root = tmp_path / "datasets"
    kept, removed = _store(root, ["a"]), _store(root, ["x", "y"])
    sync_row_lineage(con, list_dataset_versions(root), root)
    con.execute(f"delete from {LINEAGE_TABLE} where version = ? and row_id = 'a'", [kept])

    registry = list_dataset_versions(root).filter(pl.col("version") != removed)
    sync = sync_row_lineage(con, registry, root)
    assert sync.dropped == [f"sft@{removed}"]
    assert sync.traced == [f"sft@{kept}"]
    assert con.execute(f"select distinct version from {LINEAGE_TABLE}").fetchall() == [(kept,)]


def test_latest_version_lineage_holds_the_latest_versions_rows_only(tmp_path, con):
    # Guards what the conversion rate reads: the latest version's lineage, not every version's.
    root = tmp_path / "datasets"
    _store(root, ["a"])
    newest = _store(root, ["a", "b"])
    registry = list_dataset_versions(root)
    warehouse.replace_table(con, REGISTRY_TABLE, registry)
    sync_row_lineage(con, registry, root)
    lineage = latest_version_lineage(con)
    assert set(lineage.get_column("version")) == {newest}
    assert lineage.height == 4
