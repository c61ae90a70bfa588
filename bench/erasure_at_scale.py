"""What one erasure costs on a long history, and whether it leaves any byte of the user behind.

Copies a materialised data folder (say a history that `nightly_at_scale.py` built and kept), picks the
user with the most responses in a tenant (or `--user` / `--tenant`), and collects needles: the user id and
the first 40 characters of each of their messages, outputs and feedback texts that no other user shares.
Then runs `feedback-platform erase --json` on the copy in a child process and prints its wall time, peak
RSS, what each step removed, and the needles a scan of every file under the copy finds before and after:
each file's bytes, and also what it holds once decoded (gzip decompressed, Parquet values, every DuckDB
table), since compression hides text from a byte scan.

Usage: python bench/erasure_at_scale.py --data DIR [--work DIR] [--user ID --tenant T] [--needles N]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from process_tree_memory import TreePeakRss

from feedback_platform.lib.erasure.byte_scan import occurrences

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a materialised data folder (not changed)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "erasure_at_scale")
    parser.add_argument("--user", default=None)
    parser.add_argument("--tenant", default=None)
    parser.add_argument("--needles", type=int, default=20, help="texts of the user to scan for, at most")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    started = time.perf_counter()
    shutil.copytree(args.data, args.work, ignore=shutil.ignore_patterns("done"))
    print(f"copied {args.data} to {args.work} in {time.perf_counter() - started:.0f} s")
    tenant, user = (args.tenant, args.user) if args.user else busiest_user(args.work)
    needles = [user, *unshared_texts(args.work, tenant, user, args.needles)]
    print(f"user: {len(needles) - 1} of their texts, and their id, as needles")
    before = occurrences(args.work, needles)
    print(f"before: {len(before)} (file, needle) hits in {len({hit[0] for hit in before})} files")

    wall_s, peak_mib, record = erase(args.work, tenant, user)

    after = occurrences(args.work, needles)
    report(record, wall_s, peak_mib)
    print(f"after: {len(after)} (file, needle) hits")
    for file, needle in after:
        print(f"  {file}: {needle[:20]}...")


def report(record: dict, wall_s: float, peak_mib: float) -> None:
    steps = record["steps"]
    datasets, warehouse = steps["datasets"], steps["warehouse"]
    lines = steps["landing"]["lines_replaced"]
    print(f"\nerasure {record['erasure_id']} {record['status']}: {wall_s:.1f} s wall", end="")
    print(f", peak RSS {peak_mib:,.0f} MiB")
    print(f"  scope: {json.dumps(steps['scope'])}")
    print(
        f"  datasets: withdrawn {datasets['versions_withdrawn']}, published {datasets['versions_published']}"
    )
    print(f"    rows removed {datasets['rows_removed']}, shards removed {datasets['shards_removed']}")
    print(f"  landing: {sum(lines.values())} lines replaced in {len(lines)} files")
    print(f"  redaction cache: {steps['redaction_cache']['entries_deleted']} entries deleted")
    deleted = warehouse["rows_deleted"]
    print(f"  warehouse: {sum(deleted.values()):,} rows deleted in {len(deleted)} tables")
    print(f"    file rewritten: {warehouse['file_bytes'] / 2**20:,.0f} MiB")


def busiest_user(data_dir: Path) -> tuple[str, str]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "select tenant_id, user_id from raw_responses group by all order by count(*) desc, 1, 2 limit 1"
        ).fetchall()[0]


def unshared_texts(data_dir: Path, tenant: str, user: str, most: int) -> list[str]:
    """Up to `most` texts of the user (40-character heads) that no other user's rows hold."""
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        heads = con.execute(
            """
            with texts as (
                select r.user_id, r.tenant_id, t.text
                from raw_responses r, unnest([r.output] || [m.content for m in r.messages if m.role = 'user'])
                    as t(text)
                union all
                select user_id, tenant_id, value from raw_feedback where signal in ('comment', 'edit')
            )
            select left(text, 40) as head from texts
            group by head having bool_and(user_id = ? and tenant_id = ?) and length(head) = 40
            order by head limit ?
            """,
            [user, tenant, most],
        ).fetchall()
    return [head for (head,) in heads]


def erase(data_dir: Path, tenant: str, user: str) -> tuple[float, float, dict]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FEEDBACK_PLATFORM_")}
    env |= {"FEEDBACK_PLATFORM_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(data_dir / "dagster_home")}
    command = [str(BIN / "feedback-platform"), "erase", "--user", user, "--tenant", tenant, "--json"]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE)
    memory = TreePeakRss(child.pid)
    out, _ = child.communicate()
    peak = memory.stop()
    if child.returncode != 0:
        raise SystemExit(f"erase failed with {child.returncode}")
    return time.perf_counter() - started, peak, json.loads(out)


if __name__ == "__main__":
    main()
