"""The `warehouse` resource: dagster-duckdb's DuckDBResource, with connections closed however a block ends."""

from pathlib import Path

import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from feedback_platform.resources import Warehouse


# Guards the single-writer rule: a block that raises must not leave its connection (and the lock) open.
def test_a_connection_is_closed_when_its_block_raises(tmp_path: Path) -> None:
    warehouse = Warehouse(database=str(tmp_path / "nested" / "warehouse.duckdb"))
    assert isinstance(warehouse, DuckDBResource)
    with pytest.raises(ZeroDivisionError), warehouse.connect() as con:
        con.execute("create table answers as select 42 as answer")
        _ = 1 / 0
    with pytest.raises(duckdb.ConnectionException):
        con.execute("select 1")
    with duckdb.connect(warehouse.database, read_only=True) as reader:
        assert reader.execute("select answer from answers").fetchall() == [(42,)]
