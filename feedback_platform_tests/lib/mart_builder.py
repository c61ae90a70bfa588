"""A `feedback_with_responses` mart built by hand, one feedback event at a time, for curation tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

import duckdb
import polars as pl

MESSAGE = pl.Struct({"role": pl.String, "content": pl.String})
CONTEXT = pl.Struct({"doc_id": pl.String, "text": pl.String, "score": pl.Float64})

MART_SCHEMA = pl.Schema(
    {
        "event_id": pl.String,
        "response_id": pl.String,
        "conversation_id": pl.String,
        "tenant_id": pl.String,
        "user_id": pl.String,
        "response_user_id": pl.String,
        "feedback_created_at": pl.Datetime("us"),
        "response_created_at": pl.Datetime("us"),
        "signal": pl.String,
        "thumb": pl.String,
        "rating": pl.Int32,
        "comment_text": pl.String,
        "edit_text": pl.String,
        "dwell_seconds": pl.Float64,
        "reformulated_query": pl.String,
        "outcome_name": pl.String,
        "outcome_succeeded": pl.Boolean,
        "outcome_value": pl.Float64,
        "client": pl.String,
        "is_late": pl.Boolean,
        "messages": pl.List(MESSAGE),
        "retrieved_context": pl.List(CONTEXT),
        "output": pl.String,
        "model": pl.String,
        "model_version": pl.String,
        "prompt_version": pl.String,
        "feature": pl.String,
        "language": pl.String,
        "training_allowed": pl.Boolean,
        "author_allows_training": pl.Boolean,
        "feedback_landing_date": pl.Date,
        "response_landing_date": pl.Date,
        "feedback_source_file": pl.String,
        "feedback_source_line": pl.Int64,
        "response_source_file": pl.String,
        "response_source_line": pl.Int64,
    }
)

T0 = datetime(2025, 3, 1, 9, 0, 0)
_SIGNAL_VALUE_COLUMN = {
    "thumb": "thumb",
    "rating": "rating",
    "comment": "comment_text",
    "edit": "edit_text",
    "dwell": "dwell_seconds",
    "reformulate": "reformulated_query",
}


def response(
    response_id: str,
    *,
    tenant: str = "acme",
    question: str = "How do I reset my password?",
    output: str = "Open Settings, then choose Reset password.",
    training_allowed: bool = True,
    model: str = "gpt-x",
) -> dict[str, Any]:
    """The response half of a mart row."""
    return {
        "response_id": response_id,
        "conversation_id": f"conv-{response_id}",
        "tenant_id": tenant,
        "response_user_id": f"user-{response_id}",
        "response_created_at": T0,
        "messages": [
            {"role": "system", "content": "You are a helpful support assistant."},
            {"role": "user", "content": question},
        ],
        "retrieved_context": [{"doc_id": "kb-1", "text": "Password resets live in Settings.", "score": 0.91}],
        "output": output,
        "model": model,
        "model_version": "2025-01",
        "prompt_version": "p7",
        "feature": "support_chat",
        "language": "en",
        "training_allowed": training_allowed,
        "response_source_file": "2025-03-01/responses.jsonl",
        "response_source_line": 1,
    }


class Mart:
    """Builds a mart frame one feedback event at a time; event ids and times increase with each event.

    An event comes ``number`` minutes after T0, or ``after`` the response was created when that is given.
    """

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._sequence = count(1)

    def event(
        self,
        resp: dict[str, Any],
        signal: str,
        value: Any = None,
        *,
        after: timedelta | None = None,
        author_allows_training: bool = True,
    ) -> str:
        number = next(self._sequence)
        event_id = f"ev-{number:03d}"
        row = dict.fromkeys(MART_SCHEMA.names())
        row.update(resp)
        row.update(
            event_id=event_id,
            user_id=resp["response_user_id"],
            feedback_created_at=T0 + timedelta(minutes=number)
            if after is None
            else resp["response_created_at"] + after,
            signal=signal,
            author_allows_training=author_allows_training,
            client="web",
            is_late=False,
            feedback_source_file="2025-03-01/feedback.jsonl",
            feedback_source_line=number,
        )
        if signal in _SIGNAL_VALUE_COLUMN:
            row[_SIGNAL_VALUE_COLUMN[signal]] = value
        if signal == "outcome":  # value: (name, a boolean verdict or a numeric measurement)
            name, measured = value
            row["outcome_name"] = name
            row["outcome_succeeded" if isinstance(measured, bool) else "outcome_value"] = measured
        self.rows.append(row)
        return event_id

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.rows, schema=MART_SCHEMA)


def by_response(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {row["response_id"]: row for row in frame.iter_rows(named=True)}


def store_mart(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> None:
    """Replace the warehouse's ``feedback_with_responses`` with ``frame``."""
    con.register("mart_frame", frame.to_arrow())
    con.execute("create or replace table feedback_with_responses as select * from mart_frame")
    con.unregister("mart_frame")
