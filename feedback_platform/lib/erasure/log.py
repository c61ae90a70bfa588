"""The erasure log: a JSON file per erasure under `<data dir>/erasures/`, written again after each step.

A record names its subject by hash only (`subject.py`), says where the request came from and why, and
holds what each finished step removed (counts per table and file, the dataset versions withdrawn and the
ones that replaced them). Its status is "waiting" from the request until it is carried out (at once, or with
the others of its batch: `run.batch_is_due`), then "in progress" until the last step has removed the bytes;
a run killed half-way leaves it so, and the next erasure or nightly resumes it (`run.resume_erasures`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feedback_platform.lib.atomic_files import write_file_atomically

WAITING = "waiting"
IN_PROGRESS = "in progress"
DONE = "done"


@dataclass
class ErasureRecord:
    erasure_id: str
    tenant_id: str
    subject_sha256: str
    requested_at: str
    """When the user asked: the `erase` consent event's time, or when the command was run."""
    source: str
    """"command" (feedback-platform erase) or "consent event"."""
    reason: str
    status: str = WAITING
    started_at: str | None = None
    """When it began to be carried out; None while it waits."""
    completed_at: str | None = None
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each finished step's name -> what it removed."""

    @property
    def done(self) -> bool:
        return self.status == DONE


def erasure_id(subject_sha256: str, requested_at: str) -> str:
    """The same request (subject and time) always gets the same id, so a re-read consent event or a resumed
    run never starts a second erasure."""
    return "er-" + hashlib.sha256(f"{subject_sha256}\n{requested_at}".encode()).hexdigest()[:12]


def record_path(log_dir: Path, erasure: str) -> Path:
    return Path(log_dir) / f"{erasure}.json"


def save(log_dir: Path, record: ErasureRecord) -> None:
    """Write `record`'s file again. Its fields are read as they are, not deep-copied (`asdict`): a night's
    batch saves each of its records once per step, and each record lists the whole batch."""
    fields_of_record = {each.name: getattr(record, each.name) for each in fields(record)}
    text = json.dumps(fields_of_record, indent=2, sort_keys=True) + "\n"
    Path(log_dir).mkdir(parents=True, exist_ok=True)
    write_file_atomically(
        record_path(log_dir, record.erasure_id),
        lambda path: path.write_text(text, encoding="utf-8"),
        overwrite=True,
    )


def load(log_dir: Path, erasure: str) -> ErasureRecord | None:
    path = record_path(log_dir, erasure)
    if not path.exists():
        return None
    return ErasureRecord(**json.loads(path.read_text(encoding="utf-8")))


def all_records(log_dir: Path) -> list[ErasureRecord]:
    """Every erasure recorded, oldest request first."""
    if not Path(log_dir).is_dir():
        return []
    records = [
        ErasureRecord(**json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(Path(log_dir).glob("er-*.json"))
    ]
    return sorted(records, key=lambda record: (record.requested_at, record.erasure_id))


def finish_step(log_dir: Path, record: ErasureRecord, step: str, removed: dict[str, Any]) -> None:
    record.steps[step] = removed
    save(log_dir, record)


def mark_started(log_dir: Path, record: ErasureRecord) -> None:
    """Record that `record` is being carried out (a waiting one begins; one begun before keeps its start)."""
    if record.status == WAITING:
        record.status, record.started_at = IN_PROGRESS, _now()
    save(log_dir, record)


def mark_done(log_dir: Path, record: ErasureRecord) -> None:
    record.status, record.completed_at = DONE, _now()
    save(log_dir, record)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
