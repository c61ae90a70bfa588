"""What a nightly erases: the `erase` events of the consent stream (each one request), and rows of users
erased before that landed since (late data, or a file delivered again)."""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import duckdb

from feedback_platform.lib.erasure.log import ErasureRecord
from feedback_platform.lib.erasure.subject import Subject, subject_sha256_sql
from feedback_platform.lib.warehouse import table_exists


def consent_erase_requests(
    con: duckdb.DuckDBPyConnection, landing_dates: Sequence[date]
) -> list[tuple[Subject, str]]:
    """(subject, requested at: the event's time, ISO 8601 UTC) of each `erase` event that landed on
    `landing_dates`, oldest first."""
    if not landing_dates or not table_exists(con, "raw_consent"):
        return []
    rows = con.execute(
        "select distinct tenant_id, user_id, created_at from raw_consent"
        " where action = 'erase' and landing_date in (select unnest(?::date[]))"
        " order by created_at, tenant_id, user_id",
        [list(landing_dates)],
    ).fetchall()
    return [
        (Subject(tenant, user), created_at.replace(tzinfo=UTC).isoformat(timespec="milliseconds"))
        for tenant, user, created_at in rows
    ]


LANDED_TABLES = ("raw_responses", "raw_feedback", "raw_consent")
"""The tables that hold what landed, with the user, the time and the landing date of each row."""


def erased_subjects_with_rows(
    con: duckdb.DuckDBPyConnection,
    erasures: Sequence[ErasureRecord],
    landing_dates: Sequence[date] | None = None,
    tables: Sequence[str] = LANDED_TABLES,
) -> list[ErasureRecord]:
    """The `erasures` whose subject still has rows created before the erasure was asked for, in `tables`
    (on `landing_dates` only, when given)."""
    if not erasures or landing_dates == []:
        return []
    subjects = {(record.subject_sha256, _naive_utc(record.requested_at)): record for record in erasures}
    on_dates = "" if landing_dates is None else " where t.landing_date in (select unnest($dates::date[]))"
    params = {} if landing_dates is None else {"dates": list(landing_dates)}
    con.execute("create or replace temp table erased_subjects (subject varchar, before timestamp)")
    con.executemany("insert into erased_subjects values (?, ?)", list(subjects))
    try:
        found = {
            (subject, before)
            for table in tables
            if table_exists(con, table)
            for subject, before in con.execute(
                f"select distinct e.subject, e.before from {table} t join erased_subjects e"
                f" on {subject_sha256_sql('t.tenant_id', 't.user_id')} = e.subject"
                f" and t.created_at <= e.before{on_dates}",
                params,
            ).fetchall()
        }
    finally:
        con.execute("drop table erased_subjects")
    return [record for key, record in subjects.items() if key in found]


def _naive_utc(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp).astimezone(UTC).replace(tzinfo=None)
