"""What raw-text retention costs on a long history, and whether it leaves any expired text behind.

Copies the warehouse and landing folder of a materialised data folder (say a history that
`nightly_at_scale.py` built and kept) and collects needles: for up to `--needles` raw texts of landing days
that the window expires, 40 characters around where the raw text first differs from its redaction (so the
needle holds what redaction removed), written as JSON writes them, and found in no text that stays. Then
expires raw text three times in a child process, printing each run's wall time and peak RSS:

1. `--window` days for every tenant: a first run on a long history, catching up many days at once;
2. one day less: what a nightly costs once retention is in force (one more landing day per tenant);
3. the same again: a night with nothing due (no file rewritten).

A scan of every file of the copy (bytes, and decoded: gzip, DuckDB tables) for the needles runs before and
after.

Usage: python bench/retention_at_scale.py --data DIR [--work DIR] [--window DAYS] [--needles N]
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from process_tree_memory import TreePeakRss

from feedback_platform.lib.erasure.byte_scan import occurrences

CHILD = """
import json, sys
from dataclasses import asdict
from pathlib import Path
from feedback_platform.lib.retention.raw_text import expire_raw_text
from feedback_platform.lib.retention.windows import RetentionWindows
work, days = Path(sys.argv[1]), int(sys.argv[2])
outcome = expire_raw_text(work / "warehouse.duckdb", work / "landing", RetentionWindows(default_days=days),
                          memory_limit="2GB")
print(json.dumps(asdict(outcome), default=str))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a materialised data folder (not changed)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "retention_at_scale")
    parser.add_argument("--window", type=int, default=20, help="landing days kept in the first run")
    parser.add_argument("--needles", type=int, default=20)
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    started = time.perf_counter()
    shutil.copy2(args.data / "warehouse.duckdb", args.work / "warehouse.duckdb")
    shutil.copytree(args.data / "landing", args.work / "landing")
    print(f"copied the warehouse and landing folder of {args.data} in {time.perf_counter() - started:.0f} s")
    needles = removed_texts(args.work / "warehouse.duckdb", args.window, args.needles)
    print(f"{len(needles)} needles: raw text that redaction changed, on days the first run expires")
    before = occurrences(args.work, needles)
    print(f"before: {len(before)} (file, needle) hits in {len({hit[0] for hit in before})} files\n")
    for label, window in [
        (f"first run, window {args.window} days", args.window),
        (f"next night, window {args.window - 1} days", args.window - 1),
        ("a night with nothing due", args.window - 1),
    ]:
        wall_s, peak_mib, outcome = expire(args.work, window)
        rows = ", ".join(f"{table} {count:,}" for table, count in outcome["rows_expired"].items()) or "none"
        print(f"{label}: {wall_s:.1f} s wall, peak RSS {peak_mib:,.0f} MiB")
        tenant_days = len(outcome["tenant_days_expired"])
        print(f"  newest landing day {outcome['newest_day']}; {tenant_days} tenant-days")
        print(f"  rows: {rows}; quarantined lines {outcome['quarantined_lines_expired']:,}")
        size_mib = (args.work / "warehouse.duckdb").stat().st_size / 2**20
        print(
            f"  landing: {outcome['landing_lines_rewritten']:,} lines in {outcome['landing_files_rewritten']}"
            f" files; warehouse rewritten: {outcome['warehouse_rewritten']} ({size_mib:,.0f} MiB)"
        )
    after = occurrences(args.work, needles)
    print(f"\nafter: {len(after)} (file, needle) hits")
    for file, needle in after:
        print(f"  {file}: {needle[:20]}...")


def removed_texts(warehouse: Path, window: int, most: int) -> list[str]:
    """Needles from raw outputs and user messages that redaction changed, on days a `window` expires."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (newest,) = con.execute("select max(landing_date) from raw_responses").fetchall()[0]
        pairs = con.execute(
            """
            select r.output, d.output, r.landing_date < ?::date - (? - 1) as expires
            from raw_responses r join redacted_responses d using (response_id, landing_date)
            where r.output <> d.output
            """,
            [newest, window],
        ).fetchall()
    expiring = [around_first_change(raw, redacted) for raw, redacted, expires in pairs if expires]
    staying = [raw for raw, _, expires in pairs if not expires]
    needles = []
    for needle in dict.fromkeys(needle for needle in expiring if needle):
        if len(needles) == most:
            break
        if not any(needle in text for text in staying):
            needles.append(needle)
    return needles


def around_first_change(raw: str, redacted: str) -> str | None:
    """40 characters of `raw` from 10 before where it first differs from `redacted`, if JSON writes them as
    they are (no quote, backslash or non-ASCII character), else None."""
    first = next((i for i, (a, b) in enumerate(zip(raw, redacted, strict=False)) if a != b), None)
    if first is None:
        return None
    needle = raw[max(first - 10, 0) : max(first - 10, 0) + 40]
    plain = len(needle) == 40 and all(32 <= ord(char) < 127 and char not in '"\\' for char in needle)
    return needle if plain else None


def expire(work: Path, window: int) -> tuple[float, float, dict]:
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(work), str(window)], stdout=subprocess.PIPE)
    memory = TreePeakRss(child.pid)
    out, _ = child.communicate()
    peak = memory.stop()
    if child.returncode != 0:
        raise SystemExit(f"retention failed with {child.returncode}")
    return (
        time.perf_counter() - started,
        peak,
        json.loads(out.splitlines()[-1]),
    )  # after DuckDB's progress bar


if __name__ == "__main__":
    main()
