"""The analysis layer on a large generated history: what each figure costs, and its peak memory.

Generates `--days` x `--responses-per-day` sample responses (templated text, `--realistic` for unique text)
with a degraded model, validates them with the ingest layer's rules, loads them as the dbt sources (the
text is not redacted: no analysis figure reads it but the comments of the failure themes, and redaction
would only replace values) and builds `feedback_with_responses` and `cohort_daily_counts` with the real dbt
project, once, under `--work`. Then it times, in this process, each analysis step the nightly or a command
runs: cohort quality (day and week), the two rankings, the failure themes, the traffic drift check's query
and tests, one model comparison, the replacement comparisons, the retraining significance test and the
HTML report, and prints the wall time of each and the process's peak RSS.

Usage: python bench/analysis_at_scale.py [--days 30] [--responses-per-day 20000] [--work DIR] [--realistic]
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

from feedback_platform.lib.analysis.cohorts import quality_by_period, rank_uncertain, rank_weakest
from feedback_platform.lib.analysis.comparison import compare_arms
from feedback_platform.lib.analysis.replacements import replacement_comparisons
from feedback_platform.lib.analysis.report import ReportSettings, build_report
from feedback_platform.lib.analysis.retraining import quality_changes_since
from feedback_platform.lib.analysis.settings import (
    CohortRankingSettings,
    ComparisonSettings,
    RetrainingThresholds,
    ThemeSettings,
)
from feedback_platform.lib.analysis.themes import group_into_themes, low_rated_comments
from feedback_platform.lib.analysis.traffic_drift import (
    TrafficDriftSettings,
    traffic_drift,
    traffic_of_the_window,
)
from feedback_platform.lib.logs.validation import landing_dates, validate_landing_day
from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform.lib.sample_logs.config import ModelDegradation

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
SOURCES = {"responses": "redacted_responses", "feedback": "redacted_feedback", "consent": "raw_consent"}


def build(work: Path, days: int, per_day: int, realistic: bool) -> Path:
    database = work / "warehouse.duckdb"
    if database.exists():
        return database
    config = SampleLogConfig(
        days=days, responses_per_day=per_day, seed=7, start_date=date(2026, 11, 1), realistic_text=realistic,
        degradation=ModelDegradation(model="atlas-mini", from_day=days - 3, quality_drop=0.2),
    )  # fmt: skip
    started = time.perf_counter()
    generate_sample_logs(config, work / "landing")
    print(f"generated {days} x {per_day:,} responses in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with duckdb.connect(str(database)) as con:
        for stream, table in SOURCES.items():
            for index, day in enumerate(landing_dates(work / "landing")):
                con.register("day_rows", validate_landing_day(work / "landing", stream, day).rows)
                statement = f"create table {table} as" if index == 0 else f"insert into {table}"
                con.execute(f"{statement} select * from day_rows")
                con.unregister("day_rows")
    print(f"validated and loaded in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    environment = {
        **os.environ,
        "FEEDBACK_PLATFORM_DUCKDB": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "build", "--select", "+cohort_daily_counts",
         "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test", "--target-path",
         str(work / "target"), "--log-path", str(work / "logs"), "--quiet"],
        cwd=DBT_PROJECT, env=environment, check=True,
    )  # fmt: skip
    print(f"dbt build (join and marts) in {time.perf_counter() - started:.1f} s")
    return database


def timed(label: str, step):
    started = time.perf_counter()
    result = step()
    print(f"  {label:<44} {time.perf_counter() - started:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--responses-per-day", type=int, default=20_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/analysis_at_scale"))
    parser.add_argument("--realistic", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    database = build(args.work, args.days, args.responses_per_day, args.realistic)
    with duckdb.connect(str(database), read_only=True) as con:
        counts = timed("read cohort_daily_counts", lambda: con.sql("select * from cohort_daily_counts").pl())
        print(f"  ({counts.height:,} cohort-days, {counts['responses'].sum():,} responses)")
        quality = timed("cohort_quality (day and week)", lambda: quality_by_period(counts))
        timed("weakest_cohorts", lambda: rank_weakest(counts, CohortRankingSettings()))
        timed("uncertain_cohorts", lambda: rank_uncertain(counts, CohortRankingSettings()))
        cases = timed("failure themes: read the cases", lambda: low_rated_comments(con, ThemeSettings()))
        themes, _ = timed(
            f"failure themes: group {cases.height:,} cases", lambda: group_into_themes(cases, ThemeSettings())
        )
        responses = timed(
            "traffic drift: the check's query", lambda: traffic_of_the_window(con, TrafficDriftSettings())
        )
        timed(f"traffic drift: tests on {responses.height:,} responses", lambda: traffic_drift(responses))
        timed(
            "compare atlas-large with nimbus-7b",
            lambda: compare_arms(counts, "model", ("nimbus-7b", "atlas-large")),
        )
        timed("replacement comparisons", lambda: replacement_comparisons(counts, ComparisonSettings()))
        since = counts["response_date"].max()
        timed(
            "retraining significance (per model)",
            lambda: quality_changes_since(counts, since, RetrainingThresholds()),
        )
        page = timed("HTML report", lambda: build_report(con, ReportSettings(), datetime.now(UTC)))
    print(f"cohort_quality rows {quality.height:,}; themes {themes.height}; report {len(page):,} characters")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    pl.Config.set_tbl_rows(20)
    main()
