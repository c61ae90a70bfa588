"""The platform instance's storage: Dagster's, with its database connections kept open.

Dagster's SQLite run and event log storages build a SQLAlchemy engine for every read and write and dispose
of it after, and dagster-postgres's use no pool outside the webserver: either way each read and write
connects afresh. Storing an event cost 12-15 ms in SQLite files and 16-17 ms in PostgreSQL on this machine,
and a nightly stores about a thousand (every step's start, output, materialisation and check result).
Kept open, an event costs 2-4 ms in SQLite and 5 ms in PostgreSQL. The tables, files and transactions
are Dagster's, unchanged, so a home or database written by either storage is read by the other.

- SQLite: one engine, with its pool of open connections, per database file of this process: the run
  storage's file, the event log's index and the files of the runs last written (a run writes its own file
  and the index). A pooled connection holds no transaction between uses, so each use reads the file as it
  is then: SQLAlchemy rolls back every connection it takes back, and the sqlite3 module begins a
  transaction only for a write. SQLAlchemy lets a file database's pooled connections move between threads.
- PostgreSQL: the pooled engines dagster-postgres gives its webserver (`optimize_for_webserver`), one per
  storage and process, without a statement timeout.

The storage is named in the dagster.yaml the platform writes (`local/instance.py`), as `storage: custom:`,
the extension point Dagster gives for a storage class of one's own. The SQLite classes override internals
of Dagster's (`_connect`, `connect`, pinned with dagster 1.13 in pyproject.toml); `test_instance_storage.py`
checks that either storage reads what the other wrote, so a release that changes them fails there.
"""

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS, create_db_conn_string
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from dagster._serdes import ConfigurableClassData
from dagster_postgres import DagsterPostgresStorage
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config
from sqlalchemy import Connection, Engine, create_engine

ENGINES_KEPT = 8
"""The event log files a process keeps open: the index, and the runs last read or written (a run's own
process writes one; the UI reads those it shows)."""


class EnginesByFile:
    """This process's SQLAlchemy engines by connection string, the `capacity` last used kept (the others
    disposed of). A forked child starts without its parent's: two processes must not share a connection."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._pid = os.getpid()
        self._lock = threading.Lock()

    def engine(self, conn_string: str) -> Engine:
        with self._lock:
            if self._pid != os.getpid():
                self._engines, self._pid = OrderedDict(), os.getpid()
            engine = self._engines.pop(conn_string, None) or create_engine(
                conn_string, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
            )
            self._engines[conn_string] = engine
            while len(self._engines) > self._capacity:
                _, unused = self._engines.popitem(last=False)
                unused.dispose()
            return engine

    def dispose(self) -> None:
        """Close every connection kept: before the files are deleted, or when the storage is."""
        with self._lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()


@contextmanager
def _transaction(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection, connection.begin():
        yield connection


class KeptOpenRunStorage(SqliteRunStorage):
    def __init__(self, conn_string: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines = EnginesByFile(capacity=1)
        super().__init__(conn_string, inst_data)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with _transaction(self._engines.engine(self._conn_string)) as connection:
            yield connection

    def dispose(self) -> None:
        self._engines.dispose()
        super().dispose()


class KeptOpenEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines = EnginesByFile(capacity=ENGINES_KEPT)
        super().__init__(base_dir, inst_data)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        """Dagster's `_connect` (the shard's tables made on first use, one transaction), on a kept engine."""
        with self._db_lock:
            engine = self._engines.engine(create_db_conn_string(self._base_dir, shard))
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with _transaction(engine) as connection:
                yield connection

    def wipe(self) -> None:
        self._engines.dispose()
        super().wipe()

    def dispose(self) -> None:
        self._engines.dispose()
        super().dispose()


class KeptOpenSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage under `base_dir` (the same files), its run and event log storages kept
    open."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self.base_dir = base_dir
        self._run_storage = KeptOpenRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = KeptOpenEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()  # not Dagster's __init__: it builds its own storages

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData, config_value: Any
    ) -> "KeptOpenSqliteStorage":
        return cls.from_local(inst_data=inst_data, **config_value)


POOL_RECYCLE_SECONDS = 3600
"""A pooled PostgreSQL connection older than this is replaced (the webserver's default)."""

POOL_OVERFLOW = 10
"""Connections a storage opens beyond its pooled one while threads of the process want more at once."""


class KeptOpenPostgresStorage(DagsterPostgresStorage):
    """dagster-postgres's storage, its run and event log storages kept open."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for storage in (self._run_storage, self._event_log_storage):
            storage.optimize_for_webserver(
                statement_timeout=0, pool_recycle=POOL_RECYCLE_SECONDS, max_overflow=POOL_OVERFLOW
            )

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Any
    ) -> "KeptOpenPostgresStorage":
        """dagster-postgres's `from_config_value`, which builds its own class whatever `cls` is."""
        return cls(
            inst_data=inst_data,
            postgres_url=pg_url_from_config(config_value),
            should_autocreate_tables=config_value.get("should_autocreate_tables", True),
            token_provider=get_token_provider_from_config(config_value),
        )


def sqlite_storage_config(home: str) -> dict[str, Any]:
    """The dagster.yaml `storage` block of a SQLite instance in `home`, kept open."""
    return _custom_storage(KeptOpenSqliteStorage, {"base_dir": home})


def postgres_storage_config(url_variable: str) -> dict[str, Any]:
    """The dagster.yaml `storage` block of a PostgreSQL instance whose URL is in $`url_variable`, kept
    open: the variable is named, so the password is in no file."""
    return _custom_storage(KeptOpenPostgresStorage, {"postgres_url": {"env": url_variable}})


def _custom_storage(storage: type, config: dict[str, Any]) -> dict[str, Any]:
    return {"custom": {"module": __name__, "class": storage.__name__, "config": config}}
