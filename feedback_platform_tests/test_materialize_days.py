"""`feedback-platform materialize --day/--from/--to/--json` and the partitions' first day, on real runs."""

import gzip
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner

from feedback_platform.cli.main import main
from feedback_platform.lib.logs.landing import landing_day_bytes
from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform.local.materialize import (
    check_days_partitioned,
    execute_in_own_process,
    landing_runs,
    partition_tags,
    select_days,
)
from feedback_platform.settings import PARTITION_START_VARIABLE, PlatformSettings
from feedback_platform_tests.conftest import SAMPLE, SamplePlatform, instance_without_telemetry

FIRST, SECOND, THIRD = (SAMPLE.day(index) for index in range(3))


# Guards day selection: one day, a calendar range (gaps included, as a backfill runs them) or every day.
def test_select_days_resolves_a_day_a_range_or_every_landing_day(sample_platform: SamplePlatform) -> None:
    settings = sample_platform.settings
    assert select_days(settings) == [FIRST, SECOND, THIRD]
    assert select_days(settings, day=SECOND) == [SECOND]
    assert select_days(settings, first=SECOND) == [SECOND, THIRD]
    assert select_days(settings, last=FIRST) == [FIRST]
    assert select_days(settings, first=date(2026, 10, 30), last=FIRST) == [
        date(2026, 10, 30),
        date(2026, 10, 31),
        FIRST,
    ]


# Guards clear errors for days that cannot run: no logs, a reversed range, a range without logs.
def test_select_days_names_what_is_missing(sample_platform: SamplePlatform) -> None:
    settings = sample_platform.settings
    with pytest.raises(FileNotFoundError, match=f"no logs for 2026-10-01 under {settings.landing_dir}"):
        select_days(settings, day=date(2026, 10, 1))
    with pytest.raises(ValueError, match=f"--from {THIRD} is after --to {FIRST}"):
        select_days(settings, first=THIRD, last=FIRST)
    with pytest.raises(FileNotFoundError, match="no logs from 2026-10-01 to 2026-10-05"):
        select_days(settings, first=date(2026, 10, 1), last=date(2026, 10, 5))


# Guards the partition bounds: a day before the first partition names the setting that moves it; a day
# not yet over has no partition.
def test_days_outside_the_partitions_name_the_setting() -> None:
    partitions = dg.DailyPartitionsDefinition(start_date="2026-11-01")
    check_days_partitioned([date(2026, 11, 1), date(2026, 11, 2)], partitions)
    with pytest.raises(
        ValueError,
        match=f"before the first daily partition, 2026-11-01: set {PARTITION_START_VARIABLE}=2026-10-31",
    ):
        check_days_partitioned([date(2026, 10, 31)], partitions)
    with pytest.raises(ValueError, match="has no partition yet"):
        check_days_partitioned([date(2999, 1, 1)], partitions)


# Guards the run tags: one day runs as its schedule tick does, several as one single-run backfill.
def test_partition_tags_match_a_schedule_tick_or_a_backfill() -> None:
    assert partition_tags([FIRST]) == {"dagster/partition": str(FIRST)}
    assert partition_tags([FIRST, THIRD]) == {
        "dagster/asset_partition_range_start": str(FIRST),
        "dagster/asset_partition_range_end": str(THIRD),
    }


# Guards the grouping of a backfill into runs: consecutive days up to the budget share a run, a day over it
# runs alone, and a day without logs costs nothing.
def test_landing_runs_group_consecutive_days_up_to_the_budget() -> None:
    days = [date(2026, 11, day) for day in range(1, 7)]
    sizes = dict(zip(days, [40, 50, 0, 200, 30, 30], strict=True))
    assert landing_runs(days, sizes, max_bytes=100) == [days[:3], [days[3]], days[4:]]
    assert landing_runs(days, sizes, max_bytes=1_000) == [days]
    assert landing_runs([], sizes, max_bytes=100) == []


# Guards the size a day's logs are grouped by: decompressed, over every stream, read from a gzip trailer.
def test_landing_day_bytes_count_decompressed_logs(tmp_path: Path) -> None:
    day = date(2026, 11, 1)
    lines = b"".join(b'{"response_id": "r%d", "output": "%s"}\n' % (n, b"x" * n) for n in range(500))
    (tmp_path / "responses" / str(day)).mkdir(parents=True)
    (tmp_path / "feedback" / str(day)).mkdir(parents=True)
    with gzip.open(tmp_path / "responses" / str(day) / "part-0.jsonl.gz", "wb") as file:
        file.write(lines)
    (tmp_path / "feedback" / str(day) / "part-0.jsonl").write_bytes(lines[:1000])
    assert landing_day_bytes(tmp_path, day) == len(lines) + 1000
    assert landing_day_bytes(tmp_path, date(2026, 11, 2)) == 0


# Guards a run in a process of its own (a backfill's groups): when that process dies before the run ends
# (here: the job does not exist, so it fails before executing), the outcome is a failed run naming its exit
# code, not a hang or an exception in `materialize`.
def test_a_run_whose_process_dies_is_reported_failed(sample_platform: SamplePlatform, tmp_path: Path) -> None:
    with instance_without_telemetry(tmp_path / "home") as instance:
        outcome = execute_in_own_process(sample_platform.settings, "no_such_job", instance, {}, {})
    assert not outcome.success
    assert outcome.problems == ["no_such_job: its process exited (code 1) before the run ended"]


# Guards the setting's parsing: a value that is not a date is an error naming the variable.
def test_partition_start_setting_is_a_date() -> None:
    environ = {PARTITION_START_VARIABLE: "2025-12-01"}
    assert PlatformSettings.from_environment(environ).first_partition_day() == date(2025, 12, 1)
    with pytest.raises(ValueError, match=f"{PARTITION_START_VARIABLE}='yesterday' is not a date"):
        PlatformSettings.from_environment({PARTITION_START_VARIABLE: "yesterday"})


# Guards re-running a day: the same command as its first run, through the nightly jobs; an unchanged day
# publishes no new dataset version, traces no version's lineage again and analyses no text again (the
# redaction cache holds them), reports the outcome as JSON and its progress (rows per asset, the day) on
# stderr.
def test_rerunning_an_unchanged_day_publishes_nothing_new(
    platform_copy: PlatformSettings, tmp_path: Path
) -> None:
    env = {"FEEDBACK_PLATFORM_DATA_DIR": str(platform_copy.data_dir), "DAGSTER_HOME": str(tmp_path / "home")}
    result = CliRunner().invoke(main, ["materialize", "--day", str(SECOND), "--json"], env=env)
    assert result.exit_code == 0, result.output + result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["days"] == [str(SECOND)]
    assert outcome["success"] is True
    assert [job["job"] for job in outcome["jobs"]] == ["landing_day_job", "datasets_job"]
    published = outcome["jobs"][1]["published"]
    assert {version["dataset"] for version in published} == {"dpo", "eval", "kto", "sft"}
    assert not any(version["new"] for version in published)
    assert outcome["tables"]["raw_responses"] > 0
    assert "landing_day_job: ingest and redact" in result.stderr
    assert re.search(r"redacted_responses: [\d,]+ rows over 1 day in [\d.]+ s", result.stderr), result.stderr
    assert re.search(r"dataset_row_lineage: [\d,]+ rows in", result.stderr)
    with dg.DagsterInstance.from_config(str(tmp_path / "home")) as instance:
        lineage = instance.get_latest_materialization_event(dg.AssetKey("dataset_row_lineage"))
        redacted = instance.get_latest_materialization_event(dg.AssetKey("redacted_responses"))
    assert lineage.asset_materialization.metadata["versions_traced"].value == []
    redaction = {key: value.value for key, value in redacted.asset_materialization.metadata.items()}
    assert redaction["texts_from_cache"] == redaction["texts_distinct"] > 0  # the day's texts, redacted once
    assert redaction["texts_analysed"] == redaction["texts_analysed_by_workers"] == 0


# Guards the partitions' first day in a fresh process: by default the earliest landing day, so logs from
# any date load (the definitions are read, not run: a run would only repeat the pipeline tests); a later
# setting refuses the older day with an error naming the setting.
def test_first_partition_is_the_earliest_landing_day_unless_set(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    generate_sample_logs(
        SampleLogConfig(days=1, responses_per_day=20, seed=5, start_date=date(2025, 3, 1)),
        data_dir / "landing",
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("FEEDBACK_PLATFORM_")}
    env |= {"FEEDBACK_PLATFORM_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(tmp_path / "home")}

    first_key = (
        "from feedback_platform.defs.partitions import daily_landing_partitions as partitions;"
        " print(partitions.get_first_partition_key())"
    )
    loaded = subprocess.run([sys.executable, "-c", first_key], env=env, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == ["2025-03-01"]

    command = [str(Path(sys.executable).with_name("feedback-platform")), "materialize", "--day", "2025-03-01"]
    refused = subprocess.run(
        command, env=env | {PARTITION_START_VARIABLE: "2025-03-02"}, capture_output=True, text=True
    )
    assert refused.returncode == 1
    expected = "landing day 2025-03-01 is before the first daily partition, 2025-03-02: set"
    assert f"{expected} {PARTITION_START_VARIABLE}=2025-03-01" in refused.stderr
