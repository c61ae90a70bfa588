"""A persistent cache of entity spans, so that a re-run or a later night never analyses the same text twice.

System prompts, knowledge-base documents and common replies come back every night; analysing them once
per engine version is enough. The cache is a SQLite file (stdlib `sqlite3`), not the DuckDB warehouse:
DuckDB allows one writing process per file, while several Dagster steps and CLI runs may redact at the
same time. SQLite in WAL mode lets readers and one writer work concurrently, and a busy timeout makes a
second writer wait instead of failing.

Rows are keyed by the SHA-256 of the text and by the engine key (ENGINE_VERSION plus a digest of the
configuration that shapes the output), and hold only the entity spans (positions and types, encoded by
`feedback_platform.lib.pii.spans`): no raw text lands in the cache. Spans rather than redacted texts, so
that typed placeholders and pseudonyms in any scope are served by the same entry.
"""

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from feedback_platform.lib.pii.config import ENGINE_VERSION, RedactorConfig

LOOKUP_CHUNK = 500
"""Hashes per `IN (...)` lookup: well under SQLite's limit on bound parameters."""

BUSY_TIMEOUT_SECONDS = 60.0
"""How long a writer waits for another process's write transaction before giving up."""

RUN_ONLY_FIELDS = frozenset({"batch_size"})
"""RedactorConfig fields that change how the engine runs, never what it outputs: left out of the key."""

_SCHEMA = """
create table if not exists entity_spans (
    text_sha256 blob not null,
    engine text not null,
    spans text not null,
    primary key (text_sha256, engine)
) without rowid
"""

_RETIRED_TABLES = ("redactions",)
"""Tables of earlier cache layouts (redacted texts under engine 1.3.0 and before), dropped on open."""


def text_digest(text: str) -> bytes:
    """The 32-byte SHA-256 of a text's UTF-8 bytes: how the cache names a text without storing it."""
    return hashlib.sha256(text.encode("utf-8")).digest()


def engine_key(config: RedactorConfig) -> str:
    """ENGINE_VERSION plus a digest of every output-shaping setting, e.g. "1.0.0+3f2a9c0d1e4b".

    Two configurations that can redact a text differently (another model, threshold or entity list) never
    share cached results, even under the same ENGINE_VERSION.
    """
    settings = {name: value for name, value in asdict(config).items() if name not in RUN_ONLY_FIELDS}
    digest = hashlib.sha256(repr(sorted(settings.items())).encode("utf-8")).hexdigest()[:12]
    return f"{ENGINE_VERSION}+{digest}"


class RedactionCache:
    """Encoded entity spans by (sha256(text), engine key) in a SQLite file; safe to share across processes."""

    def __init__(self, path: str | Path, engine: str) -> None:
        self.path = Path(path)
        self.engine = engine
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection per cache object; the lock lets a resource shared by threads use it safely.
        self._lock = threading.Lock()
        self._con = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        self._con.execute("pragma journal_mode=wal")
        self._con.execute("pragma synchronous=normal")
        self._con.execute(_SCHEMA)
        for table in _RETIRED_TABLES:
            self._con.execute(f"drop table if exists {table}")

    def get_many(self, texts: Sequence[str]) -> dict[str, str]:
        """Encoded spans already known for `texts`, by text; texts never seen are absent."""
        by_digest = {text_digest(text): text for text in texts}
        found: dict[str, str] = {}
        digests = list(by_digest)
        with self._lock:
            for start in range(0, len(digests), LOOKUP_CHUNK):
                chunk = digests[start : start + LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._con.execute(
                    "select text_sha256, spans from entity_spans"
                    f" where engine = ? and text_sha256 in ({marks})",
                    [self.engine, *chunk],
                ).fetchall()
                found.update((by_digest[digest], spans) for digest, spans in rows)
        return found

    def put_many(self, spans: Mapping[str, str]) -> None:
        """Store encoded spans (text -> spans) in one transaction; a text already stored is kept."""
        if not spans:
            return
        rows: Iterable[tuple[bytes, str, str]] = (
            (text_digest(text), self.engine, encoded) for text, encoded in spans.items()
        )
        with self._lock:
            self._con.execute("begin immediate")
            try:
                self._con.executemany(
                    "insert or ignore into entity_spans (text_sha256, engine, spans) values (?, ?, ?)", rows
                )
            except BaseException:
                self._con.execute("rollback")
                raise
            self._con.execute("commit")

    def __len__(self) -> int:
        """How many texts this engine key holds spans for."""
        with self._lock:
            ((count,),) = self._con.execute(
                "select count(*) from entity_spans where engine = ?", [self.engine]
            ).fetchall()
        return int(count)

    def close(self) -> None:
        with self._lock:
            self._con.close()


def forget_texts(path: str | Path, digests: Iterable[bytes]) -> int:
    """Delete the spans of the texts with these SHA-256 digests (`text_digest`) under every engine key, then
    rewrite the file so that no deleted entry stays readable in it; how many entries were deleted.

    SQLite leaves deleted rows in free pages and in the write-ahead log: the log is checkpointed and
    truncated, and VACUUM copies the live rows into a fresh file. Waits for other writers (a redaction in
    another process) up to the busy timeout.
    """
    path = Path(path)
    if not path.exists():
        return 0
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        con.execute(_SCHEMA)
        con.execute("begin immediate")
        deleted = 0
        for digest in digests:
            deleted += con.execute("delete from entity_spans where text_sha256 = ?", [digest]).rowcount
        con.execute("commit")
        con.execute("pragma wal_checkpoint(truncate)")
        con.execute("vacuum")
        con.execute("pragma wal_checkpoint(truncate)")
    finally:
        con.close()
    return deleted
