"""The same landing files, built twice from nothing in the same place, give the same bytes: every dataset
file (shards, manifests, the shared pointer), every warehouse table's rows, and the erasure records but for
what they record of the run itself: when it was carried out (the point of the record) and how many entries
it removed from the redaction cache (a cache, and here not comparable: the second build runs in the first's
process, whose redactor, loaded once per process, still holds the cache file moved away with the first)."""

import json
import shutil
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb

from feedback_platform.lib.sample_logs import SampleLogConfig
from feedback_platform_tests.conftest import materialised_sample

SMALL = SampleLogConfig(days=2, responses_per_day=60, seed=21, start_date=date(2026, 11, 1))
ERASURE_RUN_FACTS = ("started_at", "completed_at")


def build_once(data_dir: Path, kept_as: Path) -> Path:
    """Build the sample into `data_dir` (always the same path: the registry records where versions are),
    then move the result to `kept_as`."""
    materialised_sample(data_dir, SMALL)
    shutil.move(data_dir, kept_as)
    return kept_as


def dataset_files(data_dir: Path) -> dict[str, bytes]:
    root = data_dir / "datasets"
    return {
        str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()
    }


def erasure_records(data_dir: Path) -> dict[str, dict]:
    records = {path.name: json.loads(path.read_text()) for path in (data_dir / "erasures").glob("*.json")}
    for record in records.values():
        for key in ERASURE_RUN_FACTS:
            record.pop(key)
        record["steps"].pop("redaction_cache")
    return records


def table_digests(data_dir: Path) -> dict[str, tuple[int, str]]:
    """Row count and MD5 of each table's rows as text, in sorted order (DuckDB's file layout is its own),
    but for the incremental marts' build stamps (`built_at`): when a row was built is the point of them."""
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        columns = defaultdict(list)
        for table, column in con.execute(
            "select table_name, column_name from information_schema.columns join information_schema.tables"
            " using (table_schema, table_name) where table_type = 'BASE TABLE' and column_name <> 'built_at'"
            " order by table_name, ordinal_position"
        ).fetchall():
            columns[table].append(f'"{column}"')
        return {
            table: con.execute(
                "select count(*), md5(coalesce(string_agg(row, chr(10) order by row), ''))"
                f' from (select cast(t as varchar) as row from (select {", ".join(names)} from "{table}") t)'
            ).fetchall()[0]
            for table, names in columns.items()
        }


# Guards issue 16's determinism: no wall-clock time or run id reaches a manifest, the pointer file or a
# table's data (the incremental marts' build stamps say when rows were built: `table_digests` leaves them
# out); dataset manifests record the Dagster data versions upstream (the raw layer's come from the files
# read, the rest derive from code versions and inputs), and every aggregation is order-independent.
def test_two_builds_from_nothing_are_byte_identical(tmp_path: Path, dbt_manifest: Path) -> None:
    first = build_once(tmp_path / "data", tmp_path / "first")
    second = build_once(tmp_path / "data", tmp_path / "second")

    first_files = dataset_files(first)
    assert {"latest.json", "eval", "sft", "dpo", "kto"} <= {name.split("/")[0] for name in first_files}
    latest = json.loads(first_files["latest.json"])
    assert all(rows > 0 for rows in _row_counts(first, latest).values())
    assert dataset_files(second) == first_files

    first_tables = table_digests(first)
    assert {"raw_responses", "redacted_feedback", "feedback_with_responses", "dataset_versions"} <= set(
        first_tables
    )
    assert table_digests(second) == first_tables
    assert erasure_records(second) == erasure_records(first)


def _row_counts(data_dir: Path, latest: dict[str, dict]) -> dict[str, int]:
    return {
        name: json.loads((data_dir / "datasets" / name / pointer["version"] / "manifest.json").read_text())[
            "row_count"
        ]
        for name, pointer in latest.items()
    }
