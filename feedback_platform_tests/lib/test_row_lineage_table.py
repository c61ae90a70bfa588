"""The row lineage is appended per shard: a sync reads only the shards it does not trace yet, and a shard
many versions list is traced once."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest

from feedback_platform.lib import warehouse
from feedback_platform.lib.datasets.index import REGISTRY_TABLE, list_dataset_versions
from feedback_platform.lib.datasets.row_lineage_table import (
    LATEST_VERSION_LINEAGE,
    LINEAGE_TABLE,
    SHARD_LINEAGE_TABLE,
    sync_row_lineage,
    traced_row_counts,
)
from feedback_platform.lib.datasets.store import read_manifest, shard_ids, write_dataset_version


def _examples(ids: list[str]) -> pl.DataFrame:
    """Examples whose response date is the 1st of the month for ids a to m, the 2nd for the others."""
    return pl.DataFrame(
        {
            "example_id": ids,
            "response_id": [f"r-{i}" for i in ids],
            "feedback_event_ids": [[f"ev-{i}", f"ev-{i}-b"] for i in ids],
            "response_date": [date(2026, 11, 1 if i < "n" else 2) for i in ids],
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
        shard_column="response_date",
    ).version


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def test_a_sync_traces_only_the_shards_no_version_listed_before(tmp_path, con):
    # Guards the appended lineage: a second night traces its new shard only; its unchanged shard, which the
    # first version lists too, is traced once, and the view gives each version its full lineage.
    root = tmp_path / "datasets"
    first = _store(root, ["a", "b"])
    sync = sync_row_lineage(con, list_dataset_versions(root), root)
    assert (sync.traced, sync.dropped, len(sync.shards_traced), sync.rows) == ([f"sft@{first}"], [], 1, 4)

    again = sync_row_lineage(con, list_dataset_versions(root), root)
    assert (again.traced, again.shards_traced) == ([], [])

    second = _store(root, ["a", "b", "x"])
    sync = sync_row_lineage(con, list_dataset_versions(root), root)
    assert sync.traced == [f"sft@{second}"]
    assert len(sync.shards_traced) == 1
    assert sync.rows == 4 + 2
    counts = traced_row_counts(con).sort("version").rows()
    assert sorted(counts) == sorted([("sft", first, 2, 2), ("sft", second, 3, 3)])
    by_version = con.execute(f"select version, count(*) from {LINEAGE_TABLE} group by all").fetchall()
    assert sorted(by_version) == sorted([(first, 4), (second, 6)])


def test_a_sync_drops_versions_no_longer_stored_and_retraces_lost_rows(tmp_path, con):
    # Guards self-repair: a removed version is unlisted and its shard's lineage goes; a shard missing rows
    # is traced again, whole and once (what was left of it does not stay beside the new lineage).
    root = tmp_path / "datasets"
    kept, removed = _store(root, ["a", "b"]), _store(root, ["x", "y"])
    sync_row_lineage(con, list_dataset_versions(root), root)
    kept_lineage = f"select * from {SHARD_LINEAGE_TABLE} where row_id in ('a', 'b') order by all"
    before = con.execute(kept_lineage).fetchall()
    con.execute(f"delete from {SHARD_LINEAGE_TABLE} where row_id = 'a'")

    registry = list_dataset_versions(root).filter(pl.col("version") != removed)
    sync = sync_row_lineage(con, registry, root)
    assert (sync.dropped, sync.traced, len(sync.shards_traced)) == ([f"sft@{removed}"], [], 1)
    assert con.execute(f"select distinct version from {LINEAGE_TABLE}").fetchall() == [(kept,)]
    assert con.execute(f"select distinct row_id from {SHARD_LINEAGE_TABLE} order by 1").fetchall() == [
        ("a",),
        ("b",),
    ]
    assert con.execute(kept_lineage).fetchall() == before


def test_an_interrupted_sync_leaves_the_lineage_as_it_was_and_the_next_completes_it(tmp_path, con):
    # Guards the one transaction of a sync: when tracing fails on a later shard (here an unreadable file),
    # the shards traced before it are not committed alone, and the next sync traces every shard.
    root = tmp_path / "datasets"
    first = _store(root, ["a"])
    sync_row_lineage(con, list_dataset_versions(root), root)
    before = con.execute(f"select * from {SHARD_LINEAGE_TABLE} order by all").fetchall()
    second = _store(root, ["b", "x"])  # two new shards: the 1st and the 2nd of the month
    new_shards = sorted(
        set(shard_ids(read_manifest(root, "sft", second))) - {*shard_ids(read_manifest(root, "sft", first))}
    )
    parquet = root / "sft" / "shards" / new_shards[-1] / "data.parquet"  # the shard traced last
    intact = parquet.read_bytes()
    parquet.write_bytes(intact[: len(intact) // 2])
    with pytest.raises(pl.exceptions.ComputeError, match="parquet"):
        sync_row_lineage(con, list_dataset_versions(root), root)
    assert con.execute(f"select * from {SHARD_LINEAGE_TABLE} order by all").fetchall() == before

    parquet.write_bytes(intact)
    sync = sync_row_lineage(con, list_dataset_versions(root), root)
    assert len(sync.shards_traced) == 2
    counts = traced_row_counts(con).rows()
    assert sorted(counts) == sorted([("sft", first, 1, 1), ("sft", second, 2, 2)])


def test_latest_version_lineage_holds_the_latest_versions_rows_only(tmp_path, con):
    # Guards what the conversion rate reads: the latest version's lineage, not every version's.
    root = tmp_path / "datasets"
    _store(root, ["a"])
    newest = _store(root, ["a", "b"])
    registry = list_dataset_versions(root)
    warehouse.replace_table(con, REGISTRY_TABLE, registry)
    sync_row_lineage(con, registry, root)
    lineage = con.sql(LATEST_VERSION_LINEAGE).pl()
    assert set(lineage.get_column("version")) == {newest}
    assert lineage.height == 4
