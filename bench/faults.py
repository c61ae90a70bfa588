"""Crashes and hostile input: does the nightly recover without an operator, and is anything lost or leaked?

Generates a small sample, writes the hostile-input corpus (`feedback_platform.lib.sample_logs.hostile`, 40+
kinds of damage) into its last day, and runs `feedback-platform materialize` on a copy: the clean run. Then,
`--kills` times, on a fresh copy, starts the same command, kills its whole process group (SIGKILL) after a
random delay within the clean run's duration, and runs the command again, as the next night would, with no
one freeing anything in between. It prints:

- faults injected, and runs recovered without help: the re-run exits 0, every warehouse table holds what
  the clean run's holds (compared in sorted order, digest per table) and the latest dataset versions are
  the clean run's;
- rows lost: lines in the landing files minus rows kept and lines quarantined, over every stream and day;
- kinds quarantined, kept or reported as they must be, and kinds found nowhere;
- crashes: runs that exited non-zero without being killed;
- planted personal data found in a redacted table or a dataset file.

With `--postgres` every run's Dagster instance keeps its runs, events and pool slots in a database of its
own on a PostgreSQL server the bench starts (as a deployment with a daemon would), instead of SQLite files.

Usage: python bench/faults.py [--work DIR] [--kills N] [--days D] [--responses-per-day R] [--seed S]
                              [--postgres]
"""

import argparse
import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from feedback_platform.lib.datasets.catalog import latest_versions
from feedback_platform.lib.erasure.byte_scan import occurrences
from feedback_platform.lib.logs.contract import STREAMS
from feedback_platform.lib.logs.landing import count_landing_lines, landing_dates, unread_entries
from feedback_platform.lib.sample_logs.hostile import HostileCase, outcomes, write_hostile_day
from feedback_platform.resources import DBT_PROJECT_DIR
from feedback_platform.settings import DAGSTER_POSTGRES_URL_VARIABLE
from feedback_platform_tests.postgres_server import PostgresServer, running_postgres

BIN = Path(sys.executable).parent
CLI = str(BIN / "feedback-platform")
WORKING_TABLES = frozenset({"recompute_landing_days"})
"""Tables that record what a run did rather than what the data is (the join's work list)."""
RUN_COLUMNS = {"dataset_versions": ("path", "upstream_json")}
"""Columns that say where and from which bytes a version was written, not what it holds: the absolute path
of the store (each run here has its own data folder), and the data versions upstream of it. The raw layer's
data version is the hash of the landing files read, and an erasure of the last day rewrites earlier days'
files (its tombstones): a run killed after that re-reads those days from the rewritten files, so its
versions truthfully record other bytes (two uninterrupted builds record the same: test_deterministic_rebuild).
Version ids, content hashes, sequences and every other column compare."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "faults")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument(
        "--responses-per-day",
        type=int,
        default=300,
        help="enough that the corpus stays under the quarantined share a day may have (20%%)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", action="store_true", help="instances in PostgreSQL, not SQLite")
    args = parser.parse_args()
    with running_postgres() if args.postgres else contextlib.nullcontext() as server:
        run_bench(args, InstanceStorage(server))


class InstanceStorage:
    """The environment that gives each run folder its Dagster instance's storage: SQLite files in its home,
    or a database of its own on the server."""

    def __init__(self, server: PostgresServer | None) -> None:
        self.server = server
        self.urls: dict[Path, str] = {}

    def environment(self, data_dir: Path) -> dict[str, str]:
        if self.server is None:
            return {}
        if data_dir not in self.urls:
            self.urls[data_dir] = self.server.create_database(f"faults_{data_dir.name.replace('-', '_')}")
        return {DAGSTER_POSTGRES_URL_VARIABLE: self.urls[data_dir]}


def run_bench(args: argparse.Namespace, storage: InstanceStorage) -> None:
    rng = random.Random(args.seed)
    shutil.rmtree(args.work, ignore_errors=True)
    # The dbt manifest the join layer's assets come from, parsed as `make run` does first.
    subprocess.run([str(BIN / "dbt"), "parse", "--quiet"], cwd=DBT_PROJECT_DIR, check=True)
    base = args.work / "base"
    _cli(
        [
            "generate",
            "--days",
            str(args.days),
            "--responses-per-day",
            str(args.responses_per_day),
            "--out",
            str(base / "landing"),
        ],
        base,
        storage,
    )
    cases = write_hostile_day(base / "landing", landing_dates(base / "landing")[-1])
    print(f"corpus: {len(cases)} kinds of hostile input in the last landing day")

    clean = _copy(base, args.work / "clean")
    started = time.perf_counter()
    clean_exit = _cli(["materialize"], clean, storage).returncode
    clean_seconds = time.perf_counter() - started
    expected = _state(clean)
    print(f"clean run: exit {clean_exit} in {clean_seconds:.0f} s, {len(expected['tables'])} tables")
    crashes = int(clean_exit != 0)

    recovered = 0
    for attempt in range(args.kills):
        run = _copy(base, args.work / f"kill-{attempt}")
        delay = rng.uniform(1.0, clean_seconds * 0.95)
        _killed_run(run, delay, storage)
        exit_code = _cli(["materialize"], run, storage, timeout=clean_seconds * 4 + 120).returncode
        crashes += int(exit_code != 0)
        state = _state(run)
        same = exit_code == 0 and state == expected
        recovered += same
        differing = sorted(
            name for name in expected["tables"] if state["tables"].get(name) != expected["tables"][name]
        )
        print(
            f"kill {attempt + 1} after {delay:.1f} s: re-run exit {exit_code},"
            f" {'identical to the clean run' if same else f'differs in {differing or state.keys()}'}"
        )

    lost = _rows_lost(clean)
    found = _outcomes(clean, cases)
    right = [kind for kind, case in ((c.kind, c) for c in cases) if found[kind] == case.outcome]
    nowhere = [kind for kind in found if found[kind] is None]
    leaked = _planted_found(clean, cases)
    print()
    print(f"instance storage:                {'PostgreSQL' if storage.server else 'SQLite'}")
    print(f"faults injected:                 {args.kills}")
    print(f"runs recovered without help:     {recovered} of {args.kills}")
    print(f"rows lost:                       {lost}")
    print(
        f"kinds handled as they must be:   {len(right)} of {len(cases)}"
        f" ({_count(found, 'quarantined')} quarantined, {_count(found, 'kept')} kept normalised,"
        f" {_count(found, 'not_read')} reported unread)"
    )
    print(f"kinds found nowhere (lost):      {len(nowhere)} {nowhere or ''}")
    wrong = {
        case.kind: (found[case.kind], case.outcome) for case in cases if found[case.kind] != case.outcome
    }
    if wrong:
        print(f"kinds elsewhere than expected:   {wrong}")
    print(f"crashes:                         {crashes}")
    print(f"PII values reaching a dataset:   {len(leaked['datasets'])} {leaked['datasets'] or ''}")
    print(f"PII values in redacted tables:   {len(leaked['redacted'])} {leaked['redacted'] or ''}")


def _count(found: dict[str, str | None], outcome: str) -> int:
    return sum(value == outcome for value in found.values())


def _copy(base: Path, destination: Path) -> Path:
    shutil.copytree(base, destination)
    return destination


def _environment(data_dir: Path, storage: InstanceStorage) -> dict[str, str]:
    return {
        **os.environ,
        **storage.environment(data_dir),
        "FEEDBACK_PLATFORM_DATA_DIR": str(data_dir),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def _cli(
    arguments: list[str], data_dir: Path, storage: InstanceStorage, timeout: float | None = None
) -> subprocess.CompletedProcess:
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir.parent / f"{data_dir.name}.log"
    with log.open("a") as output:
        return subprocess.run(
            [CLI, *arguments],
            env=_environment(data_dir, storage),
            stdout=output,
            stderr=output,
            timeout=timeout,
            check=False,
        )


def _killed_run(data_dir: Path, delay: float, storage: InstanceStorage) -> None:
    """Start `materialize` in a process group of its own and SIGKILL the whole group after `delay`."""
    log = data_dir.parent / f"{data_dir.name}.log"
    with log.open("a") as output:
        process = subprocess.Popen(
            [CLI, "materialize"],
            env=_environment(data_dir, storage),
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _warehouse(data_dir: Path) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only, waiting up to 30 s for a lock a process of the last run may still hold
    (the wait is printed: it is a finding, the next night's first step would meet it too)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
        except duckdb.IOException as error:
            if time.monotonic() > deadline:
                raise
            print(f"  waiting for the warehouse lock: {str(error).splitlines()[0][:160]}")
            time.sleep(2)


def _state(data_dir: Path) -> dict[str, dict[str, str]]:
    """A digest of each warehouse table's rows in sorted order, and the latest version of each dataset."""
    with _warehouse(data_dir) as con:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_type = 'BASE TABLE'"
            ).fetchall()
            if name not in WORKING_TABLES
        ]
        tables = {name: _digest(con, name) for name in names}
    latest = latest_versions(data_dir / "datasets")
    return {"tables": tables, "latest": dict(zip(latest["name"], latest["version"], strict=True))}


def _digest(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """MD5 of the table's rows as text, in sorted order, without its `RUN_COLUMNS`."""
    excluded = RUN_COLUMNS.get(table)
    columns = f"* exclude ({', '.join(excluded)})" if excluded else "*"
    return con.execute(
        f"select md5(coalesce(string_agg(row, chr(10) order by row), '')) "
        f'from (select cast(t as varchar) as row from (select {columns} from "{table}") t)'
    ).fetchall()[0][0]


def _rows_lost(data_dir: Path) -> int:
    """Lines in the landing files that are neither a kept row nor a quarantined line."""
    landing = data_dir / "landing"
    with _warehouse(data_dir) as con:
        lost = 0
        for day in landing_dates(landing):
            for stream in STREAMS:
                (kept,) = con.execute(
                    f"select count(*) from raw_{stream} where landing_date = ?", [day]
                ).fetchone()
                (held,) = con.execute(
                    "select count(*) from quarantined_rows where landing_date = ? and stream = ?",
                    [day, stream],
                ).fetchone()
                lost += count_landing_lines(landing, stream, day) - kept - held
    return lost


def _outcomes(data_dir: Path, cases: list[HostileCase]) -> dict[str, str | None]:
    with _warehouse(data_dir) as con:
        kept = {stream: con.sql(f"select * from raw_{stream}").pl() for stream in STREAMS}
        quarantined = con.sql("select * from quarantined_rows").pl()
    return outcomes(cases, kept, quarantined, unread_entries(data_dir / "landing"))


def _planted_found(data_dir: Path, cases: list[HostileCase]) -> dict[str, list[str]]:
    """Planted values found in a dataset file, and in a redacted table's text."""
    planted = sorted({value for case in cases for value in case.planted})
    in_datasets = sorted({needle for _, needle in occurrences(data_dir / "datasets", planted)})
    with _warehouse(data_dir) as con:
        redacted = " ".join(
            str(con.execute(f"select * from {table}").fetchall())
            for table in ("redacted_responses", "redacted_feedback")
        )
    return {"datasets": in_datasets, "redacted": [value for value in planted if value in redacted]}


if __name__ == "__main__":
    main()
