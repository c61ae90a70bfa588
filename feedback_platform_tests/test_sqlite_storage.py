"""The instance's SQLite storage with its connections kept open: the same files as Dagster's own storage,
so a home written by either is read by the other, and no connection crosses a fork or outlives its place
among the files last used."""

import multiprocessing
from pathlib import Path

import dagster as dg
import yaml

from feedback_platform.local.sqlite_storage import (
    EnginesByFile,
    KeptOpenEventLogStorage,
    KeptOpenRunStorage,
)
from feedback_platform_tests.conftest import instance_without_telemetry


@dg.asset
def numbers() -> list[int]:
    return [1, 2, 3]


@dg.asset_check(asset=numbers)
def numbers_are_positive(numbers: list[int]) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=all(number > 0 for number in numbers))


def dagsters_own_instance(home: Path, config_dir: Path) -> dg.DagsterInstance:
    """An instance on `home`'s files through Dagster's own SQLite storage."""
    config_dir.mkdir()
    config = {"telemetry": {"enabled": False}, "storage": {"sqlite": {"base_dir": str(home)}}}
    (config_dir / "dagster.yaml").write_text(yaml.safe_dump(config))
    return dg.DagsterInstance.from_config(str(config_dir))


def materialisations(instance: dg.DagsterInstance) -> int:
    return len(instance.fetch_materializations(numbers.key, limit=100).records)


# Guards that the kept-open storage is Dagster's storage, file for file: runs, events and check results
# written through either are read through the other, in the same home.
def test_a_home_reads_the_same_through_either_storage(tmp_path: Path) -> None:
    home = tmp_path / "home"
    kept_open = instance_without_telemetry(home)
    assert isinstance(kept_open.run_storage, KeptOpenRunStorage)
    assert isinstance(kept_open.event_log_storage, KeptOpenEventLogStorage)
    assert dg.materialize([numbers, numbers_are_positive], instance=kept_open).success

    dagsters = dagsters_own_instance(home, tmp_path / "plain")
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
