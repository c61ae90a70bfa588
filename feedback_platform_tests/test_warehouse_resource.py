"""The `warehouse` resource: dagster-duckdb's DuckDBResource, with connections closed however a block ends."""

from pathlib import Path

import duckdb
import pytest
from dagster_duckdb import DuckDBResource
from pydantic import ValidationError

from feedback_platform.resources import Warehouse, build_resources
from feedback_platform.settings import PlatformSettings


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


# Guards bounded memory: the limit set in the environment is the limit of every warehouse connection, and a
# value DuckDB would not read is refused when the settings are read, naming the variable.
def test_the_duckdb_memory_limit_setting_reaches_the_warehouse_connections(tmp_path: Path) -> None:
    environ = {"FEEDBACK_PLATFORM_DATA_DIR": str(tmp_path), "FEEDBACK_PLATFORM_DUCKDB_MEMORY_LIMIT": "300MiB"}
    warehouse = build_resources(PlatformSettings.from_environment(environ))["warehouse"]
    with warehouse.connect() as con:
        ((limit,),) = con.execute("select current_setting('memory_limit')").fetchall()
    assert limit == "300.0 MiB"
    with pytest.raises(ValidationError, match="duckdb_memory_limit"):
        PlatformSettings.from_environment(environ | {"FEEDBACK_PLATFORM_DUCKDB_MEMORY_LIMIT": "lots"})
