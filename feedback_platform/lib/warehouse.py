"""Writes to and reads from the embedded DuckDB warehouse.

Every write replaces a slice of a table (a whole table, or the rows of some partitions) inside one
transaction and inserts by column *name*. Positional inserts silently swap columns when a frame is
reordered: raw text could land in a redacted column. A reader never sees a half-replaced partition.

Outside Dagster (the CLI), `read_only_warehouse` opens the file for reading with errors a person can act
on: DuckDB lets one process write a file and locks it against every other process, readers included, so a
command run during a materialisation meets the lock and should say so, not print DuckDB's IO error.
"""

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

_INCOMING = "_incoming_rows"


def connect(database: str | Path = ":memory:", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to `database` (a file, or in memory), quiet (`quiet`)."""
    return quiet(duckdb.connect(str(database), read_only=read_only))


def quiet(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """`con` without DuckDB's progress bar, which it draws on standard output for any query running over two
    seconds, terminal or not: it broke the JSON `feedback-platform materialize --json` prints (a 29-day
    backfill's ingest queries) and interleaves with the progress lines on a terminal. A session setting:
    DuckDB refuses it in `connect`'s config."""
    con.execute("set enable_progress_bar = false")
    return con


class WarehouseUnavailableError(RuntimeError):
    """The warehouse file is missing, or another process holds its lock."""


@contextmanager
def read_only_warehouse(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the DuckDB file at ``path``, closed on exit."""
    with _existing_warehouse(path, read_only=True) as con:
        yield con


@contextmanager
def writable_warehouse(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that writes the existing DuckDB file at ``path`` and holds its lock until closed, on
    exit: outside Dagster's pool (the CLI), for work no other process may interleave with."""
    with _existing_warehouse(path, read_only=False) as con:
        yield con


@contextmanager
def _existing_warehouse(path: Path, *, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    path = Path(path)
    if not path.is_file():
        raise WarehouseUnavailableError(f"no warehouse at {path}: materialise the assets first")
    try:
        con = connect(path, read_only=read_only)
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


class SchemaMismatchError(ValueError):
    """The frame's columns are not the table's columns."""


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'main' and table_name = ?",
        [table],
    ).fetchall()
    return found[0][0] > 0


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'main' and table_name = ? order by ordinal_position",
        [table],
    ).fetchall()
    return [name for (name,) in rows]


def replace_table(con: duckdb.DuckDBPyConnection, table: str, rows: pl.DataFrame) -> None:
    """Replace the whole table with `rows`, taking the frame's schema."""
    with _exposed(con, rows), _transaction(con):
        con.execute(f"create or replace table {quote_identifier(table)} as select * from {_INCOMING}")


def replace_partitions(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: pl.DataFrame,
    partition_column: str,
    partitions: Sequence[date],
) -> None:
    """Replace the rows of `partitions` (values of `partition_column`) with `rows`.

    Rows outside the named partitions are refused: writing them would silently overwrite another
    partition's data on its next run.
    """
    stray = rows.filter(~pl.col(partition_column).is_in(list(partitions)))
    if stray.height:
        raise ValueError(
            f"{stray.height} rows for {table} fall outside partitions {[str(p) for p in partitions]}"
        )
    placeholders = ", ".join("?" for _ in partitions)
    where = f"{quote_identifier(partition_column)} in ({placeholders})"
    _replace_slice(con, table, rows, where, list(partitions))


def replace_rows_matching(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: pl.DataFrame,
    match: Mapping[str, object],
    *,
    in_open_transaction: bool = False,
) -> None:
    """Replace the rows of `table` whose columns equal `match` (one dataset version, say) with `rows`.

    Every row of `rows` must match too, for the same reason as in `replace_partitions`. The delete and the
    insert are one transaction; with `in_open_transaction` they are part of the caller's, which it began
    (several replacements that must land together).
    """
    stray = rows.filter(~pl.all_horizontal(pl.lit(True), *(pl.col(c) == v for c, v in match.items())))
    if stray.height:
        raise ValueError(f"{stray.height} rows for {table} do not match {dict(match)}")
    where = " and ".join(f"{quote_identifier(column)} = ?" for column in match)
    _replace_slice(con, table, rows, where, list(match.values()), in_open_transaction)


def _replace_slice(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: pl.DataFrame,
    where: str,
    params: list[object],
    in_open_transaction: bool = False,
) -> None:
    """Delete the rows `where` selects and insert `rows` by name, in one transaction (the caller's, when
    `in_open_transaction`); a missing table is created with the frame's schema."""
    with _exposed(con, rows), nullcontext() if in_open_transaction else _transaction(con):
        if not table_exists(con, table):
            con.execute(f"create table {quote_identifier(table)} as select * from {_INCOMING} limit 0")
        _require_same_columns(con, table, rows.columns)
        con.execute(f"delete from {quote_identifier(table)} where {where}", params)
        con.execute(f"insert into {quote_identifier(table)} by name select * from {_INCOMING}")


def read_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    partition_column: str | None = None,
    partitions: Sequence[date] | None = None,
    columns: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Read a table, or only some partitions of it, with all its columns or only `columns`."""
    query = _select_query(con, table, columns)
    params: list[object] = []
    if partition_column is not None and partitions is not None:
        query += f" where {quote_identifier(partition_column)} in ({', '.join('?' for _ in partitions)})"
        params = list(partitions)
    relation = con.sql(query, params=params) if params else con.sql(query)
    return relation.pl()


def read_rows_after(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    order_column: str,
    after: object | None,
) -> pl.DataFrame:
    """`columns` and `order_column` of the rows of `table` whose `order_column` is greater than `after`
    (every row when `after` is None)."""
    query = _select_query(con, table, list(dict.fromkeys([*columns, order_column])))
    if after is None:
        return con.sql(query).pl()
    return con.sql(f"{query} where {quote_identifier(order_column)} > ?", params=[after]).pl()


def read_table_batches(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], batch_rows: int
) -> Iterator[pl.DataFrame]:
    """The ``columns`` of every row of ``table``, ``batch_rows`` rows at a time, from one scan: memory holds
    one batch whatever the table's size; a table with no rows gives one empty frame, for its columns' types.
    Nothing else may run on ``con`` until the batches are read."""
    reader = con.sql(_select_query(con, table, columns)).to_arrow_reader(batch_rows)
    read_any = False
    for batch in reader:
        read_any = True
        yield pl.from_arrow(batch)
    if not read_any:
        yield pl.from_arrow(reader.schema.empty_table())


def _select_query(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str] | None) -> str:
    """`select` of `columns` (every column when None or empty) from `table`; LookupError when the table
    does not exist yet."""
    if not table_exists(con, table):
        raise LookupError(f"table {table} does not exist yet: materialise it first")
    selected = ", ".join(quote_identifier(column) for column in columns) if columns else "*"
    return f"select {selected} from {quote_identifier(table)}"


def read_table_parts(
    con: duckdb.DuckDBPyConnection, table: str, part_column: str, where: Mapping[str, object] | None = None
) -> Iterator[pl.DataFrame]:
    """The rows of ``table`` (those whose columns equal the values of ``where``), one frame per value of
    ``part_column`` in value order; a table with no such row gives one empty frame, for its columns' types.

    Only one part is in memory at a time. A table written in ``part_column`` order reads each part from its
    own row groups.
    """
    if not table_exists(con, table):
        raise LookupError(f"table {table} does not exist yet: materialise it first")
    conditions = [f"{quote_identifier(column)} = ?" for column in where or {}]
    params = list((where or {}).values())
    source = f"from {quote_identifier(table)}" + (f" where {' and '.join(conditions)}" if conditions else "")
    part = quote_identifier(part_column)
    distinct = con.execute(f"select distinct {part} {source} order by 1", params).fetchall()
    values = [value for (value,) in distinct]
    if not values:
        yield con.sql(f"select * {source} limit 0", params=params).pl()
    for value in values:
        # "=" lets DuckDB skip the row groups of other parts; a null part is read too, for the reader to
        # refuse rather than lose it.
        condition = f"{part} is null" if value is None else f"{part} = ?"
        query = f"select * {source} {'and' if conditions else 'where'} {condition}"
        yield con.sql(query, params=[*params, *([] if value is None else [value])]).pl()


@contextmanager
def _exposed(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame) -> Iterator[None]:
    """Expose `rows` to SQL as `_INCOMING` for the block."""
    con.register(_INCOMING, rows.to_arrow())
    try:
        yield
    finally:
        con.unregister(_INCOMING)


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the block in one transaction, rolled back on any error."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def _require_same_columns(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str]) -> None:
    existing = table_columns(con, table)
    missing = sorted(set(existing) - set(columns))
    extra = sorted(set(columns) - set(existing))
    if missing or extra:
        raise SchemaMismatchError(
            f"rows for {table} do not match its columns: missing {missing}, unexpected {extra}. "
            "Drop the table (or run a full refresh) after a schema change."
        )


def quote_identifier(identifier: str) -> str:
    """An identifier (table or column name) quoted for SQL."""
    return '"' + identifier.replace('"', '""') + '"'


def rewrite_database(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Copy the database `con` has open at `path` into a fresh file and put it in the old one's place;
    the new file's size.

    DuckDB leaves a deleted or updated value readable in the file, even after CHECKPOINT: only a fresh file
    is free of it. This process holds the old file's lock throughout, so no other process writes it
    meanwhile, and one that opens the path afterwards opens the new file. `con` must be the only
    connection, with no transaction open; close it afterwards (it still reads the old, replaced file)."""
    path = Path(path)
    fresh = path.with_name(f".tmp-{path.name}")
    fresh.unlink(missing_ok=True)
    con.execute("checkpoint")
    (database,) = con.execute("select current_database()").fetchall()[0]
    con.execute(f"attach '{fresh}' as fresh_copy")
    try:
        con.execute(f"copy from database {quote_identifier(database)} to fresh_copy")
    finally:
        con.execute("detach fresh_copy")
    _fsync(fresh)
    fresh.replace(path)
    _fsync(path.parent)
    return path.stat().st_size


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
