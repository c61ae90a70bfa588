"""Peak memory of curation against the length of history.

Takes the `feedback_with_responses` mart of a data folder the nightly benchmark built (realistic text),
replicates it `--scales` times into a scratch warehouse (each copy with its own ids and texts, so no two
rows share a string), and for each dataset kind runs what its curated asset runs, in a child process:
`curate_table` (the mart's text facts read in batches, the selection over them, the curated table written
with its texts joined in DuckDB).
Prints rows, text bytes, seconds and peak RSS per kind and scale, so growth with history is visible.

Usage: python bench/curation_memory.py --source /tmp/nas/run [--scales 1 25 150] [--work DIR]
  (4 days x 1,000 realistic responses hold about 3,700 mart rows; x150 is about 30 days x 20,000.)
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from feedback_platform.lib.datasets.kinds import DATASET_KINDS

MART = "feedback_with_responses"
_UNIQUE_PER_COPY = ["event_id", "response_id", "conversation_id", "user_id", "response_user_id"]

_CURATE_ONE_KIND = """
import sys
from feedback_platform.lib.curation import DEFAULT_RULES_PATH, load_rules
from feedback_platform.lib.curation.selection import curate_table
from feedback_platform.lib.datasets.kinds import DATASET_KINDS
import duckdb
kind = DATASET_KINDS[sys.argv[2]]
with duckdb.connect(sys.argv[1]) as con:
    con.execute("set enable_progress_bar = false")
    rows = curate_table(con, kind.curation, load_rules(DEFAULT_RULES_PATH), target_table=kind.curated_table)
print(rows)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="a data folder holding warehouse.duckdb")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 25, 150])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "curation_memory")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    for scale in args.scales:
        scratch = args.work / f"mart-x{scale}.duckdb"
        rows, text_bytes = scaled_mart(args.source / "warehouse.duckdb", scratch, scale)
        print(f"\nx{scale}: {rows:,} mart rows, {text_bytes / 2**20:,.0f} MiB of text")
        for name in DATASET_KINDS:
            seconds, peak_mib, curated = curate_in_child(scratch, name)
            print(f"  {name:<5} {curated:>9,} rows  {seconds:7.1f} s  peak RSS {peak_mib:8,.0f} MiB")


def scaled_mart(source: Path, scratch: Path, scale: int) -> tuple[int, int]:
    """The source mart `scale` times over, every id and text suffixed with its copy number; built once."""
    with duckdb.connect(str(scratch)) as con:
        built = con.execute(f"select count(*) from duckdb_tables() where table_name = '{MART}'").fetchall()
        if not built[0][0]:
            con.execute(f"attach '{source}' as source (read_only)")
            suffixed = ", ".join(f"{column} || '-' || copy as {column}" for column in _UNIQUE_PER_COPY)
            con.execute(
                f"""create table {MART} as
                select * replace (
                    {suffixed},
                    output || ' ' || copy as output,
                    list_transform(
                        messages, lambda m: struct_pack(role := m.role, content := m.content || ' ' || copy)
                    ) as messages
                ) from source.{MART}, range({scale}) as copies(copy)"""
            )
            con.execute("detach source")
        ((rows, text_bytes),) = con.execute(
            f"""select count(*), sum(
                length(output) + length(coalesce(edit_text, '')) + length(cast(messages as varchar))
                + length(coalesce(cast(retrieved_context as varchar), ''))
            ) from {MART}"""
        ).fetchall()
    return rows, text_bytes


def curate_in_child(scratch: Path, kind: str) -> tuple[float, float, int]:
    """Seconds, peak RSS (MiB) and curated rows of one kind's selection over the scratch mart."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", _CURATE_ONE_KIND, str(scratch), kind], stdout=subprocess.PIPE, text=True
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"curating {kind} on {scratch} failed")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, int(output.strip())


if __name__ == "__main__":
    main()
