"""Tests for the data-quality suite runner, on real Great Expectations with small frames."""

import json
import sys
from datetime import datetime, timedelta

import great_expectations as gx
import pandas as pd
import polars as pl
import pytest

from feedback_platform.lib.quality import RECORD_FIELDS, ExpectationOutcome, SuiteOutcome, run_suite
from feedback_platform.lib.quality.context import DATA_SOURCE_NAME, frame_batch_definition

E = gx.expectations

_network_calls: list[tuple[str, tuple]] = []
_watching_network = False
_hook_installed = False


def _record_network(event: str, args: tuple) -> None:
    if _watching_network and event in {"socket.connect", "socket.getaddrinfo", "urllib.Request"}:
        _network_calls.append((event, args))


def _feedback_frame(ratings: list[int | None]) -> pd.DataFrame:
    """A redacted_feedback-like frame of rating events, with the rating already parsed to an integer."""
    count = len(ratings)
    created = [datetime(2026, 1, 2, 9, 0) + timedelta(minutes=i) for i in range(count)]
    return pd.DataFrame(
        {
            "event_id": [f"ev-{i}" for i in range(count)],
            "signal": ["rating"] * count,
            "rating": pd.array(ratings, dtype="Int64"),
            "created_at": created,
            "landed_at": [moment + timedelta(seconds=30) for moment in created],
        }
    )


def _sole(outcome: SuiteOutcome) -> ExpectationOutcome:
    assert len(outcome.expectations) == 1
    return outcome.expectations[0]


# Guards the happy path: every expectation passes, outcomes keep the given order, summary says so.
def test_passing_suite_reports_every_expectation_in_order() -> None:
    expectations = [
        E.ExpectTableRowCountToBeBetween(min_value=1),
        E.ExpectColumnValuesToBeUnique(column="event_id"),
        E.ExpectColumnValuesToNotBeNull(column="event_id"),
        E.ExpectColumnValuesToBeBetween(column="rating", min_value=1, max_value=5),
        E.ExpectColumnValuesToBeInSet(column="signal", value_set=["rating", "thumb"]),
    ]
    outcome = run_suite("feedback_ratings", _feedback_frame([1, 3, 5, 4]), expectations)
    assert outcome.suite == "feedback_ratings"
    assert outcome.success is True
    assert outcome.failures() == []
    assert [o.expectation for o in outcome.expectations] == [e.expectation_type for e in expectations]
    assert [o.column for o in outcome.expectations] == [None, "event_id", "event_id", "rating", "signal"]
    assert outcome.expectations[0].observed == {"observed_value": 4}
    assert outcome.summary() == "all 5 expectations passed"


# Guards the headline failure: a rating of 7 breaks between(1, 5), counted once and sampled as 7.
def test_out_of_range_rating_fails_with_count_and_sample() -> None:
    outcome = run_suite(
        "ratings",
        _feedback_frame([1, 7, None, 3]),
        [E.ExpectColumnValuesToBeBetween(column="rating", min_value=1, max_value=5)],
    )
    between = _sole(outcome)
    assert outcome.success is False
    assert between.success is False
    assert between.kwargs == {"column": "rating", "min_value": 1.0, "max_value": 5.0}
    assert between.observed["unexpected_count"] == 1
    assert between.observed["element_count"] == 4
    assert between.observed["missing_count"] == 1
    assert between.failing_sample == [7]
    assert outcome.failures() == [between]


# Guards actionable failures (issue 16, item 8): told which columns locate a row, a failing sample says which
# landing file and line it came from, in the summary line and the record.
def test_failing_samples_name_their_file_and_line() -> None:
    frame = _feedback_frame([1, 7, 3, 9]).assign(
        source_file="feedback/2026-11-01/part-0000.jsonl.gz", source_line=[10, 11, 12, 13]
    )
    outcome = run_suite(
        "ratings",
        frame,
        [E.ExpectColumnValuesToBeBetween(column="rating", min_value=1, max_value=5)],
        locate_by=["source_file", "source_line"],
    )
    between = _sole(outcome)
    where = ("feedback/2026-11-01/part-0000.jsonl.gz:11", "feedback/2026-11-01/part-0000.jsonl.gz:13")
    assert between.failing_at == where
    assert outcome.summary().endswith(f"2 unexpected of 4 rows, e.g. [7,9] at {', '.join(where)}")
    assert between.as_record()["failing_at"] == ", ".join(where)


# Guards unique-key failures: both copies of a duplicated id count, but the sample names it once.
def test_duplicate_key_fails_uniqueness() -> None:
    frame = _feedback_frame([1, 2, 3, 4, 5])
    frame.loc[3, "event_id"] = "ev-1"
    between = _sole(run_suite("keys", frame, [E.ExpectColumnValuesToBeUnique(column="event_id")]))
    assert between.success is False
    assert between.observed["unexpected_count"] == 2
    assert between.failing_sample == ["ev-1"]


# Guards not-null failures: the null row is counted and shows up as None in the sample.
def test_null_key_fails_not_null() -> None:
    frame = _feedback_frame([1, 2, 3])
    frame["event_id"] = pd.array(["ev-0", None, "ev-2"], dtype="str")
    not_null = _sole(run_suite("keys", frame, [E.ExpectColumnValuesToNotBeNull(column="event_id")]))
    assert not_null.success is False
    assert not_null.observed["unexpected_count"] == 1
    assert not_null.failing_sample == [None]


# Guards value-set failures: the stray signal is reported and the value set is kept in kwargs.
def test_unknown_signal_fails_value_set() -> None:
    frame = _feedback_frame([1, 2, 3])
    frame.loc[1, "signal"] = "shrug"
    in_set = _sole(
        run_suite("signals", frame, [E.ExpectColumnValuesToBeInSet(column="signal", value_set=["rating"])])
    )
    assert in_set.success is False
    assert in_set.kwargs == {"column": "signal", "value_set": ["rating"]}
    assert in_set.observed["unexpected_count"] == 1
    assert in_set.failing_sample == ["shrug"]


# Guards column-pair expectations: names both columns and samples the offending pair as ISO text.
def test_column_pair_expectation_passes_then_fails() -> None:
    pair = E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="landed_at", column_B="created_at")
    frame = _feedback_frame([1, 2, 3])
    assert _sole(run_suite("arrival", frame, [pair])).success is True

    frame.loc[2, "landed_at"] = datetime(2026, 1, 1, 0, 0)
    failed = _sole(run_suite("arrival", frame, [pair]))
    assert failed.success is False
    assert failed.column == "landed_at,created_at"
    assert failed.observed["unexpected_count"] == 1
    assert failed.failing_sample == [["2026-01-01T00:00:00", "2026-01-02T09:02:00"]]


# Guards empty partitions and documents GX on zero rows: column-map expectations (unique, not null,
# between, pairs) pass vacuously with element_count 0; aggregates and a minimum row count fail.
def test_empty_frame_passes_map_expectations_and_fails_aggregates() -> None:
    outcome = run_suite(
        "empty_day",
        _feedback_frame([]),
        [
            E.ExpectColumnValuesToBeUnique(column="event_id"),
            E.ExpectColumnValuesToNotBeNull(column="event_id"),
            E.ExpectColumnValuesToBeBetween(column="rating", min_value=1, max_value=5),
            E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="landed_at", column_B="created_at"),
            E.ExpectColumnMeanToBeBetween(column="rating", min_value=1, max_value=5),
            E.ExpectTableRowCountToBeBetween(min_value=1),
        ],
    )
    unique, not_null, between, pair, mean, row_count = outcome.expectations
    for vacuous in (unique, not_null, between, pair):
        assert vacuous.success is True
        assert vacuous.observed["element_count"] == 0
        assert vacuous.observed["unexpected_count"] == 0
        assert vacuous.failing_sample == []
    assert mean.success is False
    assert mean.observed == {"observed_value": None}
    assert row_count.success is False
    assert row_count.observed == {"observed_value": 0}
    assert outcome.success is False


# Guards Polars input: nested columns (messages, structs) convert as JSON text instead of breaking GX (the
# sample shows that text's length, not the text), and a nullable integer column keeps 7 as an integer
# rather than 7.0.
def test_polars_frame_with_nested_columns() -> None:
    message = [{"role": "user", "content": "hi"}]
    frame = pl.DataFrame(
        {
            "response_id": ["r-1", "r-2", "r-3"],
            "messages": [message, None, message],
            "usage": [{"tokens": 3, "model": "m"}, {"tokens": None, "model": "m"}, None],
            "rating": [5, None, 7],
        }
    )
    outcome = run_suite(
        "responses",
        frame,
        [
            E.ExpectTableColumnsToMatchSet(column_set=["response_id", "messages", "usage", "rating"]),
            E.ExpectColumnValuesToNotBeNull(column="messages"),
            E.ExpectColumnValuesToBeUnique(column="messages"),
            E.ExpectColumnValuesToBeBetween(column="rating", min_value=1, max_value=5),
            E.ExpectColumnValuesToNotBeNull(column="response_id"),
        ],
    )
    columns, not_null, unique, between, ids = outcome.expectations
    assert columns.success is True
    assert not_null.observed["unexpected_count"] == 1
    assert unique.failing_sample == ["[32 chars]"]  # of '[{"role":"user","content":"hi"}]'
    assert between.failing_sample == [7]
    assert isinstance(between.failing_sample[0], int)
    assert ids.success is True


# Guards what failing samples may hold, since check metadata stays in Dagster's storage after a user is
# erased: a text by its length, a user id masked, ids and dates of a compound key or a pair as they are.
def test_failing_samples_hold_no_text_nor_user_id() -> None:
    frame = pl.DataFrame(
        {
            "response_id": ["r-1", "r-1", "r-2"],
            "landing_date": ["2026-11-01"] * 3,
            "user_id": ["u_secret01", "u_secret02", "u_secret03"],
            "output": ["Call me at home", "fine", "fine"],
            "created_at": [datetime(2026, 11, 1, 9, 0)] * 3,
            "response_created_at": [datetime(2026, 11, 1, 10, 0)] * 3,
        }
    )
    outcome = run_suite(
        "privacy",
        frame,
        [
            E.ExpectColumnValuesToMatchRegex(column="user_id", regex="^x"),
            E.ExpectColumnValuesToBeInSet(column="output", value_set=["fine"]),
            E.ExpectCompoundColumnsToBeUnique(column_list=["landing_date", "response_id"]),
            E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="created_at", column_B="response_created_at"),
        ],
    )
    user_ids, texts, keys, pair = outcome.expectations
    assert user_ids.failing_sample == ["[user id]"]
    assert texts.failing_sample == ["[15 chars]"]
    assert keys.failing_sample == [{"landing_date": "2026-11-01", "response_id": "r-1"}]
    assert pair.failing_sample == [["2026-11-01T09:00:00", "2026-11-01T10:00:00"]]
    assert "secret" not in outcome.summary() and "Call me" not in json.dumps(outcome.as_records())


# Guards quiet logs: GX's tqdm "Calculating Metrics" bars (on by default) must not reach stderr.
def test_validation_writes_nothing_to_stdout_or_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    capfd.readouterr()
    run_suite(
        "quiet",
        _feedback_frame([1, 2, 3, 9]),
        [
            E.ExpectColumnValuesToBeUnique(column="event_id"),
            E.ExpectColumnValuesToBeBetween(column="rating", min_value=1, max_value=5),
            E.ExpectColumnMeanToBeBetween(column="rating", min_value=1, max_value=5),
        ],
    )
    captured = capfd.readouterr()
    assert "Calculating Metrics" not in captured.err
    assert captured.err == ""
    assert captured.out == ""


# Guards the no-telemetry promise: a validation opens no socket and resolves no host name.
def test_validation_makes_no_network_access() -> None:
    global _hook_installed, _watching_network
    if not _hook_installed:
        # An audit hook cannot be removed again, so it records only while _watching_network is set.
        sys.addaudithook(_record_network)
        _hook_installed = True
    _network_calls.clear()
    _watching_network = True
    try:
        outcome = run_suite(
            "offline", _feedback_frame([1, 2]), [E.ExpectTableRowCountToBeBetween(min_value=1)]
        )
    finally:
        _watching_network = False
    assert outcome.success is True
    assert _network_calls == []


# Guards the summary text the asset check shows: one line per failure, naming the problem and sample.
def test_summary_has_one_line_per_failure() -> None:
    frame = _feedback_frame([1, 7, 2])
    frame.loc[2, "signal"] = "shrug"
    outcome = run_suite(
        "summary",
        frame,
        [
            E.ExpectColumnValuesToBeBetween(column="rating", min_value=1, max_value=5),
            E.ExpectColumnValuesToNotBeNull(column="event_id"),
            E.ExpectColumnValuesToBeInSet(column="signal", value_set=["rating"]),
            E.ExpectColumnValuesToNotBeNull(column="comment"),
        ],
    )
    assert outcome.summary().splitlines() == [
        "expect_column_values_to_be_between on rating (min_value=1.0, max_value=5.0): "
        "1 unexpected of 3 rows, e.g. [7]",
        'expect_column_values_to_be_in_set on signal (value_set=["rating"]): 1 unexpected of 3 rows, '
        'e.g. ["shrug"]',
        'expect_column_values_to_not_be_null on comment: could not be evaluated: Error: The column "comment" '
        "in BatchData does not exist.",
    ]


# Guards the Dagster metadata shape: flat records with the same keys, scalar values, valid JSON.
def test_records_are_flat_and_json_serialisable() -> None:
    outcome = run_suite(
        "records",
        _feedback_frame([1, 7]),
        [
            E.ExpectColumnValuesToBeBetween(column="rating", min_value=1, max_value=5),
            E.ExpectColumnMeanToBeBetween(column="rating", min_value=1, max_value=5),
        ],
    )
    records = outcome.as_records()
    assert [tuple(record) for record in records] == [RECORD_FIELDS, RECORD_FIELDS]
    assert all(isinstance(v, str | int | float | bool | type(None)) for r in records for v in r.values())
    between, mean = json.loads(json.dumps(records))
    assert between["unexpected_count"] == 1
    assert json.loads(between["failing_sample"]) == [7]
    assert json.loads(between["kwargs"]) == {"column": "rating", "min_value": 1.0, "max_value": 5.0}
    assert mean["observed_value"] == 4.0
    assert mean["success"] is True


# Guards reuse: one context and data source serve every suite, and the caller's expectations (even
# ones already in a stored suite, which carry an id) are neither refused nor changed.
def test_context_is_reused_and_expectations_are_left_untouched() -> None:
    stored_suite = gx.ExpectationSuite(
        name="stored", expectations=[E.ExpectColumnValuesToBeUnique(column="event_id")]
    )
    stored_suite.expectations[0].id = "already-stored"
    between = E.ExpectColumnValuesToBeBetween(column="rating", min_value=1, max_value=5)

    first = run_suite("first", _feedback_frame([1, 9]), [between, *stored_suite.expectations])
    second = run_suite("second", _feedback_frame([2, 3]), [between, *stored_suite.expectations])

    assert [o.success for o in first.expectations] == [False, True]
    assert [o.success for o in second.expectations] == [True, True]
    assert between.meta is None
    assert stored_suite.expectations[0].id == "already-stored"
    batch_definition = frame_batch_definition()
    assert frame_batch_definition() is batch_definition
    assert list(batch_definition.data_asset.datasource.data_context.data_sources.all()) == [DATA_SOURCE_NAME]
