"""An erasure from request to bytes gone, one step at a time, each step recorded before the next starts.

Steps, in order; each does the same when run again, so an erasure killed at any point is finished by the
next `erase` or nightly (`resume_erasures`), and the log says done only once the last one has run. The
erasures asked for together (a night's `erase` events) run each step once for all of them:

1. `scope`: find the user's rows and everything made from them (`scope.py`);
2. `datasets`: withdraw the versions holding them and publish replacements (`dataset_versions.py`);
3. `landing`: replace their landing lines by tombstones (`landing_lines.py`);
4. `redaction_cache`: forget their texts and rewrite the cache file (`lib/pii/cache.forget_texts`);
5. `warehouse`: delete the rows from every table and rewrite the DuckDB file (`warehouse_rows.py`).

The warehouse stays locked by this process from the first step to the last, so no run writes it meanwhile.
"""

from collections import defaultdict
from datetime import UTC, date, datetime

import duckdb

from feedback_platform.lib.erasure import log
from feedback_platform.lib.erasure.dataset_versions import RowsInScope, erase_dataset_rows
from feedback_platform.lib.erasure.landing_lines import tombstone_lines
from feedback_platform.lib.erasure.log import ErasureRecord
from feedback_platform.lib.erasure.places import ErasurePlaces
from feedback_platform.lib.erasure.scope import SCOPE_TABLE, ScopeRequest, collect_scopes
from feedback_platform.lib.erasure.subject import Subject
from feedback_platform.lib.erasure.warehouse_rows import delete_scope_rows
from feedback_platform.lib.pii.cache import forget_texts
from feedback_platform.lib.warehouse import rewrite_database, writable_warehouse

COMMAND = "command"
CONSENT_EVENT = "consent event"


def erase_subject(
    places: ErasurePlaces, subject: Subject, reason: str, source: str, requested_at: str | None = None
) -> ErasureRecord:
    """Erase `subject`'s data everywhere (see the module docstring); the finished log record."""
    (record,) = carry_out(places, [subject_request(places, subject, reason, source, requested_at)])
    return record


def subject_request(
    places: ErasurePlaces, subject: Subject, reason: str, source: str, requested_at: str | None = None
) -> ErasureRecord:
    """The erasure of `subject` asked at `requested_at` (default now), from the log if it was asked before:
    the same request (subject and time) is one erasure, finished if interrupted, returned if done."""
    requested_at = requested_at or datetime.now(UTC).isoformat(timespec="seconds")
    erasure = log.erasure_id(subject.sha256, requested_at)
    return log.load(places.erasure_log, erasure) or ErasureRecord(
        erasure, subject.tenant_id, subject.sha256, requested_at, source, reason
    )


def late_rows_request(places: ErasurePlaces, earlier: ErasureRecord, landing_dates: str) -> ErasureRecord:
    """The erasure, for the subject of the `earlier` erasure, of the rows created before it that landed
    since (on `landing_dates`, which name this erasure): late data, or a file delivered again, never brings
    an erased user back. Named by the earlier erasure and the dates: a re-run of those dates is one
    erasure."""
    erasure = log.erasure_id(earlier.subject_sha256, f"{earlier.requested_at} late {landing_dates}")
    return log.load(places.erasure_log, erasure) or ErasureRecord(
        erasure,
        earlier.tenant_id,
        earlier.subject_sha256,
        earlier.requested_at,
        f"late data of {earlier.erasure_id}",
        earlier.reason,
    )


def pending_erasures(places: ErasurePlaces) -> list[ErasureRecord]:
    """The erasures the log says are not done: waiting for their batch, or in progress (a run killed
    half-way)."""
    return [record for record in log.all_records(places.erasure_log) if not record.done]


def batch_is_due(records: list[ErasureRecord], day: date, batch_days: int) -> bool:
    """Whether the erasures of `records` not done are carried out by the nightly of landing day `day`:
    always without a batch window (`batch_days` 0) or when one was begun (a run killed half-way finishes
    it); else once the oldest was requested `batch_days` or more days before `day`. Judged on landing days,
    not the clock, so a backfill or a re-run decides as the nightly did."""
    pending = [record for record in records if not record.done]
    if not pending:
        return False
    if batch_days == 0 or any(record.status != log.WAITING for record in pending):
        return True
    oldest = min(date.fromisoformat(record.requested_at[:10]) for record in pending)
    return (day - oldest).days >= batch_days


def wait_for_batch(places: ErasurePlaces, records: list[ErasureRecord]) -> None:
    """Record the waiting erasures of `records` in the log, to be carried out with their batch."""
    for record in records:
        if record.status == log.WAITING:
            log.save(places.erasure_log, record)


def resume_erasures(places: ErasurePlaces) -> list[ErasureRecord]:
    """Finish every erasure the log says is in progress; those finished."""
    return carry_out(places, pending_erasures(places))


def carry_out(places: ErasurePlaces, records: list[ErasureRecord]) -> list[ErasureRecord]:
    """Carry out the erasures of `records` that are not done, together: each step once for all of them
    (one pass over the dataset versions, one rewrite of each landing file, of the cache and of the
    warehouse file), so a night with many requests costs about what one costs. Each record gets each
    step's outcome as soon as the step is done for all; returns `records`."""
    pending = list({record.erasure_id: record for record in records if not record.done}.values())
    for record in pending:
        log.mark_started(places.erasure_log, record)
    if pending:
        _complete(places, pending)
    return records


def _complete(places: ErasurePlaces, records: list[ErasureRecord]) -> None:
    with writable_warehouse(places.duckdb_path) as con:
        con.execute(f"set memory_limit = '{places.duckdb_memory_limit}'")
        if batch := _without(records, "scope"):
            counts = collect_scopes(con, [_scope_request(record) for record in batch])
            for record in batch:
                log.finish_step(places.erasure_log, record, "scope", counts[record.erasure_id])
        if batch := _without(records, "datasets"):
            in_scope = RowsInScope(_ids(con, batch, "response"), _ids(con, batch, "event"))
            erased = erase_dataset_rows(
                places.datasets_dir, in_scope, _names(batch), _reasons(batch), _requested_at(batch)
            )
            _finish(places, batch, "datasets", vars(erased))
        if batch := _without(records, "landing"):
            replaced = tombstone_lines(places.landing_dir, _tombstones(con, batch))
            _finish(places, batch, "landing", {"lines_replaced": replaced})
        if batch := _without(records, "redaction_cache"):
            digests = [bytes.fromhex(text) for text in _ids(con, batch, "text")]
            forgotten = forget_texts(places.redaction_cache, digests) if places.redaction_cache else 0
            _finish(places, batch, "redaction_cache", {"entries_deleted": forgotten})
        if batch := _without(records, "warehouse"):
            deleted = delete_scope_rows(con, {record.erasure_id: record.subject_sha256 for record in batch})
            size = rewrite_database(con, places.duckdb_path)
            _finish(places, batch, "warehouse", {"rows_deleted": deleted, "file_bytes": size})
    for record in records:
        log.mark_done(places.erasure_log, record)


def _scope_request(record: ErasureRecord) -> ScopeRequest:
    before = datetime.fromisoformat(record.requested_at).astimezone(UTC).replace(tzinfo=None)
    return ScopeRequest(record.erasure_id, record.tenant_id, record.subject_sha256, before)


def _without(records: list[ErasureRecord], step: str) -> list[ErasureRecord]:
    return [record for record in records if step not in record.steps]


def _finish(places: ErasurePlaces, batch: list[ErasureRecord], step: str, removed: dict) -> None:
    """Record a step done together for `batch`: what it removed for all of them, and with whom."""
    together = [record.erasure_id for record in batch]
    for record in batch:
        log.finish_step(places.erasure_log, record, step, removed | {"erasures_together": together})


def _names(batch: list[ErasureRecord]) -> str:
    return ", ".join(record.erasure_id for record in batch)


def _reasons(batch: list[ErasureRecord]) -> str:
    return "; ".join(sorted({record.reason for record in batch}))


def _requested_at(batch: list[ErasureRecord]) -> str:
    """When the newest of the requests erased together was made."""
    return max(record.requested_at for record in batch)


def _ids(con: duckdb.DuckDBPyConnection, batch: list[ErasureRecord], kind: str) -> frozenset[str]:
    rows = con.execute(
        f"select id from {SCOPE_TABLE} where erasure_id in (select unnest(?::varchar[])) and kind = ?",
        [[record.erasure_id for record in batch], kind],
    ).fetchall()
    return frozenset(value for (value,) in rows)


def _tombstones(con: duckdb.DuckDBPyConnection, batch: list[ErasureRecord]) -> dict[str, dict[int, str]]:
    """The landing lines in scope, by file (relative to the landing root), each with its erasure."""
    lines: dict[str, dict[int, str]] = defaultdict(dict)
    rows = con.execute(
        f"select id, line, erasure_id from {SCOPE_TABLE}"
        " where erasure_id in (select unnest(?::varchar[])) and kind = 'line' order by all",
        [[record.erasure_id for record in batch]],
    ).fetchall()
    for file, line, erasure in rows:
        lines[file].setdefault(int(line), erasure)
    return dict(lines)
