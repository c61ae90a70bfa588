"""The `warehouse` resource: dagster-duckdb's DuckDBResource, with connections closed however a block ends."""

import os
from pathlib import Path

import duckdb
import pytest
from dagster_duckdb import DuckDBResource
from pydantic import ValidationError

from feedback_platform.resources import DBT_PROJECT_DIR, Warehouse, build_resources
from feedback_platform.settings import DEFAULT_DUCKDB_MEMORY_LIMIT, PlatformSettings


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


# Guards dbt's memory: while dbt runs, its profile reads the warehouse's file and memory limit from the
# environment (the profile's fallback is the platform's default), and the environment is restored after.
def test_dbt_gets_the_warehouse_file_and_memory_limit_while_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FEEDBACK_PLATFORM_DUCKDB", raising=False)
    monkeypatch.setenv("FEEDBACK_PLATFORM_DUCKDB_MEMORY_LIMIT", "5GB")
    warehouse = Warehouse(
        database=str(tmp_path / "warehouse.duckdb"), connection_config={"memory_limit": "300MiB"}
    )
    with warehouse.visible_to_dbt():
        assert os.environ["FEEDBACK_PLATFORM_DUCKDB"] == warehouse.database
        assert os.environ["FEEDBACK_PLATFORM_DUCKDB_MEMORY_LIMIT"] == "300MiB"
    assert "FEEDBACK_PLATFORM_DUCKDB" not in os.environ
    assert os.environ["FEEDBACK_PLATFORM_DUCKDB_MEMORY_LIMIT"] == "5GB"
    profile = (DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    assert f"env_var('FEEDBACK_PLATFORM_DUCKDB_MEMORY_LIMIT', '{DEFAULT_DUCKDB_MEMORY_LIMIT}')" in profile
