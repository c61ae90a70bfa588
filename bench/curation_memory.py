"""Peak memory of curation against the length of history.

Takes the `feedback_with_responses` mart of a data folder the nightly benchmark built (realistic text),
replicates it `--scales` times into a scratch warehouse (each copy with its own ids and texts, so no two
rows share a string, and the copies spread over 8 times the source's days: x150 of 4 days of 1,000
responses has about 20,000 a day over 32 days), and runs, each in a child process, what the curate
assets run: `curation_text_facts` from nothing (a first build: every text read), then again over the
unchanged mart (what a nightly pays beyond its new day's texts: the fingerprint scan), then for each
dataset kind `curate_table` (the signals and facts read, the selection over them, the curated table
written with its texts joined in DuckDB), first into an empty table, then again (only changed rows
written: none), and what its staged asset runs: the curated table read a shard
(response date) at a time and written as a dataset version, first into an empty store, then again (the
nightly's case for every day but the new one: each shard recognised as the earlier version's and
verified by its digests).
Prints per step and scale the rows out (facts computed, rows curated, or rows serialised to canonical
JSON), seconds and peak RSS, so growth with history is visible. The children connect as the assets do,
through the `warehouse` resource and its DuckDB memory limit (`FEEDBACK_PLATFORM_DUCKDB_MEMORY_LIMIT`,
default 2GB).

Usage: python bench/curation_memory.py --source /tmp/nas/run [--scales 1 25 150] [--work DIR]
  (4 days x 1,000 realistic responses hold about 3,700 mart rows; x150 is about 30 days x 20,000.)
"""

import argparse
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from feedback_platform.lib.datasets.kinds import DATASET_KINDS

MART = "feedback_with_responses"
_UNIQUE_PER_COPY = ["event_id", "response_id", "conversation_id", "user_id", "response_user_id"]

_DAY_SPREAD = 8
"""Copy ``c`` of the mart is moved ``c % 8`` times the source's span of days later."""
_FACTS_STEP = "facts"
_STAGE_STEP = "stage"
_FIRST = "first"

_CHILD = f"""
import sys
from feedback_platform.lib.curation import DEFAULT_RULES_PATH, load_rules
from feedback_platform.lib.curation.attached_texts import row_digests_table
from feedback_platform.lib.curation.facts_table import refresh_text_facts
from feedback_platform.lib.curation.selection import curate_table
from feedback_platform.lib.datasets.kinds import DATASET_KINDS
from feedback_platform.lib.datasets.store import write_dataset_version
from feedback_platform.lib.warehouse import read_table_parts
from feedback_platform.resources import build_resources
from feedback_platform.settings import PlatformSettings
settings = PlatformSettings.from_environment()
warehouse = build_resources(settings)["warehouse"]
with warehouse.connect() as con:
    con.execute("set enable_progress_bar = false")
    if sys.argv[1] == "{_FACTS_STEP}":
        rows = refresh_text_facts(con).added
    elif sys.argv[1] == "{_STAGE_STEP}":
        kind, name = DATASET_KINDS[sys.argv[2]], sys.argv[3]
        earlier = [p.name for p in (settings.datasets_dir / name).glob("[!.]*") if p.name != "shards"]
        rows = write_dataset_version(
            read_table_parts(con, kind.curated_table, kind.shard_column),
            name=name, datasets_root=settings.datasets_dir, rule_version="bench", inputs={{}},
            key_column=kind.key_column, shard_column=kind.shard_column,
            reuse_shards_of=earlier[0] if earlier else None,
        ).serialised_rows
    else:
        kind = DATASET_KINDS[sys.argv[1]]
        if sys.argv[2:] == ["{_FIRST}"]:
            for table in (kind.curated_table, row_digests_table(kind.curated_table)):
                con.execute(f"drop table if exists {{table}}")
        rules = load_rules(DEFAULT_RULES_PATH)
        rows = curate_table(con, kind.curation, rules, target_table=kind.curated_table).rows_written
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
        # In a process of its own: Linux carries a process's peak RSS across exec, so a parent that grew while
        # building the mart would lend that peak to every child it measures.
        with multiprocessing.get_context("spawn").Pool(1) as builder:
            rows, text_bytes = builder.apply(scaled_mart, (args.source / "warehouse.duckdb", scratch, scale))
        print(f"\nx{scale}: {rows:,} mart rows, {text_bytes / 2**20:,.0f} MiB of text")
        shutil.rmtree(args.work / "datasets", ignore_errors=True)
        steps = [
            ("facts, first build", [_FACTS_STEP]),
            ("facts, unchanged", [_FACTS_STEP]),
            *((f"{name}, {when}", [name, when]) for name in DATASET_KINDS for when in (_FIRST, "again")),
            *(
                (f"stage {name}, {when}", [_STAGE_STEP, name, f"{name}-x{scale}"])
                for name in DATASET_KINDS
                for when in ("first", "again")
            ),
        ]
        for label, step in steps:
            seconds, peak_mib, rows_out = run_in_child(scratch, step)
            print(f"  {label:<18} {rows_out:>9,} rows  {seconds:7.1f} s  peak RSS {peak_mib:8,.0f} MiB")


def scaled_mart(source: Path, scratch: Path, scale: int) -> tuple[int, int]:
    """The source mart `scale` times over, every id and text suffixed with its copy number; built once."""
    with duckdb.connect(str(scratch)) as con:
        built = con.execute(f"select count(*) from duckdb_tables() where table_name = '{MART}'").fetchall()
        if not built[0][0]:
            con.execute(f"attach '{source}' as source (read_only)")
            ((days,),) = con.execute(
                f"select count(distinct cast(response_created_at as date)) from source.{MART}"
            ).fetchall()
            shifted = f"to_days(cast((copy % {_DAY_SPREAD}) * {days} as integer))"
            suffixed = ", ".join(f"{column} || '-' || copy as {column}" for column in _UNIQUE_PER_COPY)
            con.execute(
                f"""create table {MART} as
                select * replace (
                    {suffixed},
                    output || ' ' || copy as output,
                    response_created_at + {shifted} as response_created_at,
                    feedback_created_at + {shifted} as feedback_created_at,
                    list_transform(
                        messages, lambda m: struct_pack(role := m.role, content := m.content || ' ' || copy)
                    ) as messages
                ) from source.{MART}, range({scale}) as copies(copy)"""
            )
            con.execute("detach source")
        con.execute("drop table if exists curation_text_facts")
        ((rows, text_bytes),) = con.execute(
            f"""select count(*), sum(
                length(output) + length(coalesce(edit_text, '')) + length(cast(messages as varchar))
                + length(coalesce(cast(retrieved_context as varchar), ''))
            ) from {MART}"""
        ).fetchall()
    return rows, text_bytes


def run_in_child(scratch: Path, step: list[str]) -> tuple[float, float, int]:
    """Seconds, peak RSS (MiB) and rows out (facts computed, or rows curated) of one step on the scratch."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, *step],
        env=os.environ
        | {"FEEDBACK_PLATFORM_DUCKDB": str(scratch), "FEEDBACK_PLATFORM_DATA_DIR": str(scratch.parent)},
        stdout=subprocess.PIPE,
        text=True,
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"step {step} on {scratch} failed")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, int(output.strip())


if __name__ == "__main__":
    main()
