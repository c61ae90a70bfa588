"""The persistent redaction cache: keyed by text hash and engine key, holding no raw text, shared safely."""

import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from feedback_platform.lib.pii import ENGINE_VERSION, RedactorConfig
from feedback_platform.lib.pii.cache import LOOKUP_CHUNK, RedactionCache, engine_key, text_digest

ENGINE = engine_key(RedactorConfig())


# Guards the round trip: what one run stores, a later run (a new connection) finds; unseen texts are absent.
def test_stored_redactions_are_found_by_a_later_run(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    first = RedactionCache(path, ENGINE)
    first.put_many({"Call Emma Brooks": "Call <PERSON>", "Thanks!": "Thanks!"})
    first.close()
    later = RedactionCache(path, ENGINE)
    assert later.get_many(["Thanks!", "never seen", "Call Emma Brooks"]) == {
        "Thanks!": "Thanks!",
        "Call Emma Brooks": "Call <PERSON>",
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
    RedactionCache(path, "0.9.0+old").put_many({"Call Emma Brooks": "Call Emma Brooks"})
    assert RedactionCache(path, ENGINE).get_many(["Call Emma Brooks"]) == {}

    config = RedactorConfig()
    assert ENGINE.startswith(f"{ENGINE_VERSION}+")
    assert engine_key(replace(config, batch_size=7)) == ENGINE  # how it runs, not what it outputs
    assert engine_key(replace(config, score_threshold=0.9)) != ENGINE
    assert engine_key(replace(config, entities=("PERSON",))) != ENGINE


# Guards privacy: the cache file holds hashes and redacted text, never the raw text.
def test_cache_file_holds_no_raw_text(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = RedactionCache(path, ENGINE)
    cache.put_many({"Mail olivia.carter@gmail.com": "Mail <EMAIL_ADDRESS>"})
    cache.close()
    with sqlite3.connect(path) as con:
        rows = con.execute("select * from redactions").fetchall()
        (mode,) = con.execute("pragma journal_mode").fetchone()
    assert rows == [(text_digest("Mail olivia.carter@gmail.com"), ENGINE, "Mail <EMAIL_ADDRESS>")]
    assert mode == "wal"
    assert b"olivia.carter" not in path.read_bytes()


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
