"""Shared fixtures: one real, small platform built once per test session.

`sample_platform` generates three days of sample logs, then materialises every asset with the real
DuckDB, Presidio, dbt and Great Expectations into a temporary data directory, exactly as
`make run` does. Content tests read what it produced; none of them mock a component.
"""

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
import yaml

from feedback_platform.lib.sample_logs import GenerationSummary, SampleLogConfig, generate_sample_logs
from feedback_platform.local.instance_storage import sqlite_storage_config
from feedback_platform.local.materialize import RunOutcome, materialize_days
from feedback_platform.settings import DEFAULT_TENANTS_FILE, PARTITION_START_VARIABLE, PlatformSettings
from feedback_platform_tests.postgres_server import PostgresServer, missing_reason, running_postgres

SAMPLE = SampleLogConfig(days=3, responses_per_day=200, seed=7, start_date=date(2026, 11, 1))


@dataclass(frozen=True)
class SamplePlatform:
    settings: PlatformSettings
    generation: GenerationSummary
    outcomes: list[RunOutcome]
    instance: dg.DagsterInstance

    def table(self, name: str) -> pl.DataFrame:
        with duckdb.connect(str(self.settings.duckdb_path), read_only=True) as con:
            return con.sql(f'select * from "{name}"').pl()

    def table_names(self) -> list[str]:
        """The warehouse's tables (not its views), by name."""
        with duckdb.connect(str(self.settings.duckdb_path), read_only=True) as con:
            rows = con.execute(
                "select table_name from information_schema.tables where table_type = 'BASE TABLE'"
                " order by table_name"
            ).fetchall()
        return [name for (name,) in rows]

    def sorted_table(self, name: str) -> pl.DataFrame:
        """The table's rows in the order of all their columns: what it holds, whatever order its writes
        (a partition replaced, an erasure's rows added) left the rows in."""
        with duckdb.connect(str(self.settings.duckdb_path), read_only=True) as con:
            return con.sql(f'select * from "{name}" order by all').pl()

    def table_text(self, name: str) -> str:
        """Every row of a table rendered as text, nested columns included, for needle searches."""
        with duckdb.connect(str(self.settings.duckdb_path), read_only=True) as con:
            (text,) = con.execute(
                f'select string_agg(cast(t as varchar), chr(10)) from "{name}" t'
            ).fetchall()[0]
        return text or ""

    def tables(self) -> list[str]:
        with duckdb.connect(str(self.settings.duckdb_path), read_only=True) as con:
            return [name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()]


@pytest.fixture(scope="session", autouse=True)
def _environment() -> None:
    """No telemetry, dagster-dbt's `dbt` (run from PATH) is the one in this virtualenv, and the daily
    partitions start early enough for every date the tests land logs on (the code location reads the
    setting once per process, when a test first builds the definitions)."""
    os.environ[PARTITION_START_VARIABLE] = "2026-01-01"
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    os.environ["DAGSTER_DISABLE_TELEMETRY"] = "1"
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """A fresh `dbt parse` of the project, so tests never build assets from a stale manifest."""
    from feedback_platform.resources import dbt_project

    dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session (its users each create a database of their own)."""
    if reason := missing_reason():
        pytest.skip(reason)
    with running_postgres() as server:
        yield server


def settings_for(data_dir: Path) -> PlatformSettings:
    return PlatformSettings.from_environment({"FEEDBACK_PLATFORM_DATA_DIR": str(data_dir)})


def instance_without_telemetry(home: Path) -> dg.DagsterInstance:
    """A SQLite instance in `home` (made here) stored as the platform's own (`sqlite_storage_config`), whose
    dagster.yaml turns telemetry off, as the platform's does: a bare home has it on, and Dagster then logs
    every step's telemetry to a file (uploads stay off with DAGSTER_DISABLE_TELEMETRY, logging does not).

    Open a copied home with this too, never with `DagsterInstance.from_config`: the copied dagster.yaml
    names the original home's files, so runs would be recorded in the original's instance."""
    home.mkdir(parents=True, exist_ok=True)
    config = {"telemetry": {"enabled": False}, "storage": sqlite_storage_config(str(home))}
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    return dg.DagsterInstance.from_config(str(home))


def materialised_sample(
    data_dir: Path,
    config: SampleLogConfig,
    plant: Callable[[Path], None] | None = None,
    tenants_file: Path = DEFAULT_TENANTS_FILE,
) -> SamplePlatform:
    """Generate `config`'s sample logs into `data_dir`'s landing folder, let `plant` add lines to them (it
    gets the landing root), and materialise every landing day on an instance in `<data dir>/dagster_home`."""
    settings = settings_for(data_dir).model_copy(update={"tenants_file": tenants_file})
    generation = generate_sample_logs(config, settings.landing_dir)
    if plant is not None:
        plant(settings.landing_dir)
    instance = instance_without_telemetry(settings.data_dir / "dagster_home")
    outcomes = materialize_days(settings, instance)
    return SamplePlatform(settings, generation, outcomes, instance)


@pytest.fixture(scope="session")
def sample_platform(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> SamplePlatform:
    return materialised_sample(tmp_path_factory.mktemp("platform"), SAMPLE)


@pytest.fixture
def platform_copy(sample_platform: SamplePlatform, tmp_path: Path) -> PlatformSettings:
    """A private copy of the sample platform's data (without its Dagster home), for tests that tamper."""
    shutil.copytree(
        sample_platform.settings.data_dir, tmp_path / "data", ignore=shutil.ignore_patterns("dagster_home")
    )
    return settings_for(tmp_path / "data")
