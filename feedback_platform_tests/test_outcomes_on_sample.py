"""Outcome signals as `make run` materialises the sample: from the log line to the marts, the cohort counts
and the curated datasets, with the outcome events as evidence."""

import polars as pl

from feedback_platform_tests.conftest import SamplePlatform


# Guards the join of outcomes per response: boolean outcomes judge the task, numeric ones are carried as
# measurements, and the cohort counts hold exactly the judged responses.
def test_outcomes_reach_the_marts_and_the_cohort_counts(sample_platform: SamplePlatform) -> None:
    outcomes = sample_platform.table("feedback_with_responses").filter(pl.col("signal") == "outcome")
    verdicts = outcomes.filter(pl.col("outcome_succeeded").is_not_null())
    measurements = outcomes.filter(pl.col("outcome_value").is_not_null())
    assert verdicts.height + measurements.height == outcomes.height and verdicts.height > 0
    assert set(verdicts["outcome_name"]) == {"tests_passed", "ticket_resolved"}
    assert set(measurements["outcome_name"]) == {"minutes_until_sent"}
    assert set(verdicts["outcome_succeeded"]) == {True, False}

    signals = sample_platform.table("response_signals")
    judged = signals.filter(pl.col("task_succeeded").is_not_null())
    assert set(judged["response_id"]) == set(verdicts["response_id"])
    counts = sample_platform.table("cohort_daily_counts")
    assert counts["with_outcome"].sum() == judged.height
    assert counts["succeeded"].sum() == judged["task_succeeded"].sum()
    quality = sample_platform.table("cohort_quality").filter(pl.col("with_outcome") > 0)
    assert quality.height > 0
    assert (quality["success_rate_low"] <= quality["success_rate"]).all()
    assert (quality["success_rate"] <= quality["success_rate_high"]).all()


# Guards the curation rules that name outcomes: a failed task is an eval example and no SFT target, a
# succeeded one can be an SFT target (a user's edit of either still is), and in both the deciding outcome
# events are the row's evidence.
def test_outcomes_decide_eval_and_sft_rows_with_their_events_as_evidence(
    sample_platform: SamplePlatform,
) -> None:
    outcomes = sample_platform.table("feedback_with_responses").filter(
        pl.col("outcome_succeeded").is_not_null()
    )
    failed_events = set(outcomes.filter(~pl.col("outcome_succeeded"))["event_id"])
    succeeded_events = set(outcomes.filter(pl.col("outcome_succeeded"))["event_id"])

    evals = sample_platform.table("eval_examples").filter(pl.col("reasons").list.contains("task_failed"))
    assert evals.height > 0
    assert all(set(ids) & failed_events for ids in evals["feedback_event_ids"])
    sft = sample_platform.table("sft_examples")
    outputs = sft.filter(pl.col("target_source") == "output")
    assert not set(outputs["response_id"]) & set(evals["response_id"])
    by_outcome = sft.filter(pl.col("reasons").list.contains("task_succeeded"))
    assert by_outcome.height > 0
    assert all(set(ids) & succeeded_events for ids in by_outcome["feedback_event_ids"])
