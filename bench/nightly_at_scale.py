"""The nightly at production volume: what one new day costs after a short and after a long history.

Generates `--days` days x `--responses-per-day` responses of realistic text (unique user turns and outputs,
`generate --realistic-text`; `--templated` for the sample's templates, to measure what is not NER) once
under `--work`, and for each of two nightlies, the one for day `--compare-day` and the one for day `--days`:

- builds the history before that day once (every earlier landing day in one backfill run, then the
  datasets; with `--nightly-history` one nightly per day, so dataset versions accumulate as they do in
  production) and keeps it under `--work` for later runs of the benchmark;
- on a fresh copy of the history with the new day landed, runs the nightly exactly as `feedback-platform
  materialize --day D` runs it (the schedules' jobs, in-process), in a child process whose peak RSS,
  summed with its redaction workers', is measured; then the same command again, as a re-run of a day
  that has not changed;
- with `--scheduled`, on another fresh copy, the same day through `dagster job execute` (the path the
  daemon's runs and the UI take, with the jobs' own executor);
- every run, history builds included, uses the same data folder (`<work>/run`; a history is moved aside
  once built and copied back), as a production warehouse stays where it is: dbt keeps its parse state
  only while the profile is unchanged, and the profile names the DuckDB file's path, so a nightly on a
  copy at another path parsed the whole dbt project again (4 s at 100,000 responses a day);
- the spaCy `nlp.pipe` floor on the day's distinct free texts: the engine's NER pipeline on both cores.

Prints per stage (ingest, redact, join, curate, datasets: the summed step times of the stage's assets, and
apart those of its checks, from the Dagster instance) the wall time and rows/s, the peak RSS, and the
ratios of the targets; "redaction" in the ratios is the two assets that run the PII engine alone (the redact
group's erasures, retention and audit are "redact other", and the checks count as the rest).

Usage: python bench/nightly_at_scale.py [--days 30] [--responses-per-day 20000] [--compare-day 2]
                                        [--seed 7] [--work DIR] [--scheduled] [--templated]
                                        [--nightly-history] [--erasure-batch-days N]
"""

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
from pii_throughput import count_words, day_texts, pipe_floor
from process_tree_memory import TreePeakRss

from feedback_platform.definitions import build_definitions
from feedback_platform.defs.job_names import DATASETS_JOB, LANDING_DAY_JOB
from feedback_platform.lib.pii import RedactorConfig
from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform.local.materialize import partition_tags
from feedback_platform.settings import PlatformSettings

BIN = Path(sys.executable).parent
STAGES = ("ingest", "redact", "redact other", "join", "curate", "datasets")
NER_ASSETS = frozenset({"redacted_responses", "redacted_feedback"})
"""The redact group's assets that run the PII engine: the "redact" stage. The group's others (consent
erasures, raw-text retention, the redaction audit) are "redact other", so the ratio to the `nlp.pipe` floor
compares redaction with NER alone."""


@dataclass(frozen=True)
class Nightly:
    day: date
    history_days: int
    wall_s: float
    peak_rss_mib: float
    stage_s: dict[str, float]
    day_lines: int
    """Response and feedback lines that landed on the day."""
    rerun_s: float
    scheduled_s: float | None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--responses-per-day", type=int, default=20_000)
    parser.add_argument("--compare-day", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--scheduled", action="store_true", help="also time the scheduled path")
    parser.add_argument(
        "--nightly-history",
        action="store_true",
        help="build the history one nightly per day (versions accumulate as in production), not one backfill",
    )
    parser.add_argument(
        "--erasure-batch-days",
        type=int,
        default=0,
        help="FEEDBACK_PLATFORM_ERASURE_BATCH_DAYS of the nightlies (a reused history stays as it was built)",
    )
    parser.add_argument(
        "--templated",
        action="store_true",
        help="the sample's templated texts instead of realistic ones: NER is cheap, the rest is measured",
    )
    args = parser.parse_args()
    SETTINGS_ENV["FEEDBACK_PLATFORM_ERASURE_BATCH_DAYS"] = str(args.erasure_batch_days)
    config = SampleLogConfig(args.days, args.responses_per_day, args.seed, realistic_text=not args.templated)
    text = "templated" if args.templated else "realistic"
    work = args.work or Path(tempfile.gettempdir()) / (
        f"nightly_at_scale-{args.days}x{args.responses_per_day}-seed{args.seed}-{text}"
    )
    landing = work / "landing"
    if not (landing / "generation_summary.json").exists():
        started = time.perf_counter()
        summary = generate_sample_logs(config, landing)
        print(f"generated {landing} in {time.perf_counter() - started:.0f} s: {summary.describe()}")
    else:
        print(f"reusing the logs under {landing}")

    nightlies = [
        nightly(work, landing, config, number, args.scheduled, args.nightly_history)
        for number in (args.compare_day, args.days)
    ]
    for result in nightlies:
        report(result)
    print_ratios(nightlies, floor_for(landing, config.day(args.days - 1)))


def nightly(
    work: Path, landing: Path, config: SampleLogConfig, number: int, scheduled: bool, nightly_history: bool
) -> Nightly:
    """The nightly for day `number` (1-based) on top of the days before it."""
    day = config.day(number - 1)
    history = build_history(work, landing, config, number - 1, nightly_history)
    run_dir = fresh_copy(history, work / RUN_DIR, landing, day)
    command = [str(BIN / "feedback-platform"), "materialize", "--day", str(day), "--json"]
    wall_s, peak_rss_mib, outcome = timed_child(command, cli_env(run_dir))
    if not outcome["success"]:
        raise SystemExit(f"the nightly for {day} failed: {json.dumps(outcome['jobs'], indent=2)[:3000]}")
    stage_s = stage_seconds(run_dir)
    rerun_s, _, _ = timed_child(command, cli_env(run_dir))
    scheduled_s = None
    if scheduled:
        scheduled_s = scheduled_path(fresh_copy(history, work / RUN_DIR, landing, day), day)
    lines = landed_lines(landing, day)
    return Nightly(day, number - 1, wall_s, peak_rss_mib, stage_s, lines, rerun_s, scheduled_s)


def build_history(work: Path, landing: Path, config: SampleLogConfig, days: int, nightly: bool) -> Path:
    """A data directory with the first `days` landing days materialised, built once and kept: in one
    backfill run, or with `nightly` one `materialize --day` per day, as the schedules would have built it."""
    history = work / f"history-{days}{'-nightly' if nightly else ''}"
    if (history / "done").exists():
        return history
    shutil.rmtree(history, ignore_errors=True)
    build_dir = work / RUN_DIR
    shutil.rmtree(build_dir, ignore_errors=True)
    commands = []
    for index in range(days):
        copy_day(landing, build_dir / "landing", config.day(index))
        if nightly:
            commands.append(["materialize", "--day", str(config.day(index)), "--json"])
    commands = commands or [["materialize", "--json"]]
    wall_s, rss = 0.0, 0.0
    for command in commands:
        seconds, command_rss, outcome = timed_child(
            [str(BIN / "feedback-platform"), *command], cli_env(build_dir)
        )
        if not outcome["success"]:
            raise SystemExit(f"building the history of {days} days failed at {command}: {outcome}")
        wall_s, rss = wall_s + seconds, max(rss, command_rss)
    print(f"history of {days} days built in {wall_s:.0f} s (peak RSS {rss:,.0f} MiB)")
    build_dir.rename(history)
    (history / "done").touch()
    return history


RUN_DIR = "run"
"""The data folder under `--work` that every history build and nightly runs in (see the module's doc)."""


def fresh_copy(history: Path, destination: Path, landing: Path, day: date) -> Path:
    shutil.rmtree(destination, ignore_errors=True)
    shutil.copytree(history, destination, ignore=shutil.ignore_patterns("done"))
    copy_day(landing, destination / "landing", day)
    return destination


def copy_day(landing: Path, destination: Path, day: date) -> None:
    for stream_day in landing.glob(f"*/{day}"):
        shutil.copytree(stream_day, destination / stream_day.parent.name / day.isoformat())


def landed_lines(landing: Path, day: date) -> int:
    """Response and feedback lines in the day's folders."""
    lines = 0
    for stream in ("responses", "feedback"):
        for path in (landing / stream / str(day)).iterdir():
            with gzip.open(path) if path.suffix == ".gz" else path.open("rb") as file:
                lines += sum(1 for _ in file)
    return lines


SETTINGS_ENV: dict[str, str] = {}
"""The platform settings the benchmark's options set (once, in `main`); no other FEEDBACK_PLATFORM_ variable
of the caller's environment reaches the runs."""


def cli_env(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FEEDBACK_PLATFORM_")}
    return (
        env
        | SETTINGS_ENV
        | {
            "FEEDBACK_PLATFORM_DATA_DIR": str(data_dir),
            "DAGSTER_HOME": str(data_dir / "dagster_home"),
            "DAGSTER_DISABLE_TELEMETRY": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )


def timed_child(command: list[str], env: dict[str, str]) -> tuple[float, float, dict]:
    """Wall seconds, peak RSS (MiB, the child and its worker processes together) and the JSON it printed."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.DEVNULL)
        memory = TreePeakRss(child.pid)
        _, status, usage = os.wait4(child.pid, 0)
        peak_mib = max(memory.stop(), usage.ru_maxrss / 1024)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall_s = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode()
    try:
        outcome = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError:
        outcome = {"success": False, "jobs": text[-2000:]}
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited with {child.returncode}")
    return wall_s, peak_mib, outcome


def scheduled_path(data_dir: Path, day: date) -> float:
    """Seconds for the day's two jobs through `dagster job execute`, as a launched run executes them."""
    env = cli_env(data_dir)
    base = [str(BIN / "dagster"), "job", "execute", "-m", "feedback_platform.definitions"]
    started = time.perf_counter()
    for job, tags in ((LANDING_DAY_JOB, partition_tags([day])), (DATASETS_JOB, {})):
        subprocess.run(
            [*base, "-j", job, "--tags", json.dumps(tags)], env=env, check=True, capture_output=True
        )
    return time.perf_counter() - started


def stage_seconds(data_dir: Path) -> dict[str, float]:
    """Summed step durations per stage in the instance's last two runs (the nightly's two jobs)."""
    settings = PlatformSettings.from_environment(cli_env(data_dir))
    group_of = step_groups(build_definitions(settings))
    totals: dict[str, float] = defaultdict(float)
    with dg.DagsterInstance.from_config(str(data_dir / "dagster_home")) as instance:
        for run in instance.get_runs(limit=2):
            for step in instance.get_run_step_stats(run.run_id):
                if step.start_time and step.end_time:
                    totals[group_of.get(step.step_key, "other")] += step.end_time - step.start_time
    return dict(totals)


def step_groups(defs: dg.Definitions) -> dict[str, str]:
    """Step key -> the asset group of the asset it materialises, or "<group> checks" for a check step (a
    check inside its asset's step counts with the asset), so redaction is timed apart from its audits."""
    asset_graph = defs.resolve_asset_graph()
    groups = {}
    for key in asset_graph.get_all_asset_keys():
        node = asset_graph.get(key)
        if node.is_materializable:
            name = node.assets_def.node_def.name
            other = node.group_name == "redact" and name not in NER_ASSETS
            groups[name] = "redact other" if other else node.group_name
    for check_key in asset_graph.asset_check_keys:
        checks_def = asset_graph.assets_def_for_key(check_key)
        group = asset_graph.get(check_key.asset_key).group_name
        groups.setdefault(checks_def.node_def.name, f"{group} checks")
    return groups


def floor_for(landing: Path, day: date) -> tuple[int, int, float]:
    """Distinct free texts of the day, their words, and the seconds of `nlp.pipe` on both cores."""
    texts = sorted({text for path in sorted(landing.glob(f"*/{day}")) for text in day_texts(path)})
    seconds = pipe_floor(texts, RedactorConfig().spacy_model, RedactorConfig().batch_size, processes=2)
    return len(texts), count_words(texts), seconds


def report(result: Nightly) -> None:
    print(
        f"\nnightly for {result.day} ({result.history_days} days of history): {result.wall_s:.1f} s wall, "
        f"peak RSS {result.peak_rss_mib:,.0f} MiB; re-run unchanged {result.rerun_s:.1f} s"
        + (f"; scheduled path {result.scheduled_s:.1f} s" if result.scheduled_s is not None else "")
    )
    for stage in (*(name for group in STAGES for name in (group, f"{group} checks")), "other"):
        seconds = result.stage_s.get(stage)
        if seconds:
            print(f"  {stage:<16} {seconds:8.1f} s  {result.day_lines / seconds:>9,.0f} of the day's lines/s")


def print_ratios(nightlies: list[Nightly], floor: tuple[int, int, float]) -> None:
    short, long = nightlies
    texts, words, floor_s = floor
    print(
        f"\nfloor: spaCy nlp.pipe on {texts:,} distinct texts of {long.day} ({words:,} words), 2 processes: "
        f"{floor_s:.1f} s, {words / floor_s:,.0f} words/s"
    )
    redact_s = long.stage_s.get("redact", 0.0)
    print("targets:")
    growth = long.wall_s / short.wall_s
    days = f"day {long.history_days + 1} / day {short.history_days + 1}"
    print(f"  nightly {days}: {growth:.2f}x (target <= 1.2x)")
    print(f"  redaction / nlp.pipe floor: {redact_s / floor_s:.2f}x (target <= 1.3x)")
    print(
        f"  everything except redaction: {long.wall_s - redact_s:.1f} s (target <= 60 s at 100,000 responses)"
    )
    print(f"  re-run of an unchanged day: {long.rerun_s / long.wall_s:.1%} of its first run (target <= 5%)")
    print(f"  peak RSS: {max(n.peak_rss_mib for n in nightlies):,.0f} MiB (target <= 4,096 MiB)")
    if long.scheduled_s is not None:
        print(f"  scheduled path / in-process: {long.scheduled_s / long.wall_s:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
