"""Training runs and lineage on a copy of the sample platform: a registered run traces to raw log lines."""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from feedback_platform.cli.main import main
from feedback_platform.lib.datasets.catalog import DatasetNotFoundError
from feedback_platform.lib.datasets.index import list_dataset_versions
from feedback_platform.lib.datasets.store import read_dataset_version, read_manifest
from feedback_platform.lib.datasets.training_runs import (
    TrainingRunExistsError,
    list_training_runs,
    register_training_run,
)
from feedback_platform.settings import PlatformSettings
from feedback_platform_tests.conftest import SamplePlatform
from feedback_platform_tests.platform_copy import cli_env, copy_platform


@pytest.fixture
def platform(sample_platform: SamplePlatform, tmp_path: Path) -> PlatformSettings:
    return copy_platform(sample_platform, tmp_path / "data")


def run(settings: PlatformSettings, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=cli_env(settings))


def pinned(settings: PlatformSettings, name: str) -> str:
    (version,) = list_dataset_versions(settings.datasets_dir, name).get_column("version")
    return f"{name}@{version}"


def landing_line(path: Path, number: int) -> dict:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for current, line in enumerate(lines, start=1):
            if current == number:
                return json.loads(line)
    raise AssertionError(f"{path} has no line {number}")


# Guards `runs register` / `runs list`: a run records each pinned version with its content hash.
def test_register_and_list_runs(platform: PlatformSettings) -> None:
    sft, dpo = pinned(platform, "sft"), pinned(platform, "dpo")
    result = run(
        platform, "runs", "register", "sft-2026-11", "--dataset", sft, "--dataset", dpo, "--model", "m1"
    )
    assert result.exit_code == 0, result.output
    assert f"Registered training run sft-2026-11: {sft}" in result.output

    listed = json.loads(run(platform, "runs", "list", "--json").output)
    assert [entry["name"] for entry in listed] == ["sft-2026-11"]
    (sft_pin, dpo_pin) = listed[0]["datasets"]
    assert (
        f"{sft_pin['name']}@{sft_pin['version']}" == sft and f"{dpo_pin['name']}@{dpo_pin['version']}" == dpo
    )
    assert sft_pin["content_hash"].startswith(sft_pin["version"])
    assert listed[0]["model"] == "m1"
    assert "sft-2026-11" in run(platform, "runs", "list").output


# Guards the registry's append-only rule and its validation: no overwrite, no unknown or unpinned versions.
def test_runs_are_never_replaced_and_need_existing_pinned_versions(platform: PlatformSettings) -> None:
    runs_dir = platform.training_runs_dir
    sft = pinned(platform, "sft")
    register_training_run(runs_dir, platform.datasets_dir, "r1", [sft], notes="first")
    stored = (runs_dir / "r1.json").read_bytes()
    with pytest.raises(TrainingRunExistsError):
        register_training_run(runs_dir, platform.datasets_dir, "r1", [sft], notes="second")
    assert (runs_dir / "r1.json").read_bytes() == stored

    with pytest.raises(DatasetNotFoundError, match="has no version '0123456789abcdef'"):
        register_training_run(runs_dir, platform.datasets_dir, "r2", ["sft@0123456789abcdef"])
    again = run(platform, "runs", "register", "r1", "--dataset", sft)
    assert again.exit_code == 1 and "already registered" in again.output
    unpinned = run(platform, "runs", "register", "r3", "--dataset", "sft")
    assert unpinned.exit_code == 2 and "names no version" in unpinned.output
    unknown = run(platform, "runs", "register", "r4", "--dataset", "nosuch@0123456789abcdef")
    assert unknown.exit_code == 1 and "no dataset 'nosuch'" in unknown.output
    assert [stored_run.name for stored_run in list_training_runs(runs_dir)] == ["r1"]


# Guards the acceptance test: a trace from a registered run reaches the raw log line of every
# feedback event (and every response) behind its rows; each line is opened and must hold that id.
def test_trace_from_a_run_reaches_the_raw_line_of_every_feedback_event(platform: PlatformSettings) -> None:
    versions = [pinned(platform, name) for name in ("eval", "sft", "dpo")]
    register_training_run(platform.training_runs_dir, platform.datasets_dir, "audit", versions)
    result = run(platform, "lineage", "trace", "audit", "--json", "--all")
    assert result.exit_code == 0, result.output
    trace = json.loads(result.output)
    assert trace["target_kind"] == "run" and [d["name"] for d in trace["datasets"]] == ["eval", "sft", "dpo"]
    assert trace["summary"]["feedback_events_without_raw_line"] == 0

    checked_events = 0
    for dataset in trace["datasets"]:
        stored = read_dataset_version(platform.datasets_dir, dataset["name"], dataset["version"])
        key = read_manifest(platform.datasets_dir, dataset["name"], dataset["version"])["key_column"]
        expected_events = dict(stored.select(key, "feedback_event_ids").iter_rows())
        assert dataset["rows_traced"] == dataset["rows_shown"] == stored.height
        for row in dataset["rows"]:
            assert row["unplaced_feedback_events"] == []
            traced = [event for response in row["responses"] for event in response["feedback_events"]]
            assert sorted(event["event_id"] for event in traced) == sorted(expected_events[row["row_id"]])
            for event in traced:
                assert event["sources"], event
                for source in event["sources"]:
                    assert Path(source["path"]) == platform.landing_dir / source["source_file"]
                    assert source["source_file"].startswith(f"feedback/{source['landing_date']}/")
                    assert (
                        landing_line(Path(source["path"]), source["source_line"])["event_id"]
                        == event["event_id"]
                    )
                checked_events += 1
            for response in row["responses"]:
                (source,) = response["sources"]
                assert (
                    landing_line(Path(source["path"]), source["source_line"])["response_id"]
                    == response["response_id"]
                )
    assert checked_events >= trace["summary"]["feedback_events"] > 0
    assert any(
        source["source_file"].endswith(".gz")
        for d in trace["datasets"]
        for r in d["rows"]
        for resp in r["responses"]
        for source in resp["sources"]
    )


# Guards the other two targets (NAME@VERSION and a row id) and the readable, truncated tree.
def test_trace_a_version_or_a_row_as_a_tree(platform: PlatformSettings) -> None:
    sft = pinned(platform, "sft")
    text = run(platform, "lineage", "trace", sft, "--limit", "2")
    assert text.exit_code == 0, text.output
    rows = read_dataset_version(platform.datasets_dir, "sft", sft.split("@")[1])
    assert text.output.startswith(f"dataset version {sft}\n")
    assert f"{sft} (sft): {rows.height} rows, first 2 shown (--limit N or --all for more)" in text.output
    assert text.output.count("── row ") == 2

    row_id = rows.get_column("example_id")[0]
    result = run(platform, "lineage", "trace", row_id, "--json")
    assert result.exit_code == 0, result.output
    trace = json.loads(result.output)
    assert trace["target_kind"] == "row" and trace["summary"]["rows"] == 1
    ((row,),) = [dataset["rows"] for dataset in trace["datasets"]]
    assert (
        row["row_id"] == row_id and row["admitted_by"]["reasons"] == rows.get_column("reasons")[0].to_list()
    )
    event = row["responses"][0]["feedback_events"][0]
    source = event["sources"][0]
    tree = run(platform, "lineage", "trace", row_id).output
    assert (
        f"feedback {event['event_id']} {event['signal']}  {source['source_file']}:{source['source_line']}"
        in tree
    )


# Guards clear errors: an unknown target, and a warehouse locked by another (writing) process.
def test_trace_errors_are_clear(platform: PlatformSettings) -> None:
    unknown = run(platform, "lineage", "trace", "no-such-run")
    assert unknown.exit_code == 1
    assert "'no-such-run' is not a registered training run, a NAME@VERSION, or a row id" in unknown.output
    assert "has no version 'ffff'" in run(platform, "lineage", "trace", "sft@ffff").output

    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('locked', flush=True);"
            " sys.stdin.read()",
            str(platform.duckdb_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "locked"
        locked = run(platform, "lineage", "trace", pinned(platform, "sft"))
    finally:
        writer.communicate("")
    assert locked.exit_code == 1
    assert f"the warehouse {platform.duckdb_path} is locked by another process" in locked.output
