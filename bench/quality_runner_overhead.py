"""Prints the cost of one GX suite run (6 expectations) on a 10k-row Polars frame with a nested column.

Run: .venv/bin/python bench/quality_runner_overhead.py
"""

import time
from datetime import datetime, timedelta

import numpy as np
import polars as pl
from great_expectations import expectations as gxe

from feedback_platform.lib.quality import run_suite

ROWS = 10_000
REPEATS = 5


def main() -> None:
    frame = pl.DataFrame(
        {
            "event_id": [f"ev-{i}" for i in range(ROWS)],
            "signal": ["rating", "thumb", "comment", "edit", "copy"] * (ROWS // 5),
            "rating": np.arange(ROWS) % 5 + 1,
            "created_at": [datetime(2026, 1, 2) + timedelta(seconds=i) for i in range(ROWS)],
            "landed_at": [datetime(2026, 1, 2, 1) + timedelta(seconds=i) for i in range(ROWS)],
            "messages": [[{"role": "user", "content": f"question {i}"}] for i in range(ROWS)],
        }
    )
    expectations = [
        gxe.ExpectColumnValuesToBeUnique(column="event_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="event_id"),
        gxe.ExpectColumnValuesToBeInSet(
            column="signal", value_set=["rating", "thumb", "comment", "edit", "copy"]
        ),
        gxe.ExpectColumnValuesToBeBetween(column="rating", min_value=1, max_value=5),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="landed_at", column_B="created_at"),
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
    ]
    started = time.perf_counter()
    run_suite("warm_up", frame.head(10), expectations)
    print(f"first call (creates the GX context): {time.perf_counter() - started:.3f} s")
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        outcome = run_suite("overhead", frame, expectations)
        timings.append(time.perf_counter() - started)
    print(
        f"{ROWS:,} rows x {len(expectations)} expectations: median {sorted(timings)[REPEATS // 2]:.3f} s "
        f"over {REPEATS} runs (success={outcome.success})"
    )


if __name__ == "__main__":
    main()
