"""Each step of an erasure on small real files: dataset versions withdrawn and replaced, landing lines
tombstoned and read back by ingest, redaction-cache entries forgotten and the DuckDB file rewritten so no
deleted value stays in its bytes."""

import gzip
import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from feedback_platform.lib.datasets.index import list_dataset_versions
from feedback_platform.lib.datasets.publication import latest_version, publish_dataset_version
from feedback_platform.lib.datasets.store import (
    VersionWithdrawnError,
    read_dataset_version,
    write_dataset_version,
)
from feedback_platform.lib.erasure.dataset_versions import RowsInScope, erase_dataset_rows
from feedback_platform.lib.erasure.landing_lines import tombstone_lines
from feedback_platform.lib.erasure.log import ErasureRecord
from feedback_platform.lib.erasure.requests import erased_subjects_with_rows
from feedback_platform.lib.erasure.scope import SCOPE_TABLE, ScopeRequest, collect_scopes
from feedback_platform.lib.erasure.subject import subject_sha256
from feedback_platform.lib.logs.landing import read_landing_lines
from feedback_platform.lib.logs.tombstones import tombstone_line
from feedback_platform.lib.logs.validation import validate_lines
from feedback_platform.lib.pii.cache import RedactionCache, forget_texts, text_digest
from feedback_platform.lib.warehouse import rewrite_database

ERASURE = "er-0123456789ab"
REQUESTED_AT = "2026-11-03T09:00:00+00:00"
CANARY = "zqx-erased-canary"


def sft_rows(responses: list[str], day: date) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "example_id": [f"ex-{response}" for response in responses],
            "response_id": responses,
            "completion": [
                f"answer to {response}" + (f" {CANARY}" if response == "r2" else "") for response in responses
            ],
            "feedback_event_ids": [[f"ev-{response}"] for response in responses],
            "response_date": [day] * len(responses),
        }
    )


def publish(root: Path, rows: list[pl.DataFrame], reuse: str | None = None) -> str:
    version = write_dataset_version(
        rows,
        name="sft",
        datasets_root=root,
        rule_version="1",
        inputs={},
        key_column="example_id",
        shard_column="response_date",
        staged=True,
        reuse_shards_of=reuse,
    ).version
    publish_dataset_version(root, "sft", version)
    return version


def file_bytes_under(root: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file())


# Guards the datasets step: every version holding a row in scope is withdrawn (its reads refused with the
# erasure and the replacement named), the latest is replaced by the same rows less the erased ones, only
# the shard that held them is written again, and no byte of the erased row stays in the store.
def test_versions_holding_erased_rows_are_withdrawn_and_the_latest_replaced(tmp_path: Path) -> None:
    day1, day2 = date(2026, 11, 1), date(2026, 11, 2)
    first = publish(tmp_path, [sft_rows(["r1"], day1)])
    second = publish(tmp_path, [sft_rows(["r1"], day1), sft_rows(["r2", "r3"], day2)], reuse=first)
    assert CANARY.encode() in file_bytes_under(tmp_path)

    erased = erase_dataset_rows(
        tmp_path, RowsInScope(frozenset({"r2"}), frozenset()), ERASURE, "asked", REQUESTED_AT
    )

    replacement = latest_version(tmp_path, "sft")
    assert erased.versions_withdrawn == [f"sft@{second}"]
    assert erased.versions_published == [f"sft@{replacement}"]
    assert (erased.rows_removed, erased.shards_removed) == (1, 1)
    remaining = read_dataset_version(tmp_path, "sft", replacement).sort("example_id")
    assert remaining["response_id"].to_list() == ["r1", "r3"]
    assert read_dataset_version(tmp_path, "sft", first).height == 1  # never held the row: stands
    with pytest.raises(
        VersionWithdrawnError, match=f"erasure {ERASURE}, requested 2026-11-03 .*use sft@{replacement}"
    ):
        read_dataset_version(tmp_path, "sft", second)
    registry = list_dataset_versions(tmp_path, "sft").select(
        "version", "sequence", "status", "withdrawn_by", "erasure_requested_at", "latest"
    )
    requested = datetime(2026, 11, 3, 9)
    assert registry.rows() == [
        (first, 1, "published", None, None, False),
        (second, 2, "withdrawn", ERASURE, requested, False),
        (replacement, 3, "published", None, None, True),
    ]
    assert CANARY.encode() not in file_bytes_under(tmp_path)

    again = erase_dataset_rows(
        tmp_path, RowsInScope(frozenset({"r2"}), frozenset()), ERASURE, "asked", REQUESTED_AT
    )
    assert (again.versions_withdrawn, again.versions_published, again.shards_removed) == ([], [], 0)


def write_landing_file(landing: Path, relative: str, lines: list[str]) -> Path:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(line + "\n" for line in lines).encode()
    path.write_bytes(gzip.compress(data) if relative.endswith(".gz") else data)
    return path


# Guards the landing step: the erased lines become tombstones in place (every other line keeps its number
# and bytes), gzip files stay gzip, and ingest quarantines a tombstone with the erasure as its reason.
@pytest.mark.parametrize("name", ["part-0000.jsonl", "part-0000.jsonl.gz"])
def test_erased_landing_lines_become_tombstones_that_ingest_quarantines(tmp_path: Path, name: str) -> None:
    relative = f"consent/2026-11-01/{name}"
    lines = [
        json.dumps(
            {"user_id": user, "tenant_id": "t", "created_at": "2026-11-01T08:00:00Z", "action": "erase"}
        )
        for user in ("u_keep", f"u_{CANARY}", "u_keep_too")
    ]
    path = write_landing_file(tmp_path, relative, lines)

    assert tombstone_lines(tmp_path, {relative: {2: ERASURE}}) == {relative: 1}

    read, _ = read_landing_lines(tmp_path, [path])
    assert read["raw_line"].to_list() == [lines[0], tombstone_line(ERASURE), lines[2]]
    data = path.read_bytes()
    assert CANARY.encode() not in (gzip.decompress(data) if name.endswith(".gz") else data)
    batch = validate_lines(read, "consent", date(2026, 11, 1))
    assert batch.rows["user_id"].to_list() == ["u_keep", "u_keep_too"]
    assert batch.quarantined.select("source_line", "reason").rows() == [(2, f"erased by {ERASURE}")]


# Guards the redaction-cache step: the erased texts' entries are deleted under every engine key and the
# file is rewritten, so their digests are gone from its bytes while other entries stay.
def test_forgotten_texts_leave_no_digest_in_the_cache_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    for engine in ("1.0+a", "2.0+b"):
        cache = RedactionCache(path, engine)
        cache.put_many({f"erased {CANARY}": "[]", "kept text": "[]"})
        cache.close()
    erased = text_digest(f"erased {CANARY}")

    assert forget_texts(path, [erased]) == 2

    stored = b"".join(file.read_bytes() for file in tmp_path.iterdir())
    assert erased not in stored and text_digest("kept text") in stored
    assert RedactionCache(path, "1.0+a").get_many(["kept text", f"erased {CANARY}"]) == {"kept text": "[]"}


# Guards the warehouse step's rewrite: DuckDB keeps a deleted value in the file after CHECKPOINT, and the
# rewritten file holds every remaining row and view but not the value.
def test_rewriting_the_database_drops_deleted_values_from_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table texts as select 'kept ' || i as text from range(1000) t(i)")
    con.execute(f"insert into texts values ('{CANARY}')")
    con.execute("create view kept as select * from texts where text like 'kept%'")
    con.execute("checkpoint")
    con.execute(f"delete from texts where text = '{CANARY}'")
    con.execute("checkpoint")
    assert CANARY.encode() in path.read_bytes()

    rewrite_database(con, path)
    con.close()

    assert CANARY.encode() not in path.read_bytes()
    with duckdb.connect(str(path), read_only=True) as reopened:
        assert reopened.execute("select count(*) from kept").fetchall() == [(1000,)]


# Guards what the nightly erases again and what the erasure check fails on: rows of an erased subject
# created before the erasure, on the dates asked about; not their later rows, nor other users'.
def test_rows_of_erased_subjects_created_before_their_erasure_are_found() -> None:
    erasure = ErasureRecord(
        erasure_id=ERASURE,
        tenant_id="t",
        subject_sha256=subject_sha256("t", "u_gone"),
        requested_at="2026-11-02T12:00:00+00:00",
        source="command",
        reason="asked",
    )
    con = duckdb.connect()
    con.execute(
        "create table raw_responses as select * from (values"
        " ('t', 'u_gone', timestamp '2026-11-03 08:00', date '2026-11-03'),"  # after the erasure: new
        " ('t', 'u_kept', timestamp '2026-11-01 08:00', date '2026-11-03'))"
        " t(tenant_id, user_id, created_at, landing_date)"
    )
    assert erased_subjects_with_rows(con, [erasure]) == []
    con.execute("insert into raw_responses values ('t', 'u_gone', '2026-11-02 11:00', '2026-11-03')")
    assert erased_subjects_with_rows(con, [erasure]) == [erasure]
    assert erased_subjects_with_rows(con, [erasure], landing_dates=[date(2026, 11, 3)]) == [erasure]
    assert erased_subjects_with_rows(con, [erasure], landing_dates=[date(2026, 11, 2)]) == []


# Guards the scope's quarantined lines: a broken line is the user's by its user_id field (with its tenant, or
# the erasure's when it has none) or by any quoted string when it names the erasure's tenant or none; and a
# line naming one of their responses (a quoted string or a bare word) goes too. The same user id in another
# tenant, and a response id that only begins like theirs, stay.
def test_quarantined_lines_of_the_user_or_naming_their_responses_are_in_scope() -> None:
    con = duckdb.connect()
    con.execute(
        "create table raw_responses as select * from (values"
        " ('r-gone-1', 't', 'u_gone', timestamp '2026-11-01 08:00', 'responses/2026-11-01/a.jsonl', 1))"
        " t(response_id, tenant_id, user_id, created_at, source_file, source_line)"
    )
    lines = [
        '{"tenant_id": "t", "user_id": "u_gone", "messages": []}',
        '["r-x", "t", "u_gone", "an array of the fields"]',
        '{"user_id": "u_gone", "output": "cut sh',
        '{"tenant_id": "other", "user_id": "u_gone"}',
        '{"event_id": "e1", "response_id": "r-gone-1", "tenant_id": "t", "user_id": "u_kept"}',
        "response r-gone-1 broken",
        '{"tenant_id": "t", "user_id": "u_kept", "response_id": "r-gone-10"}',
    ]
    con.execute("create table quarantined_rows (source_file varchar, source_line bigint, raw_line varchar)")
    con.executemany(
        "insert into quarantined_rows values ('responses/2026-11-01/q.jsonl', ?, ?)",
        [[number, line] for number, line in enumerate(lines, start=1)],
    )
    request = ScopeRequest(ERASURE, "t", subject_sha256("t", "u_gone"), datetime(2026, 11, 2))

    counts = collect_scopes(con, [request])

    quarantined = con.execute(
        f"select line from {SCOPE_TABLE} where kind = 'line' and id like '%q.jsonl' order by line"
    ).fetchall()
    assert quarantined == [(1,), (2,), (3,), (5,), (6,)]
    assert counts[ERASURE]["response"] == 1
