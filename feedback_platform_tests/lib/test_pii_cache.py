"""The persistent span cache: keyed by text hash and engine key, holding no raw text, shared safely."""

import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from feedback_platform.lib.pii import ENGINE_VERSION, RedactorConfig
from feedback_platform.lib.pii.bulk import BulkRedactor
from feedback_platform.lib.pii.cache import LOOKUP_CHUNK, RedactionCache, engine_key, text_digest
from feedback_platform.lib.pii.engine import loaded_engine
from feedback_platform.lib.pii.spans import EntitySpan, encode_spans

ENGINE = engine_key(RedactorConfig())
EMMA = encode_spans([EntitySpan(5, 16, "PERSON")])
NOTHING = encode_spans([])


# Guards the round trip: what one run stores, a later run (a new connection) finds; unseen texts are absent.
def test_stored_redactions_are_found_by_a_later_run(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    first = RedactionCache(path, ENGINE)
    first.put_many({"Call Emma Brooks": EMMA, "Thanks!": NOTHING})
    first.close()
    later = RedactionCache(path, ENGINE)
    assert later.get_many(["Thanks!", "never seen", "Call Emma Brooks"]) == {
        "Thanks!": NOTHING,
        "Call Emma Brooks": EMMA,
    }
    assert len(later) == 2
    later.close()


# Guards batch lookups past the per-query parameter chunk: every stored text comes back with its own result.
def test_lookups_larger_than_one_query_chunk(tmp_path: Path) -> None:
    cache = RedactionCache(tmp_path / "cache.sqlite", ENGINE)
    stored = {f"text {i}": f"redacted {i}" for i in range(LOOKUP_CHUNK * 2 + 7)}
    cache.put_many(stored)
    assert cache.get_many([*stored, "other"]) == stored
    cache.close()


# Guards invalidation: results of another engine version or configuration are never reused.
def test_engine_key_separates_versions_and_output_shaping_settings(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    RedactionCache(path, "0.9.0+old").put_many({"Call Emma Brooks": NOTHING})
    assert RedactionCache(path, ENGINE).get_many(["Call Emma Brooks"]) == {}

    config = RedactorConfig()
    assert ENGINE.startswith(f"{ENGINE_VERSION}+")
    assert engine_key(replace(config, batch_size=7)) == ENGINE  # how it runs, not what it outputs
    assert engine_key(replace(config, score_threshold=0.9)) != ENGINE
    assert engine_key(replace(config, entities=("PERSON",))) != ENGINE


# Guards privacy: the cache file holds hashes and span positions, never the raw text.
def test_cache_file_holds_no_raw_text(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = RedactionCache(path, ENGINE)
    spans = encode_spans([EntitySpan(5, 28, "EMAIL_ADDRESS")])
    cache.put_many({"Mail olivia.carter@gmail.com": spans})
    cache.close()
    with sqlite3.connect(path) as con:
        rows = con.execute("select * from entity_spans").fetchall()
        (mode,) = con.execute("pragma journal_mode").fetchone()
    assert rows == [(text_digest("Mail olivia.carter@gmail.com"), ENGINE, '[[5,28,"EMAIL_ADDRESS"]]')]
    assert mode == "wal"
    assert b"olivia.carter" not in path.read_bytes()


# Guards the upgrade from the layout that stored redacted texts: the old table goes, the new one works.
def test_a_cache_file_of_the_old_layout_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    with sqlite3.connect(path) as con:
        con.execute("create table redactions (text_sha256 blob, engine text, redacted text)")
    cache = RedactionCache(path, ENGINE)
    cache.put_many({"Call Emma Brooks": EMMA})
    assert cache.get_many(["Call Emma Brooks"]) == {"Call Emma Brooks": EMMA}
    cache.close()
    with sqlite3.connect(path) as con:
        tables = {name for (name,) in con.execute("select name from sqlite_master where type = 'table'")}
    assert tables == {"entity_spans"}


# Guards concurrency: two processes writing the same file at once both land every row, none fails as busy.
def test_two_processes_can_write_at_the_same_time(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    RedactionCache(path, ENGINE).close()
    writer = (
        "import sys\n"
        "from feedback_platform.lib.pii.cache import RedactionCache\n"
        "cache = RedactionCache(sys.argv[1], sys.argv[2])\n"
        "for batch in range(40):\n"
        "    cache.put_many({f'{sys.argv[3]} {batch} {i}': 'x' for i in range(50)})\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", writer, str(path), ENGINE, name]) for name in ("a", "b")
    ]
    assert [process.wait(timeout=60) for process in processes] == [0, 0]
    cache = RedactionCache(path, ENGINE)
    assert len(cache) == 2 * 40 * 50
    assert cache.get_many(["a 39 49", "b 0 0"]) == {"a 39 49": "x", "b 0 0": "x"}
    cache.close()


# Guards the engine loaded once per process: redactors of one configuration with caches of their own (the
# resource's, one per data folder) share the loaded engine and find the same spans.
def test_redactors_of_one_configuration_share_the_loaded_engine(tmp_path: Path) -> None:
    config = RedactorConfig(batch_size=8)
    text = ["Write to Maria Gonzalez at maria.gonzalez@example.com."]
    first = BulkRedactor(config, cache_path=tmp_path / "first.sqlite").find_spans(text)
    before = loaded_engine.cache_info()
    second = BulkRedactor(config, cache_path=tmp_path / "second.sqlite").find_spans(text)
    after = loaded_engine.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)
    assert second == first and first[0]
