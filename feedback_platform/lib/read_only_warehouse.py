"""Opening the warehouse for reading from outside Dagster, e.g. a CLI, with errors a person can act on.

DuckDB lets one process write a file and then locks it against every other process, readers included, so
a command run during a materialisation meets the lock; it should say so, not print DuckDB's IO error.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb


class WarehouseUnavailableError(RuntimeError):
    """The warehouse file is missing, or another process holds its lock."""


@contextmanager
def read_only_warehouse(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the DuckDB file at ``path``, closed on exit."""
    path = Path(path)
    if not path.is_file():
        raise WarehouseUnavailableError(f"no warehouse at {path}: materialise the assets first")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        raise WarehouseUnavailableError(
            f"the warehouse {path} is locked by another process (most likely a Dagster run writing to it);"
            f" try again when it has finished. DuckDB: {error}"
        ) from error
    try:
        yield con
    finally:
        con.close()
