"""A producer re-delivers a day's file on the next day: the raw tables keep both deliveries (they are the log
as delivered), while what counts events counts it once (real DuckDB, Presidio and Dagster on a small
sample)."""

import datetime
import gzip
import json
from pathlib import Path

import polars as pl
import pytest

from feedback_platform.lib.sample_logs import SampleLogConfig
from feedback_platform_tests.conftest import SamplePlatform, materialised_sample
from feedback_platform_tests.planted_user import append_lines, day_file

SAMPLE = SampleLogConfig(days=2, responses_per_day=30, seed=9, start_date=datetime.date(2026, 11, 1))
FIRST_DAY, NEXT_DAY = "2026-11-01", "2026-11-02"
EVENT_ID = "7e7e7e7e-0000-4000-8000-000000000001"


def redeliver_a_comment(landing: Path) -> None:
    """A comment with an email on the first day, its line delivered again in the next day's file."""
    with gzip.open(day_file(landing, "responses", FIRST_DAY), "rt") as file:
        response = json.loads(file.readline())
    comment = {
        "event_id": EVENT_ID,
        "response_id": response["response_id"],
        "tenant_id": response["tenant_id"],
        "user_id": response["user_id"],
        "created_at": response["created_at"],
        "signal": "comment",
        "value": "Please write to robin.hale@example.org about it",
        "client": "web",
    }
    append_lines(day_file(landing, "feedback", FIRST_DAY), [comment])
    append_lines(day_file(landing, "feedback", NEXT_DAY), [comment])


@pytest.fixture(scope="module")
def redelivered(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> SamplePlatform:
    platform = materialised_sample(
        tmp_path_factory.mktemp("redelivery") / "data", SAMPLE, redeliver_a_comment
    )
    assert all(outcome.success for outcome in platform.outcomes), platform.outcomes
    return platform


# Guards issue 16 (re-delivered files never inflate a count): the redaction audit counts the event's email on
# the day it first landed only, the raw and redacted tables keep both deliveries, and the mart holds it once.
def test_a_redelivered_event_is_audited_once(redelivered: SamplePlatform) -> None:
    landed = redelivered.table("redacted_feedback").filter(pl.col("event_id") == EVENT_ID)
    assert sorted(str(day) for day in landed["landing_date"]) == [FIRST_DAY, NEXT_DAY]
    audited = redelivered.table("redaction_audit").filter(pl.col("row_id") == EVENT_ID)
    assert audited.select(pl.col("landing_date").cast(pl.String), "entity_type", "entities").rows() == [
        (FIRST_DAY, "EMAIL_ADDRESS", 1)
    ]
    assert redelivered.table("feedback_with_responses").filter(pl.col("event_id") == EVENT_ID).height == 1
