"""Prints how fast the log contract validates a landing day, per stream (lines/s), and peak memory.

Generates one large sample day with the project's generator, then times `validate_landing_day`.
Run: .venv/bin/python bench/log_validation_throughput.py [--responses-per-day N]
"""

import argparse
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from feedback_platform.lib.logs.validation import STREAMS, validate_landing_day
from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs

DAY = date(2026, 11, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses-per-day", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as landing:
        root = Path(landing)
        generate_sample_logs(
            SampleLogConfig(days=1, responses_per_day=args.responses_per_day, start_date=DAY), root
        )
        for stream in STREAMS:
            started = time.perf_counter()
            batch = validate_landing_day(root, stream, DAY)
            seconds = time.perf_counter() - started
            print(
                f"{stream:<10} {batch.lines_read:>9,} lines  {seconds:6.2f} s  "
                f"{batch.lines_read / seconds:>10,.0f} lines/s  ({batch.quarantined.height} quarantined)"
            )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (whole process, generation included): {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
