"""The instance's storage with its connections kept open, in SQLite files and in a real PostgreSQL server:
the same tables as Dagster's own storage, so what either wrote the other reads; and in SQLite no
connection crosses a fork or outlives its place among the files last used."""

import multiprocessing
import uuid
from pathlib import Path

import dagster as dg
import pytest
import yaml

from feedback_platform.local.instance_storage import (
    EnginesByFile,
    KeptOpenPostgresStorage,
    KeptOpenSqliteStorage,
    postgres_storage_config,
    sqlite_storage_config,
)

URL_VARIABLE = "TEST_DAGSTER_POSTGRES_URL"


@dg.asset
def numbers() -> list[int]:
    return [1, 2, 3]


@dg.asset_check(asset=numbers)
def numbers_are_positive(numbers: list[int]) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=all(number > 0 for number in numbers))


def instance(home: Path, storage: dict) -> dg.DagsterInstance:
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump({"telemetry": {"enabled": False}, "storage": storage}))
    return dg.DagsterInstance.from_config(str(home))


@pytest.fixture(params=["sqlite", "postgres"])
def storages(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict, dict]:
    """The `storage` blocks of the kept-open storage and of Dagster's own, on the same files or database."""
    if request.param == "sqlite":
        home = str(tmp_path / "kept_open")
        return sqlite_storage_config(home), {"sqlite": {"base_dir": home}}
    url = request.getfixturevalue("postgres_server").create_database(f"storage_{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv(URL_VARIABLE, url)
    return postgres_storage_config(URL_VARIABLE), {"postgres": {"postgres_url": url}}


def materialisations(instance: dg.DagsterInstance) -> int:
    return len(instance.fetch_materializations(numbers.key, limit=100).records)


# Guards that the kept-open storage is Dagster's storage, table for table: runs, events and check results
# written through either are read through the other, in the same home or database; and that connections
# kept open since a first run see the second one written through other connections.
def test_what_either_storage_writes_the_other_reads(tmp_path: Path, storages: tuple[dict, dict]) -> None:
    kept_open_storage, dagsters_storage = storages
    kept_open = instance(tmp_path / "kept_open", kept_open_storage)
    assert isinstance(kept_open.get_ref().storage, (KeptOpenSqliteStorage, KeptOpenPostgresStorage))
    assert dg.materialize([numbers, numbers_are_positive], instance=kept_open).success

    dagsters = instance(tmp_path / "dagsters", dagsters_storage)
    assert len(dagsters.get_runs()) == 1
    assert materialisations(dagsters) == 1
    assert dg.materialize([numbers, numbers_are_positive], instance=dagsters).success

    assert len(kept_open.get_runs()) == 2
    assert materialisations(kept_open) == 2
    check = dg.AssetCheckKey(numbers.key, "numbers_are_positive")
    assert len(kept_open.event_log_storage.get_asset_check_execution_history(check, limit=10)) == 2


def _engine_in_child(engines: EnginesByFile, conn_string: str, parents_engine: object) -> None:
    raise SystemExit(0 if engines.engine(conn_string) is not parents_engine else 1)


# Guards the rules of the kept engines: one per file while it is among the last used, a new one once it
# was let go, and never the parent's in a forked child (two processes must not share a connection).
def test_engines_are_kept_per_file_and_not_across_a_fork(tmp_path: Path) -> None:
    engines = EnginesByFile(capacity=2)
    first, second, third = (f"sqlite:///{tmp_path / name}.db" for name in ["a", "b", "c"])
    kept = engines.engine(first)
    assert engines.engine(first) is kept
    engines.engine(second)
    engines.engine(third)
    assert engines.engine(first) is not kept

    child = multiprocessing.get_context("fork").Process(
        target=_engine_in_child, args=(engines, first, engines.engine(first))
    )
    child.start()
    child.join()
    assert child.exitcode == 0
    engines.dispose()
