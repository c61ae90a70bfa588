"""An erasure from request to bytes gone, one step at a time, each step recorded before the next starts.

Steps, in order; each does the same when run again, so an erasure killed at any point is finished by the
next `erase` or nightly (`resume_erasures`), and the log says done only once the last one has run:

1. `scope`: find the user's rows and everything made from them (`scope.py`);
2. `datasets`: withdraw the versions holding them and publish replacements (`dataset_versions.py`);
3. `landing`: replace their landing lines by tombstones (`landing_lines.py`);
4. `redaction_cache`: forget their texts and rewrite the cache file (`lib/pii/cache.forget_texts`);
5. `warehouse`: delete the rows from every table and rewrite the DuckDB file (`warehouse_rows.py`).

The warehouse stays locked by this process from the first step to the last, so no run writes it meanwhile.
"""

from collections import defaultdict
from datetime import UTC, datetime

import duckdb

from feedback_platform.lib.erasure import log
from feedback_platform.lib.erasure.dataset_versions import RowsInScope, erase_dataset_rows
from feedback_platform.lib.erasure.landing_lines import tombstone_lines
from feedback_platform.lib.erasure.log import ErasureRecord
from feedback_platform.lib.erasure.places import ErasurePlaces
from feedback_platform.lib.erasure.scope import SCOPE_TABLE, collect_scope
from feedback_platform.lib.erasure.subject import Subject
from feedback_platform.lib.erasure.warehouse_rows import delete_scope_rows, rewrite_database
from feedback_platform.lib.pii.cache import forget_texts
from feedback_platform.lib.warehouse import writable_warehouse

COMMAND = "command"
CONSENT_EVENT = "consent event"


def erase_subject(
    places: ErasurePlaces, subject: Subject, reason: str, source: str, requested_at: str | None = None
) -> ErasureRecord:
    """Erase `subject`'s data everywhere (see the module docstring); the finished log record.

    The same request (subject and `requested_at`, default now) is one erasure: asked again, it is finished
    if it was interrupted and returned as it is if it was done."""
    requested_at = requested_at or datetime.now(UTC).isoformat(timespec="seconds")
    erasure = log.erasure_id(subject.sha256, requested_at)
    return _carry_out(
        places,
        log.load(places.erasure_log, erasure)
        or ErasureRecord(erasure, subject.tenant_id, subject.sha256, requested_at, source, reason),
    )


def erase_late_rows(places: ErasurePlaces, earlier: ErasureRecord, landing_dates: str) -> ErasureRecord:
    """Erase again, for the subject of the `earlier` erasure, the rows created before it that landed since
    (on `landing_dates`, which name this erasure): late data, or a file delivered again, never brings an
    erased user back. Named by the earlier erasure and the dates: a re-run of those dates is one erasure."""
    erasure = log.erasure_id(earlier.subject_sha256, f"{earlier.requested_at} late {landing_dates}")
    return _carry_out(
        places,
        log.load(places.erasure_log, erasure)
        or ErasureRecord(
            erasure,
            earlier.tenant_id,
            earlier.subject_sha256,
            earlier.requested_at,
            f"late data of {earlier.erasure_id}",
            earlier.reason,
        ),
    )


def _carry_out(places: ErasurePlaces, record: ErasureRecord) -> ErasureRecord:
    if not record.done:
        log.save(places.erasure_log, record)
        _complete(places, record)
    return record


def resume_erasures(places: ErasurePlaces) -> list[ErasureRecord]:
    """Finish every erasure the log says is in progress (a run killed half-way); those finished."""
    pending = [record for record in log.all_records(places.erasure_log) if not record.done]
    for record in pending:
        _complete(places, record)
    return pending


def _complete(places: ErasurePlaces, record: ErasureRecord) -> None:
    with writable_warehouse(places.duckdb_path) as con:
        con.execute(f"set memory_limit = '{places.duckdb_memory_limit}'")
        if "scope" not in record.steps:
            before = datetime.fromisoformat(record.requested_at).astimezone(UTC).replace(tzinfo=None)
            counts = collect_scope(con, record.erasure_id, record.tenant_id, record.subject_sha256, before)
            log.finish_step(places.erasure_log, record, "scope", counts)
        if "datasets" not in record.steps:
            in_scope = RowsInScope(_ids(con, record, "response"), _ids(con, record, "event"))
            erased = erase_dataset_rows(places.datasets_dir, in_scope, record.erasure_id, record.reason)
            log.finish_step(places.erasure_log, record, "datasets", vars(erased))
        if "landing" not in record.steps:
            lines = tombstone_lines(places.landing_dir, _lines(con, record), record.erasure_id)
            log.finish_step(places.erasure_log, record, "landing", {"lines_replaced": lines})
        if "redaction_cache" not in record.steps:
            digests = [bytes.fromhex(text) for text in _ids(con, record, "text")]
            forgotten = forget_texts(places.redaction_cache, digests) if places.redaction_cache else 0
            log.finish_step(places.erasure_log, record, "redaction_cache", {"entries_deleted": forgotten})
        if "warehouse" not in record.steps:
            deleted = delete_scope_rows(con, record.erasure_id, record.subject_sha256)
            size = rewrite_database(con, places.duckdb_path)
            log.finish_step(
                places.erasure_log, record, "warehouse", {"rows_deleted": deleted, "file_bytes": size}
            )
    log.mark_done(places.erasure_log, record)


def _ids(con: duckdb.DuckDBPyConnection, record: ErasureRecord, kind: str) -> frozenset[str]:
    rows = con.execute(
        f"select id from {SCOPE_TABLE} where erasure_id = ? and kind = ?", [record.erasure_id, kind]
    ).fetchall()
    return frozenset(value for (value,) in rows)


def _lines(con: duckdb.DuckDBPyConnection, record: ErasureRecord) -> dict[str, set[int]]:
    """The landing lines in scope, by file (relative to the landing root)."""
    lines: dict[str, set[int]] = defaultdict(set)
    rows = con.execute(
        f"select id, line from {SCOPE_TABLE} where erasure_id = ? and kind = 'line'", [record.erasure_id]
    ).fetchall()
    for file, line in rows:
        lines[file].add(int(line))
    return dict(lines)
