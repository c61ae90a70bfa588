"""The dbt project built for real (dbt-duckdb on a DuckDB file in tmp_path) over small fixture tables.

The fixture tables and the shared `dbt_build` fixture are in conftest.py beside this file; the comments
there say what each fixture row is for.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pytest

if TYPE_CHECKING:
    from conftest import DbtRun

SAME_DATA = "* exclude (built_at)"
"""A mart's columns but its build stamp, which says when the row was built, not what it holds."""

MODELS = [
    "stg_feedback__responses",
    "stg_feedback__events",
    "stg_feedback__consent_events",
    "int_users_consent_latest",
    "int_consent_changes",
    "int_feedback_events_joined_to_responses",
    "feedback_with_responses",
    "response_signals",
    "daily_quality",
    "cohort_daily_counts",
    "daily_feedback_distribution",
]

FEEDBACK_WITH_RESPONSES_SCHEMA = [
    ("event_id", "VARCHAR"),
    ("response_id", "VARCHAR"),
    ("conversation_id", "VARCHAR"),
    ("tenant_id", "VARCHAR"),
    ("user_id", "VARCHAR"),
    ("response_user_id", "VARCHAR"),
    ("feedback_created_at", "TIMESTAMP"),
    ("response_created_at", "TIMESTAMP"),
    ("signal", "VARCHAR"),
    ("thumb", "VARCHAR"),
    ("rating", "INTEGER"),
    ("comment_text", "VARCHAR"),
    ("edit_text", "VARCHAR"),
    ("dwell_seconds", "DOUBLE"),
    ("reformulated_query", "VARCHAR"),
    ("outcome_name", "VARCHAR"),
    ("outcome_succeeded", "BOOLEAN"),
    ("outcome_value", "DOUBLE"),
    ("client", "VARCHAR"),
    ("is_late", "BOOLEAN"),
    ("messages", 'STRUCT("role" VARCHAR, "content" VARCHAR)[]'),
    ("retrieved_context", 'STRUCT(doc_id VARCHAR, "text" VARCHAR, score DOUBLE)[]'),
    ("output", "VARCHAR"),
    ("model", "VARCHAR"),
    ("model_version", "VARCHAR"),
    ("prompt_version", "VARCHAR"),
    ("feature", "VARCHAR"),
    ("language", "VARCHAR"),
    ("training_allowed", "BOOLEAN"),
    ("author_allows_training", "BOOLEAN"),
    ("feedback_landing_date", "DATE"),
    ("response_landing_date", "DATE"),
    ("feedback_source_file", "VARCHAR"),
    ("feedback_source_line", "BIGINT"),
    ("response_source_file", "VARCHAR"),
    ("response_source_line", "BIGINT"),
    ("built_at", "TIMESTAMP"),
]


def query(run: DbtRun, sql: str) -> list[tuple[Any, ...]]:
    assert run.database is not None
    with duckdb.connect(str(run.database), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_build_runs_every_model_and_test(dbt_build: DbtRun) -> None:
    # guards: the whole project (models, contracts, unit tests, data tests) builds cleanly on valid data
    assert dbt_build.returncode == 0, dbt_build.output[-4000:]
    built_models = {uid.split(".")[-1] for uid in dbt_build.statuses if uid.startswith("model.")}
    assert built_models == set(MODELS)
    assert sum(uid.startswith("unit_test.") for uid in dbt_build.statuses) >= 7
    assert set(dbt_build.statuses.values()) == {"success", "pass"}


def test_redelivered_lines_are_dropped_keeping_the_first(dbt_build: DbtRun) -> None:
    # guards: dedup keeps one row per id, from the earliest landing (not the re-delivered copy)
    responses = query(dbt_build, "select response_id, count(*) from stg_feedback__responses group by all")
    assert sorted(responses) == [(f"r{n}", 1) for n in range(1, 6)]
    assert query(
        dbt_build, "select output, landing_date from stg_feedback__responses where response_id = 'r1'"
    ) == [("Hold the button.", date(2025, 1, 1))]
    assert query(
        dbt_build,
        "select count(*), count(distinct event_id), min(feedback_source_file) filter (where event_id = 'e1')"
        " from feedback_with_responses",
    ) == [(14, 14, "2025-01-01/feedback.jsonl")]
    assert query(dbt_build, "select count(*) from stg_feedback__consent_events") == [(7,)]


def test_late_flag_marks_events_landing_after_their_day(dbt_build: DbtRun) -> None:
    # guards: is_late = landing_date > created_at::date (e2 was created 23:50 on day 1, landed on day 2)
    assert query(dbt_build, "select event_id from feedback_with_responses where is_late") == [("e2",)]


def test_training_allowed_follows_latest_consent_of_response_user(dbt_build: DbtRun) -> None:
    # guards: opt-in then opt-out forbids; no consent allows; erase is sticky; consent is per tenant (u1
    # opted out in t2 only); a response served while its user was opted out never trains (r1, served at
    # 09:00 while u1 was opted out from 08:00 to 12:00), though the latest action, an opt-in, allows
    assert query(dbt_build, "select response_id, training_allowed from response_signals order by 1") == [
        ("r1", False),
        ("r2", False),
        ("r3", True),
        ("r4", False),
        ("r5", False),
    ]
    assert query(
        dbt_build,
        "select user_id, latest_action, training_allowed, erased from int_users_consent_latest order by all",
    ) == [
        ("u1", "opt_in_training", True, False),
        ("u1", "opt_out_training", False, False),
        ("u2", "opt_out_training", False, False),
        ("u4", "opt_in_training", True, True),
    ]
    # e8 was given by u9 (no consent events) on u2's response: u2's opt-out decides
    assert query(
        dbt_build,
        "select user_id, response_user_id, training_allowed"
        " from feedback_with_responses where event_id = 'e8'",
    ) == [("u9", "u2", False)]


def test_feedback_with_responses_has_contract_columns_and_types(dbt_build: DbtRun) -> None:
    # guards: the curate layer's input contract (exact names, order and types, nested types included)
    assert query(dbt_build, "select column_name, column_type from (describe feedback_with_responses)") == (
        FEEDBACK_WITH_RESPONSES_SCHEMA
    )


def test_values_are_typed_per_signal(dbt_build: DbtRun) -> None:
    # guards: each signal's text value is cast into its own typed column, and the response side is joined
    rows = query(
        dbt_build,
        "select event_id, thumb, rating, comment_text, edit_text, dwell_seconds, reformulated_query"
        " from feedback_with_responses where event_id in ('e1', 'e2', 'e4', 'e5', 'e10', 'e14', 'e7')"
        " order by event_id",
    )
    assert rows == [
        ("e1", "up", None, None, None, None, None),
        ("e10", None, None, None, "Hold it for 5 s.", None, None),
        ("e14", None, None, None, None, None, "reset steps"),
        ("e2", None, 4, None, None, None, None),
        ("e4", None, None, "Clear answer", None, None, None),
        ("e5", None, None, None, None, 12.5, None),
        ("e7", None, None, None, None, None, None),
    ]
    assert query(
        dbt_build,
        "select messages[2].content, retrieved_context[1].score, model, response_source_file,"
        " response_source_line, feedback_source_line from feedback_with_responses where event_id = 'e5'",
    ) == [("How do I reset it?", 0.9, "model-a", "2025-01-01/responses.jsonl", 1, 4)]


def test_response_signals_counts_per_response(dbt_build: DbtRun) -> None:
    # guards: per-response counts from deduplicated events, zeros for a response without feedback
    rows = query(
        dbt_build,
        "select response_id, feedback_events, thumbs_up, thumbs_down, ratings, mean_rating, comments, edits,"
        " regenerations, copies, abandons, reformulations, dwell_seconds_total"
        " from response_signals order by response_id",
    )
    assert rows == [
        ("r1", 7, 1, 0, 2, 4.5, 1, 0, 0, 1, 0, 0, 20.0),
        ("r2", 4, 0, 1, 1, 2.0, 0, 1, 1, 0, 0, 0, None),
        ("r3", 0, 0, 0, 0, None, 0, 0, 0, 0, 0, 0, None),
        ("r4", 2, 1, 0, 0, None, 0, 0, 0, 0, 1, 0, None),
        ("r5", 1, 0, 0, 0, None, 0, 0, 0, 0, 0, 1, None),
    ]


_SIGNAL_COUNTS = (
    "select response_id, feedback_events, thumbs_down, ratings, abandons from response_signals order by 1"
)


def test_response_signals_recomputes_what_a_rerun_or_an_erasure_changed(
    rebuildable_dbt_build: tuple[DbtRun, Callable[..., DbtRun]],
) -> None:
    # guards: the incremental builds of stg_feedback__events and response_signals. A re-run of day 2 that
    # no longer holds r4's abandon event (e13) restages e13 and recomputes r4 (its feedback landed on day
    # 2); an erasure of u9, which deletes u9's events from every table as the erasure does, recomputes r2
    # (u2's response, rated only by u9) though no day names it; the other rows stay, and both tables are
    # what a full build of the same input gives.
    build, run = rebuildable_dbt_build
    assert build.returncode == 0, build.output
    before = {row[0]: row[1:] for row in query(build, _SIGNAL_COUNTS)}
    with duckdb.connect(str(build.database)) as con:
        con.execute("delete from redacted_feedback where event_id = 'e13'")
        for table in ("redacted_feedback", "stg_feedback__events", "feedback_with_responses"):
            con.execute(f"delete from {table} where user_id = 'u9'")
        con.execute("create or replace table recompute_landing_days as select date '2025-01-02' landing_date")
    incremental = run(
        "run", "--select", "stg_feedback__events", "feedback_with_responses", "response_signals"
    )
    assert incremental.returncode == 0, incremental.output
    after = {row[0]: row[1:] for row in query(build, _SIGNAL_COUNTS)}
    assert before["r2"] == (4, 1, 1, 0) and after["r2"] == (0, 0, 0, 0)
    assert before["r4"] == (2, 0, 0, 1) and after["r4"] == (1, 0, 0, 0)
    assert {key: after[key] for key in ("r1", "r3", "r5")} == {key: before[key] for key in ("r1", "r3", "r5")}
    restamped = query(
        build,
        "select response_id from response_signals"
        " where built_at > (select min(built_at) from response_signals)",
    )
    assert {"r2", "r4"} <= {response_id for (response_id,) in restamped} < set(after)
    assert query(build, "select count(*) from stg_feedback__events where event_id = 'e13'") == [(0,)]
    incremental_rows = query(build, f"select {SAME_DATA} from response_signals order by response_id")
    staged_events = query(build, "select * from stg_feedback__events order by event_id")
    full = run("run", "--select", "stg_feedback__events", "response_signals", "--full-refresh")
    assert full.returncode == 0, full.output
    assert query(build, f"select {SAME_DATA} from response_signals order by response_id") == incremental_rows
    assert query(build, "select * from stg_feedback__events order by event_id") == staged_events


def test_daily_quality_figures(dbt_build: DbtRun) -> None:
    # guards: grouping by day and configuration, rates as shares of responses, null thumbs_up_rate
    rows = query(
        dbt_build,
        "select response_date, tenant_id, responses, responses_with_feedback, thumbs_up, thumbs_down,"
        " thumbs_up_rate, ratings, round(mean_rating, 4), round(edit_rate, 4), round(regenerate_rate, 4),"
        " round(copy_rate, 4), abandon_rate, mean_dwell_seconds from daily_quality order by all",
    )
    assert rows == [
        (date(2025, 1, 1), "t1", 3, 2, 1, 1, 0.5, 3, 3.6667, 0.3333, 0.3333, 0.3333, 0.0, 20.0),
        (date(2025, 1, 2), "t1", 1, 1, 1, 0, 1.0, 0, None, 0.0, 0.0, 0.0, 1.0, None),
        (date(2025, 1, 2), "t2", 1, 1, 0, 0, None, 0, None, 0.0, 0.0, 0.0, 0.0, None),
    ]


def test_orphan_feedback_fails_the_relationships_test(orphan_dbt_build: DbtRun) -> None:
    # guards: a feedback event whose response never arrived fails the build (severity error) and the
    # marts built on it are skipped rather than silently dropping the event
    run = orphan_dbt_build
    assert run.returncode != 0
    orphan_detector = "test.feedback_platform.relationships_stg_feedback__events_"
    relationships = {uid: status for uid, status in run.statuses.items() if uid.startswith(orphan_detector)}
    assert list(relationships.values()) == ["fail"], relationships
    assert run.statuses["model.feedback_platform.feedback_with_responses"] == "skipped"


@pytest.mark.parametrize("database", [None, Path("/nonexistent/warehouse.duckdb")], ids=["unset", "missing"])
def test_parse_needs_no_database(
    dbt_parse: Callable[[Path | None], DbtRun], tmp_path: Path, database: Path | None
) -> None:
    # guards: dagster-dbt can parse the project (build its manifest) before any DuckDB file exists
    run = dbt_parse(database)
    assert run.returncode == 0, run.output[-4000:]
    manifest = (tmp_path / "target" / "manifest.json").read_text()
    assert all(f"model.feedback_platform.{model}" in manifest for model in MODELS)
    assert database is None or not database.parent.exists()
