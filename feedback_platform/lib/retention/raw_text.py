"""Raw-text retention: a tenant's raw text past its window is replaced by its redaction, everywhere the
platform keeps it, and its bytes are removed.

For each tenant and landing day past the tenant's window (`windows.py`):

- the raw tables' rows keep every id, time, number and label, and their text becomes what the redacted
  tables hold for the same row: the redacted layers, the joined tables and the datasets are unchanged, and
  redacting the day again (a re-run, a rebuild from the landing folder) starts from text that holds no more
  than its redaction;
- each landing line of those rows is written again from its row: the same fields, the redacted text, and
  nothing the row does not hold (`line_with_redacted_text`), in place, so other lines keep their numbers.

A quarantined line cannot be redacted (it may not even be JSON) nor trusted to name its tenant: past the
shortest window of any tenant it becomes a tombstone (`lib/logs/tombstones.py`) in its landing file and in
`quarantined_rows`, whose reason then says so; the original reason goes too, since it may quote a value.

The warehouse file is then rewritten (`lib/warehouse.rewrite_database`): DuckDB leaves an updated value
readable in the old file. `raw_text_expiries` records each expired tenant and day (tenant null: the day's
quarantined lines) and whether the bytes are gone yet. The steps are ordered so that a crash loses nothing:
landing lines first (a crash leaves the day due, and the next run writes the same lines the same way), then
the rows and their records in one transaction, then the file, then the records' `bytes_removed`: a record
still false makes the next run rewrite the file.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from feedback_platform.lib.logs.line_rewrites import replace_lines
from feedback_platform.lib.logs.tombstones import EXPIRED_LINE, EXPIRED_REASON, is_tombstone_sql
from feedback_platform.lib.retention.windows import RetentionWindows
from feedback_platform.lib.warehouse import (
    quote_identifier,
    rewrite_database,
    table_columns,
    table_exists,
    writable_warehouse,
)

EXPIRIES_TABLE = "raw_text_expiries"

TEXT_TABLES = {
    "raw_responses": ("redacted_responses", "response_id"),
    "raw_feedback": ("redacted_feedback", "event_id"),
}
"""Each raw table that holds free text, with the redacted table of its rows and the rows' id."""

QUARANTINE_TABLE = "quarantined_rows"
_PLACE_COLUMNS = ("landing_date", "source_file", "source_line")
"""Where a row came from: the same in a raw row and its redaction, never rewritten."""


class RetentionError(RuntimeError):
    """Raw text cannot be expired safely; the message names the table, file and line."""


@dataclass
class RetentionOutcome:
    newest_day: date | None
    """The newest landing day in the warehouse: windows count back from it."""
    tenant_days_expired: list[tuple[str, date]] = field(default_factory=list)
    rows_expired: dict[str, int] = field(default_factory=dict)
    quarantined_lines_expired: int = 0
    landing_lines_rewritten: int = 0
    landing_files_rewritten: int = 0
    warehouse_rewritten: bool = False


def expire_raw_text(
    duckdb_path: Path,
    landing_root: Path,
    windows: RetentionWindows,
    *,
    reingested_days: Iterable[date] = (),
    memory_limit: str | None = None,
) -> RetentionOutcome:
    """Expire the raw text past its window, as the module says. `reingested_days` are the landing days
    ingested again since the last call: their raw rows come from the landing files afresh, so their tenants'
    expiries are forgotten and done again where due. Needs the warehouse to itself."""
    with writable_warehouse(duckdb_path) as con:
        if memory_limit:
            con.execute(f"set memory_limit = '{memory_limit}'")
        _create_expiries_table(con)
        con.execute(
            f"delete from {EXPIRIES_TABLE} where tenant_id is not null and landing_date in"
            " (select unnest(?::date[]))",
            [list(reingested_days)],
        )
        outcome = RetentionOutcome(newest_day=_newest_landing_day(con))
        if outcome.newest_day is not None:
            tenant_days = _due_tenant_days(con, windows, outcome.newest_day)
            quarantined = _due_quarantined_lines(con, windows, outcome.newest_day)
            for day in sorted(tenant_days.keys() | quarantined.keys()):
                _expire_day(con, landing_root, day, tenant_days.get(day, []), quarantined.get(day), outcome)
        (unremoved,) = con.execute(
            f"select count(*) from {EXPIRIES_TABLE} where not bytes_removed"
        ).fetchall()[0]
        if unremoved:
            rewrite_database(con, duckdb_path)
            outcome.warehouse_rewritten = True
    if outcome.warehouse_rewritten:
        with writable_warehouse(duckdb_path) as con:
            con.execute(f"update {EXPIRIES_TABLE} set bytes_removed = true where not bytes_removed")
    return outcome


def _create_expiries_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""create table if not exists {EXPIRIES_TABLE} (
            tenant_id varchar, landing_date date not null, rows_expired bigint not null,
            expired_at timestamp not null, bytes_removed boolean not null)"""
    )


def _newest_landing_day(con: duckdb.DuckDBPyConnection) -> date | None:
    tables = [table for table in [*TEXT_TABLES, "raw_consent", QUARANTINE_TABLE] if table_exists(con, table)]
    if not tables:
        return None
    newest = " union all ".join(f"select max(landing_date) as day from {table}" for table in tables)
    (day,) = con.execute(f"select max(day) from ({newest})").fetchall()[0]
    return day


def _due_tenant_days(
    con: duckdb.DuckDBPyConnection, windows: RetentionWindows, newest_day: date
) -> dict[date, list[str]]:
    """The landing days past a tenant's window whose raw text is not yet expired: day -> tenants."""
    tables = [table for table in TEXT_TABLES if table_exists(con, table)]
    if not tables:
        return {}
    cells = " union ".join(f"select distinct tenant_id, landing_date from {table}" for table in tables)
    rows = con.execute(
        f"select * from ({cells}) except"
        f" select tenant_id, landing_date from {EXPIRIES_TABLE} where tenant_id is not null"
    ).fetchall()
    due: dict[date, list[str]] = {}
    for tenant, day in rows:
        oldest_kept = windows.oldest_kept_day(tenant, newest_day)
        if oldest_kept is not None and day < oldest_kept:
            due.setdefault(day, []).append(tenant)
    return {day: sorted(tenants) for day, tenants in due.items()}


def _expire_day(
    con: duckdb.DuckDBPyConnection,
    landing_root: Path,
    day: date,
    tenants: list[str],
    quarantined: pl.DataFrame | None,
    outcome: RetentionOutcome,
) -> None:
    """Expire one landing day: the raw text of `tenants`, and the `quarantined` lines (source_file,
    source_line) past the shortest window. Each landing file of the day is rewritten once for both, then
    the rows change and the expiries are recorded in one transaction."""
    redacted_rows = {
        raw: _redactions_of(con, raw, redacted, key, day, tenants)
        for raw, (redacted, key) in TEXT_TABLES.items()
        if tenants and table_exists(con, raw)
    }
    _rewrite_landing_lines(landing_root, [*redacted_rows.values()], quarantined, outcome)
    con.execute("begin transaction")
    try:
        for raw, rows in redacted_rows.items():
            redacted, key = TEXT_TABLES[raw]
            _replace_texts(con, raw, redacted, key, day, tenants)
            outcome.rows_expired[raw] = outcome.rows_expired.get(raw, 0) + rows.height
        for tenant in tenants:
            count = sum(
                int((rows.get_column("tenant_id") == tenant).sum()) for rows in redacted_rows.values()
            )
            _record_expiry(con, tenant, day, count)
            outcome.tenant_days_expired.append((tenant, day))
        if quarantined is not None:
            con.execute(
                f"update {QUARANTINE_TABLE} set raw_line = $line, reason = $reason"
                f" where landing_date = $day and not {is_tombstone_sql('raw_line')}",
                {"line": EXPIRED_LINE, "reason": EXPIRED_REASON, "day": day},
            )
            _record_expiry(con, None, day, quarantined.height)
            outcome.quarantined_lines_expired += quarantined.height
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _redactions_of(
    con: duckdb.DuckDBPyConnection, raw: str, redacted: str, key: str, day: date, tenants: list[str]
) -> pl.DataFrame:
    """The redacted rows of `raw`'s rows of `tenants` on `day`, with their source file and line; a raw row
    without its redaction stops the expiry (its text would have nothing to become)."""
    rows = con.sql(
        f"""
        select r.source_file as __file, r.source_line as __line, r.{key} as __id, d.*
        from {raw} r left join {redacted} d on d.{key} = r.{key} and d.landing_date = r.landing_date
        where r.landing_date = $day and r.tenant_id in (select unnest($tenants::varchar[]))
        """,
        params={"day": day, "tenants": tenants},
    ).pl()
    unredacted = rows.filter(pl.col(key).is_null())
    if unredacted.height:
        first = unredacted.row(0, named=True)
        raise RetentionError(
            f"{raw} row {key}={first['__id']} ({first['__file']}:{first['__line']}) has no row in {redacted}:"
            f" {unredacted.height} rows of {day} cannot expire before the day is redacted"
        )
    return rows


def _rewrite_landing_lines(
    landing_root: Path,
    redacted_rows: Sequence[pl.DataFrame],
    quarantined: pl.DataFrame | None,
    outcome: RetentionOutcome,
) -> None:
    """Rewrite each landing line of `redacted_rows` from its row, and each `quarantined` line as the
    expired tombstone (its change is None), one pass per file."""
    changes: dict[str, dict[int, dict[str, Any] | None]] = {}
    for rows in redacted_rows:
        for row in rows.iter_rows(named=True):
            changes.setdefault(row["__file"], {})[row["__line"]] = row
    if quarantined is not None:
        for file, number in quarantined.drop_nulls("source_file").iter_rows():
            changes.setdefault(file, {})[number] = None
    rewritten = replace_lines(
        landing_root, changes, lambda old, row: EXPIRED_LINE if row is None else _line_from_row(old, row)
    )
    outcome.landing_lines_rewritten += sum(rewritten.values())
    outcome.landing_files_rewritten += sum(1 for lines in rewritten.values() if lines)


def _line_from_row(old_line: bytes, row: dict[str, Any]) -> str:
    try:
        original = json.loads(old_line)
    except ValueError as error:
        raise RetentionError(
            f"{row['__file']}:{row['__line']}: the line of a valid row is no JSON: {error}"
        ) from None
    return json.dumps(
        line_with_redacted_text(original, row), ensure_ascii=False, separators=(",", ":"), default=str
    )


def line_with_redacted_text(original: Any, redacted: Any) -> Any:
    """`original` (a parsed landing line, or a value in it) with the text of `redacted` (its row in the
    redacted table, or the value at the same place), keeping only what the row holds.

    Text is whatever the redacted table says: where the row holds a string (or a list or object) the line
    takes it. A number or boolean of the line stays as the line wrote it, as does a time or number the line
    spells as a string and the row holds typed. A key the row does not hold, or a value the row holds as
    null, goes: the line keeps nothing the platform did not redact. Lists are matched element by element
    when their lengths agree, else the row's list is taken."""
    if redacted is None:
        return None
    if isinstance(original, dict) and isinstance(redacted, dict):
        return {
            key: line_with_redacted_text(value, redacted[key])
            for key, value in original.items()
            if key in redacted
        }
    if isinstance(original, list) and isinstance(redacted, list) and len(original) == len(redacted):
        return [line_with_redacted_text(value, held) for value, held in zip(original, redacted, strict=True)]
    if isinstance(original, bool | int | float):
        return original
    if isinstance(redacted, str | list | dict):
        return redacted
    return original


def _replace_texts(
    con: duckdb.DuckDBPyConnection, raw: str, redacted: str, key: str, day: date, tenants: list[str]
) -> None:
    """Set every column `raw` shares with `redacted` (but the id and the place) to the redacted row's value:
    only text differs between the two."""
    assignments = ", ".join(
        f"{quote_identifier(column)} = d.{quote_identifier(column)}"
        for column in _text_bearing_columns(con, raw, redacted, key)
    )
    con.execute(
        f"""
        update {raw} r set {assignments} from {redacted} d
        where d.{key} = r.{key} and d.landing_date = r.landing_date
          and r.landing_date = $day and r.tenant_id in (select unnest($tenants::varchar[]))
        """,
        {"day": day, "tenants": tenants},
    )


def _text_bearing_columns(con: duckdb.DuckDBPyConnection, raw: str, redacted: str, key: str) -> list[str]:
    """The columns `raw` shares with `redacted` but the id and the place: redaction changes only text in
    them, so after expiry each equals the redacted row's."""
    redacted_columns = set(table_columns(con, redacted))
    return [
        column
        for column in table_columns(con, raw)
        if column in redacted_columns and column not in {key, *_PLACE_COLUMNS}
    ]


def _due_quarantined_lines(
    con: duckdb.DuckDBPyConnection, windows: RetentionWindows, newest_day: date
) -> dict[date, pl.DataFrame]:
    """The quarantined lines past the shortest window that are not tombstones yet, per landing day:
    (source_file, source_line)."""
    oldest_kept = windows.oldest_kept_day(None, newest_day)
    if oldest_kept is None or not table_exists(con, QUARANTINE_TABLE):
        return {}
    lines = con.sql(
        f"select landing_date, source_file, source_line from {QUARANTINE_TABLE}"
        f" where landing_date < $oldest_kept and not {is_tombstone_sql('raw_line')}",
        params={"oldest_kept": oldest_kept},
    ).pl()
    return {day: group.drop("landing_date") for (day,), group in lines.group_by(["landing_date"])}


def _record_expiry(con: duckdb.DuckDBPyConnection, tenant: str | None, day: date, rows: int) -> None:
    con.execute(
        f"insert into {EXPIRIES_TABLE} values (?, ?, ?, current_timestamp::timestamp, false)",
        [tenant, day, rows],
    )


def raw_text_past_window(con: duckdb.DuckDBPyConnection, windows: RetentionWindows) -> dict[str, int]:
    """What the warehouse still holds of raw text past its window, counted (all zero when retention holds):

    - `tenant_days_not_expired`: a tenant's landing days past its window with no expiry recorded;
    - `<raw table>_rows_unlike_their_redaction`: rows of expired days whose values differ from their
      redacted row's, or that have none;
    - `quarantined_lines_kept`: quarantined lines past the shortest window that are not tombstones;
    - `expiries_with_bytes_left`: expiries whose rewrite of the warehouse file has not happened.

    Reads `raw_text_expiries`, which `expire_raw_text` creates."""
    newest_day = _newest_landing_day(con)
    if newest_day is None or not table_exists(con, EXPIRIES_TABLE):
        return {
            "tenant_days_not_expired": len(_due_tenant_days(con, windows, newest_day)) if newest_day else 0
        }
    found = {
        "tenant_days_not_expired": sum(len(t) for t in _due_tenant_days(con, windows, newest_day).values())
    }
    for raw, (redacted, key) in TEXT_TABLES.items():
        if table_exists(con, raw):
            found[f"{raw}_rows_unlike_their_redaction"] = _rows_unlike_their_redaction(
                con, raw, redacted, key
            )
    oldest_kept = windows.oldest_kept_day(None, newest_day)
    if oldest_kept is not None and table_exists(con, QUARANTINE_TABLE):
        (found["quarantined_lines_kept"],) = con.execute(
            f"select count(*) from {QUARANTINE_TABLE}"
            f" where landing_date < ? and not {is_tombstone_sql('raw_line')}",
            [oldest_kept],
        ).fetchall()[0]
    (found["expiries_with_bytes_left"],) = con.execute(
        f"select count(*) from {EXPIRIES_TABLE} where not bytes_removed"
    ).fetchall()[0]
    return found


def _rows_unlike_their_redaction(con: duckdb.DuckDBPyConnection, raw: str, redacted: str, key: str) -> int:
    differs = " or ".join(
        f"r.{quote_identifier(column)} is distinct from d.{quote_identifier(column)}"
        for column in _text_bearing_columns(con, raw, redacted, key)
    )
    (count,) = con.execute(
        f"""
        select count(*) from {raw} r
        left join {redacted} d on d.{key} = r.{key} and d.landing_date = r.landing_date
        where (r.tenant_id, r.landing_date) in
              (select (tenant_id, landing_date) from {EXPIRIES_TABLE} where tenant_id is not null)
          and (d.{key} is null or {differs})
        """
    ).fetchall()[0]
    return int(count)
