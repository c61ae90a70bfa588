"""The warehouse writes: by column name, one transaction each, one partition at a time."""

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from feedback_platform.lib import warehouse
from feedback_platform.lib.warehouse import (
    SchemaMismatchError,
    read_table,
    read_table_batches,
    read_table_parts,
    replace_partitions,
    replace_rows_matching,
    replace_table,
)

DAY_1, DAY_2 = date(2026, 11, 1), date(2026, 11, 2)


def _rows(day: date, texts: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [f"{day}-{i}" for i in range(len(texts))],
            "raw_text": [f"raw {t}" for t in texts],
            "redacted_text": texts,
            "landing_date": [day] * len(texts),
        }
    )


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


# Regression guard for dagster-duckdb's positional insert: a reordered frame must not swap columns.
def test_reordered_columns_are_inserted_by_name(con: duckdb.DuckDBPyConnection) -> None:
    replace_partitions(con, "t", _rows(DAY_1, ["a"]), "landing_date", [DAY_1])
    reordered = _rows(DAY_2, ["b"]).select("landing_date", "redacted_text", "id", "raw_text")
    replace_partitions(con, "t", reordered, "landing_date", [DAY_2])
    stored = read_table(con, "t", "landing_date", [DAY_2])
    assert stored.row(0, named=True) == {
        "id": "2026-11-02-0",
        "raw_text": "raw b",
        "redacted_text": "b",
        "landing_date": DAY_2,
    }


# Re-running a partition replaces exactly that partition and leaves the others as they were.
def test_replacing_a_partition_keeps_the_others(con: duckdb.DuckDBPyConnection) -> None:
    replace_partitions(con, "t", _rows(DAY_1, ["a", "b"]), "landing_date", [DAY_1])
    replace_partitions(con, "t", _rows(DAY_2, ["c"]), "landing_date", [DAY_2])
    replace_partitions(con, "t", _rows(DAY_1, ["z"]), "landing_date", [DAY_1])
    stored = read_table(con, "t").sort("id")
    assert stored["redacted_text"].to_list() == ["z", "c"]


# A failed write rolls back: the partition's previous rows are still there, nothing half-written.
def test_a_failed_write_leaves_the_previous_rows(con: duckdb.DuckDBPyConnection) -> None:
    replace_partitions(con, "t", _rows(DAY_1, ["a"]), "landing_date", [DAY_1])
    wrong_schema = _rows(DAY_1, ["b"]).rename({"redacted_text": "text"})
    with pytest.raises(SchemaMismatchError, match="missing \\['redacted_text'\\], unexpected \\['text'\\]"):
        replace_partitions(con, "t", wrong_schema, "landing_date", [DAY_1])
    assert read_table(con, "t")["redacted_text"].to_list() == ["a"]


# Rows that belong to another partition are refused rather than written where the next run overwrites them.
def test_rows_outside_the_partition_are_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="outside partitions"):
        replace_partitions(con, "t", _rows(DAY_2, ["a"]), "landing_date", [DAY_1])


# A slice named by several columns (one dataset version) is replaced alone; rows outside it are refused.
def test_replacing_rows_matching_columns_keeps_the_other_slices(con: duckdb.DuckDBPyConnection) -> None:
    def version_rows(dataset: str, version: str, row_ids: list[str]) -> pl.DataFrame:
        return pl.DataFrame({"dataset": dataset, "version": version, "row_id": row_ids})

    replace_rows_matching(
        con, "lineage", version_rows("sft", "v1", ["a", "b"]), {"dataset": "sft", "version": "v1"}
    )
    replace_rows_matching(
        con, "lineage", version_rows("dpo", "v1", ["c"]), {"dataset": "dpo", "version": "v1"}
    )
    replace_rows_matching(
        con, "lineage", version_rows("sft", "v1", ["z"]), {"dataset": "sft", "version": "v1"}
    )
    assert read_table(con, "lineage").sort("row_id")["row_id"].to_list() == ["c", "z"]
    with pytest.raises(ValueError, match="do not match"):
        replace_rows_matching(
            con, "lineage", version_rows("sft", "v2", ["y"]), {"dataset": "sft", "version": "v1"}
        )


# Whole-table replacement takes the new frame's schema, nested types included.
def test_replace_table_keeps_nested_types(con: duckdb.DuckDBPyConnection) -> None:
    messages = pl.DataFrame({"messages": [[{"role": "user", "content": "hi"}]]})
    replace_table(con, "m", pl.DataFrame({"old": [1]}))
    replace_table(con, "m", messages)
    assert read_table(con, "m").to_dicts() == [{"messages": [{"role": "user", "content": "hi"}]}]


# Reading a table nobody materialised yet says so instead of an obscure catalog error.
def test_reading_a_missing_table_names_it(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(LookupError, match="raw_feedback does not exist yet"):
        read_table(con, "raw_feedback")


# Guards how a dataset version streams its curated table: one frame per value in value order (only the
# rows a filter keeps), a null value read too rather than lost, and an empty table as one typed empty frame.
def test_a_table_is_read_a_part_at_a_time(con: duckdb.DuckDBPyConnection) -> None:
    rows = pl.concat(
        [_rows(DAY_2, ["b", "c"]), _rows(DAY_1, ["a"]), _rows(DAY_1, ["z"]).with_columns(id=pl.lit("x"))]
    )
    replace_table(
        con,
        "parts",
        rows.with_columns(landing_date=pl.when(pl.col("id") == "x").then(None).otherwise("landing_date")),
    )
    parts = list(read_table_parts(con, "parts", "landing_date"))
    assert [part["landing_date"].to_list() for part in parts] == [[DAY_1], [DAY_2, DAY_2], [None]]
    filtered = list(read_table_parts(con, "parts", "landing_date", {"redacted_text": "c"}))
    assert [part["id"].to_list() for part in filtered] == [[f"{DAY_2}-1"]]
    (empty,) = read_table_parts(con, "parts", "landing_date", {"redacted_text": "none"})
    assert empty.height == 0 and empty.schema == parts[0].schema


# Guards the bounded reads of whole-history tables: every row once, in batches of the size asked, only the
# columns asked; an empty table gives one empty frame with the columns' types.
def test_a_table_is_read_in_batches_of_its_columns(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(DAY_1, [f"t{i}" for i in range(5)])
    replace_table(con, "batched", rows)
    batches = list(read_table_batches(con, "batched", ["id", "redacted_text"], 2))
    assert [batch.height for batch in batches] == [2, 2, 1]
    assert pl.concat(batches).sort("id").equals(rows.select("id", "redacted_text"))
    replace_table(con, "none", rows.clear())
    (empty,) = read_table_batches(con, "none", ["id", "landing_date"], 2)
    assert empty.height == 0 and empty.schema == rows.select("id", "landing_date").schema


# Guards quiet connections: DuckDB draws a progress bar on standard output for long queries, which broke the
# JSON of `materialize --json`. The bar is forced for every query here (setting its delay turns it back on),
# so a plain connection draws it and a quiet one must not; the platform's connections, the warehouse
# resource's too, are opened quiet.
def test_connections_draw_no_progress_bar(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from feedback_platform.resources import Warehouse

    slow = "select count(*) from range(200000000) t(i) where i % 7 = 3"
    with duckdb.connect() as con:
        con.execute("set progress_bar_time = 0")
        con.execute(slow).fetchall()
        assert "%" in capfd.readouterr().out
        warehouse.quiet(con)
        capfd.readouterr()  # the bar of the setting's own statement
        con.execute(slow).fetchall()
        assert capfd.readouterr().out == ""
    with warehouse.connect() as con, Warehouse(database=str(tmp_path / "w.duckdb")).connect() as resource_con:
        for connection in (con, resource_con):
            assert connection.sql("select current_setting('enable_progress_bar')").fetchall() == [(False,)]
