"""The warehouse step: delete every row in an erasure's scope from every table, then rewrite the file.

Tables are found in the database, not listed here, so a table added later is covered without a change: a
row goes when one of its columns ties it to the scope (a response, event or curated-row id in scope, a
landing line in scope, or, in a table without those, the subject's tenant and user id). A table with none
of those columns holds no row of anyone (the daily aggregates: counts, no ids); it keeps its counts until
the next build recomputes them.

Each line that is tombstoned in the landing files (`landing_lines.py`) gets the quarantined row a fresh
ingest of the rewritten file would give it, so the tables stay what a rebuild from the landing folder makes.

DuckDB leaves a deleted value readable in the file, even after CHECKPOINT. So the database is then copied
into a fresh file (COPY FROM DATABASE) that replaces the old one in one rename, while this process still
holds the old file's lock: no other process can write the old file meanwhile, and one that opens the path
afterwards opens the new file.
"""

from collections.abc import Mapping, Sequence

import duckdb

from feedback_platform.lib.erasure.scope import SCOPE_TABLE, scope_ids
from feedback_platform.lib.erasure.subject import subject_sha256_sql
from feedback_platform.lib.logs.tombstones import tombstone_line, tombstone_reason
from feedback_platform.lib.warehouse import quote_identifier, table_columns

_ID_COLUMNS = {
    "event_id": ("event",),
    "feedback_event_id": ("event",),
    "row_id": ("response", "event", "example"),
    "example_id": ("example",),
    "pair_id": ("example",),
}
"""Columns that hold the ids of one or more scope kinds (``row_id``: the redaction audit's response or event
ids, the curated tables' row digests and the dataset shards' lineage rows)."""


def delete_scope_rows(con: duckdb.DuckDBPyConnection, erasures: Mapping[str, str]) -> dict[str, int]:
    """Delete the rows in the scopes of `erasures` (erasure id -> subject SHA-256) from every table, add the
    tombstoned lines' quarantined rows and drop the erasures' work lists, in one transaction; rows deleted
    per table (tables that lost none left out). Each table is read once for all the erasures."""
    erasure_ids = sorted(erasures)
    deleted: dict[str, int] = {}
    con.execute("begin transaction")
    try:
        for table in _base_tables(con):
            condition = _row_condition(table, table_columns(con, table), erasure_ids)
            if condition is None:
                continue
            sql = f"delete from {quote_identifier(table)} where {condition}"
            params = {"subjects": sorted(erasures.values())} if "$subjects" in sql else {}
            (count,) = con.execute(sql, params).fetchall()[0]
            if count:
                deleted[table] = int(count)
        for erasure_id in erasure_ids:
            _quarantine_tombstones(con, erasure_id)
        con.execute(
            f"delete from {SCOPE_TABLE} where erasure_id in (select unnest(?::varchar[]))", [erasure_ids]
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return deleted


def _base_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main' order by 1"
        ).fetchall()
        if name != SCOPE_TABLE
    ]


def _row_condition(table: str, columns: Sequence[str], erasure_ids: Sequence[str]) -> str | None:
    """The SQL condition that ties a row of `table` (with `columns`) to the scope, or None if nothing can.

    Rows are tied by the ids and lines the scope lists; the subject's tenant and user id tie the rows of a
    table that has neither (a per-user table added later), whatever their time. A row citing an event in
    scope among its `feedback_event_ids` is found by joining the unnested lists to the scope (testing each
    row's list against the whole scope took 20 s for 300 erasures in one table of 100,000 rows)."""
    conditions = []
    for column in columns:
        if column == "response_id" or column.endswith("_response_id"):
            conditions.append(f"{column} in {scope_ids(erasure_ids, 'response')}")
        for kind in _ID_COLUMNS.get(column, ()):
            conditions.append(f"{column} in {scope_ids(erasure_ids, kind)}")
    if "feedback_event_ids" in columns:
        events = scope_ids(erasure_ids, "event")
        cited = f"select rowid, unnest(feedback_event_ids) as event_id from {quote_identifier(table)}"
        conditions.append(f"rowid in (select rowid from ({cited}) where event_id in {events})")
    if {"source_file", "source_line"} <= set(columns):
        lines = scope_ids(erasure_ids, "line").replace("select id from", "select (id, line) from")
        conditions.append(f"(source_file, source_line) in {lines}")
    if not conditions and "tenant_id" in columns:
        conditions += [
            f"list_contains($subjects, {subject_sha256_sql('tenant_id', user)})"
            for user in ("user_id", "response_user_id", "feedback_user_id")
            if user in columns
        ]
    return " or ".join(f"({condition})" for condition in conditions) or None


def _quarantine_tombstones(con: duckdb.DuckDBPyConnection, erasure_id: str) -> None:
    """Each landing line in scope, as `quarantined_rows` holds a tombstone line after ingest."""
    if not con.execute("select 1 from duckdb_tables() where table_name = 'quarantined_rows'").fetchall():
        return
    con.execute(
        f"""
        insert into quarantined_rows (stream, landing_date, source_file, source_line, reason, raw_line)
        select split_part(id, '/', 1), cast(split_part(id, '/', 2) as date), id, line, ?, ?
        from {SCOPE_TABLE} where erasure_id = ? and kind = 'line'
        """,
        [tombstone_reason(erasure_id), tombstone_line(erasure_id), erasure_id],
    )
