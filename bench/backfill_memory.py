"""A backfill's peak memory: the same landing days materialised in one landing run, and in the groups of
days `feedback-platform materialize` makes by default (`FEEDBACK_PLATFORM_MAX_LANDING_MIB_PER_RUN`).

Reuses (or generates) the logs of `bench/nightly_at_scale.py` under `--work`, and for each budget runs
`feedback-platform materialize --json` over every landing day on a fresh data folder, in a child process
whose peak RSS is summed with its redaction workers'. Prints per budget: the landing runs made, the wall
time and the peak RSS, with each day's decompressed logs.

Usage: python bench/backfill_memory.py [--days 2] [--responses-per-day 100000] [--templated]
                                       [--work DIR] [--one-run-mib 100000]
"""

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from nightly_at_scale import BIN, cli_env, timed_child

from feedback_platform.lib.logs.landing import landing_day_bytes
from feedback_platform.lib.logs.validation import landing_dates
from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform.settings import DEFAULT_MAX_LANDING_MIB_PER_RUN


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--responses-per-day", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--templated", action="store_true", help="the sample's templated texts")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--one-run-mib", type=int, default=100_000, help="a budget every day fits in")
    args = parser.parse_args()
    config = SampleLogConfig(args.days, args.responses_per_day, args.seed, realistic_text=not args.templated)
    work = args.work or Path(tempfile.gettempdir()) / f"backfill_memory-{args.days}x{args.responses_per_day}"
    landing = work / "landing"
    if not (landing / "generation_summary.json").exists():
        started = time.perf_counter()
        summary = generate_sample_logs(config, landing)
        print(f"generated {landing} in {time.perf_counter() - started:.0f} s: {summary.describe()}")
    days = landing_dates(landing)
    sizes = ", ".join(f"{day} {landing_day_bytes(landing, day) / 2**20:,.0f} MiB" for day in days)
    print(f"{len(days)} landing days, decompressed logs: {sizes}")
    for budget in (args.one_run_mib, DEFAULT_MAX_LANDING_MIB_PER_RUN):
        data_dir = work / "run"
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.copytree(landing, data_dir / "landing")
        env = cli_env(data_dir) | {"FEEDBACK_PLATFORM_MAX_LANDING_MIB_PER_RUN": str(budget)}
        wall_s, peak_mib, outcome = timed_child(
            [str(BIN / "feedback-platform"), "materialize", "--json"], env
        )
        if not outcome.get("success"):
            raise SystemExit(f"the backfill with a budget of {budget} MiB failed: {str(outcome)[:3000]}")
        landing_runs = sum(1 for job in outcome["jobs"] if job["job"] == "landing_day_job")
        print(
            f"budget {budget:>7,} MiB: {landing_runs} landing run(s), {wall_s:6.1f} s wall, "
            f"peak RSS {peak_mib:,.0f} MiB (with the redaction workers)"
        )


if __name__ == "__main__":
    main()
