"""Erasure end to end on a real, small platform (real DuckDB, dbt, Presidio and Dagster): a user with
canary strings in their messages, comments, edits, another user's comment on them and a quarantined line is
erased, and then no file under the data folder holds a canary or the user id, in its bytes or once decoded;
Dagster's own storage, which an erasure does not rewrite, never held them.
"""

import gzip
import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from feedback_platform.cli.main import main
from feedback_platform.defs.job_names import LANDING_DAY_JOB
from feedback_platform.lib.datasets.publication import latest_version
from feedback_platform.lib.datasets.store import read_dataset_version
from feedback_platform.lib.datasets.training_runs import register_training_run
from feedback_platform.lib.erasure import log
from feedback_platform.lib.erasure.byte_scan import occurrences
from feedback_platform.lib.erasure.run import (
    COMMAND,
    carry_out,
    erase_subject,
    resume_erasures,
    subject_request,
)
from feedback_platform.lib.erasure.subject import Subject
from feedback_platform.local.materialize import materialize_days
from feedback_platform.settings import PlatformSettings
from feedback_platform_tests.conftest import (
    SamplePlatform,
    instance_without_telemetry,
    materialised_sample,
    settings_for,
)
from feedback_platform_tests.planted_user import (
    CANARIES,
    CANARY_COMMENT,
    CANARY_EDIT,
    CANARY_EVAL_PROMPT,
    CANARY_PROMPT,
    CANARY_QUARANTINED,
    EDITED_RESPONSE,
    SMALL_SAMPLE,
    PlantedUser,
    append_lines,
    day_file,
    plant_user,
    planted_user,
)
from feedback_platform_tests.platform_copy import cli_env

LATE_CANARY = "zqxcanary0099"


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> SamplePlatform:
    platform = materialised_sample(tmp_path_factory.mktemp("erasure"), SMALL_SAMPLE, plant_user)
    assert all(outcome.success for outcome in platform.outcomes), platform.outcomes
    return platform


@pytest.fixture
def platform(planted: SamplePlatform, tmp_path: Path) -> PlatformSettings:
    """A private copy of the planted platform's data folder, Dagster's storage included."""
    shutil.copytree(planted.settings.data_dir, tmp_path / "data")
    return settings_for(tmp_path / "data")


# Guards the erasure guarantee's precondition: the Dagster home (`<data dir>/dagster_home`: the SQLite event
# log with asset and check metadata, run logs, compute logs) is the one store the platform cannot rewrite
# row by row, so no asset or check metadata (dataset previews, check samples, quarantine reasons), run log or
# compute log may store a user's message, comment, edit or quarantined line, nor their user id, while the
# warehouse and the dataset files (which an erasure rewrites) do hold them.
def test_the_dagster_home_holds_no_text_or_id_of_a_user(planted: SamplePlatform) -> None:
    data_dir = planted.settings.data_dir
    user = planted_user(planted.settings.landing_dir).user_id
    datasets = "\n".join(path.read_text() for path in (data_dir / "datasets").rglob("data.jsonl"))
    assert all(canary in datasets for canary in (CANARY_PROMPT, CANARY_EDIT, CANARY_EVAL_PROMPT))
    assert CANARY_COMMENT in planted.table_text("redacted_feedback")
    quarantined = planted.table_text("quarantined_rows")
    assert CANARY_QUARANTINED in quarantined and user in quarantined

    assert occurrences(data_dir / "dagster_home", [*CANARIES, user]) == []


def needles(user: PlantedUser) -> list[str]:
    return [*CANARIES, user.user_id]


def cli(settings: PlatformSettings, *args: str) -> object:
    return CliRunner().invoke(main, list(args), env=cli_env(settings))


def other_users_rows(settings: PlatformSettings, table: str, user: PlantedUser) -> pl.DataFrame:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.sql(
            f"select * from {table} where user_id <> $user and response_id <> $response order by all",
            params={"user": user.user_id, "response": EDITED_RESPONSE},
        ).pl()


# Guards the erasure guarantee (issue 15): after `feedback-platform erase`, a scan of every file under the
# data folder (warehouse, landing files, dataset shards, redaction cache, erasure log, Dagster's storage)
# finds no canary and not the user id; the other users' rows and dataset rows are what they were; the
# versions that held the user are withdrawn, refused on export and flagged on the run that trained on them.
def test_erase_leaves_no_byte_of_the_user_and_withdraws_their_versions(platform: PlatformSettings) -> None:
    user = planted_user(platform.landing_dir)
    assert set(occurrences(platform.data_dir, needles(user)))  # planted everywhere before
    sft_before = latest_version(platform.datasets_dir, "sft")
    rows_before = read_dataset_version(platform.datasets_dir, "sft", sft_before)
    register_training_run(platform.training_runs_dir, platform.datasets_dir, "run-1", [f"sft@{sft_before}"])
    others_before = other_users_rows(platform, "raw_responses", user)

    erased = cli(platform, "erase", "--user", user.user_id, "--tenant", user.tenant_id, "--json")

    assert erased.exit_code == 0, erased.output
    record = json.loads(erased.output)
    assert record["status"] == "done"
    assert f"sft@{sft_before}" in record["steps"]["datasets"]["versions_withdrawn"]
    assert occurrences(platform.data_dir, needles(user)) == []
    assert other_users_rows(platform, "raw_responses", user).equals(others_before)
    sft_after = latest_version(platform.datasets_dir, "sft")
    kept = rows_before.filter(~pl.col("response_id").is_in([EDITED_RESPONSE]))
    assert (
        read_dataset_version(platform.datasets_dir, "sft", sft_after)
        .sort("example_id")
        .equals(kept.sort("example_id"))
    )
    export = cli(platform, "datasets", "export", f"sft@{sft_before}", "--format", "jsonl", "--out", "exports")
    assert export.exit_code == 1
    assert f"withdrawn by erasure {record['erasure_id']}" in export.output
    assert f"use sft@{sft_after}" in export.output
    runs = cli(platform, "runs", "list")
    assert f"trained on data later erased: sft@{sft_before} was withdrawn by erasure" in runs.output


# Guards "a re-ingest or a full rebuild never brings the user back": the landing folder keeps tombstones in
# place of the user's lines, so rebuilding everything from it gives the erased tables again, row for row.
def test_a_full_rebuild_after_an_erasure_does_not_bring_the_user_back(
    platform: PlatformSettings, tmp_path: Path
) -> None:
    user = planted_user(platform.landing_dir)
    erase_subject(platform.erasure_places(), Subject(user.tenant_id, user.user_id), "asked", COMMAND)
    erased_tables = _tables(platform, ["raw_responses", "raw_feedback", "raw_consent", "quarantined_rows"])
    rebuilt = settings_for(tmp_path / "rebuilt")
    shutil.copytree(platform.landing_dir, rebuilt.landing_dir)
    instance = instance_without_telemetry(rebuilt.data_dir / "dagster_home")

    outcomes = materialize_days(rebuilt, instance)

    assert all(outcome.success for outcome in outcomes), outcomes
    assert occurrences(rebuilt.data_dir, needles(user)) == []
    rebuilt_tables = _tables(rebuilt, list(erased_tables))
    for table, rows in erased_tables.items():
        assert rebuilt_tables[table].equals(rows), table


# Guards resumability: an erasure that stops half-way (here the landing step cannot write its file) is
# recorded as in progress, never done, and the next run finishes it, bytes included.
def test_an_interrupted_erasure_is_finished_by_the_next_run(platform: PlatformSettings) -> None:
    user = planted_user(platform.landing_dir)
    places = platform.erasure_places()
    landing_file = day_file(platform.landing_dir, "responses")
    obstacle = landing_file.with_name(f".tmp-{landing_file.name}.partial")
    obstacle.mkdir()  # where the landing step writes the rewritten file
    with pytest.raises(IsADirectoryError):
        erase_subject(places, Subject(user.tenant_id, user.user_id), "asked", COMMAND)
    (interrupted,) = [record for record in log.all_records(places.erasure_log) if not record.done]
    assert (interrupted.status, sorted(interrupted.steps)) == ("in progress", ["datasets", "scope"])
    assert occurrences(platform.data_dir, needles(user))  # not gone yet
    obstacle.rmdir()

    (finished,) = resume_erasures(places)

    assert (finished.erasure_id, finished.status) == (interrupted.erasure_id, "done")
    assert occurrences(platform.data_dir, needles(user)) == []


# Guards the consent stream's `erase`: the nightly that ingests the event erases the user, as the command
# does, and records the erasure with the event as its source.
def test_an_erase_consent_event_is_carried_out_by_the_nightly(platform: PlatformSettings) -> None:
    user = planted_user(platform.landing_dir)
    second_day = "2026-11-02"
    event = {"user_id": user.user_id, "tenant_id": user.tenant_id, "created_at": "2026-11-02T09:00:00.000Z"}
    append_lines(day_file(platform.landing_dir, "consent", second_day), [{**event, "action": "erase"}])
    instance = instance_without_telemetry(platform.data_dir / "dagster_home")

    outcomes = materialize_days(platform, instance, [date.fromisoformat(second_day)])

    assert all(outcome.success for outcome in outcomes), outcomes
    subject = Subject(user.tenant_id, user.user_id).sha256
    (record,) = [r for r in log.all_records(platform.erasure_log_dir) if r.subject_sha256 == subject]
    assert (record.status, record.source, record.requested_at) == (
        "done",
        "consent event",
        "2026-11-02T09:00:00.000+00:00",
    )
    assert occurrences(platform.data_dir, needles(user)) == []
    # The erasure rewrote the day's own files after ingesting them; the run recorded the rewritten files,
    # so the same nightly again finds the day unchanged.
    again = materialize_days(platform, instance, [date.fromisoformat(second_day)])
    assert again[0].job == LANDING_DAY_JOB and again[0].unchanged_since is not None, again


def latest_dataset_text(settings: PlatformSettings) -> str:
    """Every row of every dataset's latest version, as JSON text."""
    names = [folder.name for folder in settings.datasets_dir.iterdir() if folder.is_dir()]
    return "".join(
        read_dataset_version(
            settings.datasets_dir, name, latest_version(settings.datasets_dir, name)
        ).write_ndjson()
        for name in names
        if not name.startswith(".")
    )


# Guards the batch window (FEEDBACK_PLATFORM_ERASURE_BATCH_DAYS): an erase event waits, recorded as such,
# while the night's new dataset versions already leave the user out (their consent is withdrawn) and the
# blocking check passes; the nightly of the landing day the window ends on carries it out, bytes included.
def test_consent_erasures_wait_for_their_batch_then_remove_every_byte(platform: PlatformSettings) -> None:
    user = planted_user(platform.landing_dir)
    batched = platform.model_copy(update={"erasure_batch_days": 2})
    event = {"user_id": user.user_id, "tenant_id": user.tenant_id, "created_at": "2026-11-02T09:00:00.000Z"}
    append_lines(day_file(platform.landing_dir, "consent", "2026-11-02"), [{**event, "action": "erase"}])
    instance = instance_without_telemetry(platform.data_dir / "dagster_home")
    subject = Subject(user.tenant_id, user.user_id).sha256
    assert [
        canary for canary in CANARIES if canary in latest_dataset_text(platform)
    ]  # in the datasets before

    waiting_night = materialize_days(batched, instance, [date(2026, 11, 2)])

    assert all(outcome.success for outcome in waiting_night), waiting_night
    (record,) = [r for r in log.all_records(platform.erasure_log_dir) if r.subject_sha256 == subject]
    assert (record.status, record.started_at, record.steps) == ("waiting", None, {})
    assert occurrences(platform.data_dir, needles(user))  # nothing removed yet
    assert not [canary for canary in CANARIES if canary in latest_dataset_text(platform)]

    other = {
        "user_id": "u_someone_else",
        "tenant_id": user.tenant_id,
        "created_at": "2026-11-04T08:00:00.000Z",
    }
    (platform.landing_dir / "consent" / "2026-11-04").mkdir()
    append_lines(
        platform.landing_dir / "consent" / "2026-11-04" / "part-0000.jsonl", [{**other, "action": "opt_in"}]
    )
    due_night = materialize_days(batched, instance, [date(2026, 11, 4)])

    assert all(outcome.success for outcome in due_night), due_night
    (record,) = [r for r in log.all_records(platform.erasure_log_dir) if r.subject_sha256 == subject]
    assert record.status == "done" and record.started_at is not None
    assert occurrences(platform.data_dir, needles(user)) == []


def _tables(settings: PlatformSettings, tables: list[str]) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return {table: con.sql(f"select * from {table} order by all").pl() for table in tables}


# Guards that late data never brings an erased user back: a response of theirs created before the erasure
# that lands afterwards (or a file delivered again) is erased by the nightly that ingests it.
def test_rows_of_an_erased_user_that_land_later_are_erased_by_the_nightly(platform: PlatformSettings) -> None:
    user = planted_user(platform.landing_dir)
    subject = Subject(user.tenant_id, user.user_id)
    earlier = erase_subject(platform.erasure_places(), subject, "asked", COMMAND)
    with gzip.open(day_file(platform.landing_dir, "responses", "2026-11-02"), "rt") as file:
        template = json.loads(file.readline())
    late = {**template, "response_id": "0f0e0d0c-0000-4000-8000-00000000000a", "tenant_id": user.tenant_id,
            "user_id": user.user_id, "output": f"A late answer about {LATE_CANARY}."}  # fmt: skip
    append_lines(day_file(platform.landing_dir, "responses", "2026-11-02"), [late])
    instance = instance_without_telemetry(platform.data_dir / "dagster_home")

    outcomes = materialize_days(platform, instance, [date(2026, 11, 2)])

    assert all(outcome.success for outcome in outcomes), outcomes
    (again,) = [r for r in log.all_records(platform.erasure_log_dir) if r.source.startswith("late data")]
    assert (again.source, again.status) == (f"late data of {earlier.erasure_id}", "done")
    assert again.steps["scope"]["response"] == 1
    assert occurrences(platform.data_dir, [*needles(user), LATE_CANARY]) == []


# Guards what a night with many `erase` events costs: erasures asked together run each step once for all
# (one pass over the datasets, one rewrite of each file), and each record says with whom.
def test_erasures_asked_together_share_each_step(platform: PlatformSettings) -> None:
    user = planted_user(platform.landing_dir)
    with duckdb.connect(str(platform.duckdb_path), read_only=True) as con:
        (other,) = con.execute(
            "select user_id from raw_responses where tenant_id = ? and user_id <> ? order by all limit 1",
            [user.tenant_id, user.user_id],
        ).fetchall()[0]
    places = platform.erasure_places()
    requests = [
        subject_request(places, Subject(user.tenant_id, id_), "asked", COMMAND)
        for id_ in (user.user_id, other)
    ]

    first, second = carry_out(places, requests)

    assert (first.status, second.status) == ("done", "done")
    together = [first.erasure_id, second.erasure_id]
    assert first.steps["datasets"]["erasures_together"] == together
    assert first.steps["warehouse"]["file_bytes"] == second.steps["warehouse"]["file_bytes"]
    assert occurrences(platform.data_dir, [*needles(user), other]) == []
