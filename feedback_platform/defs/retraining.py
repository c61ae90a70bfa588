"""The retraining trigger: after each nightly, is there enough new signal to retrain?

The sensor `retraining_trigger` looks at the latest successful `datasets_job` run (the nightly's second
half, which publishes the dataset versions). For each new one it weighs the training data admitted since
the last registered training run and the change in feedback since then against the thresholds of the
`retraining` resource (`feedback_platform.lib.analysis.retraining`). When both requirements hold it

- records a "retraining recommended" event with its reasons: a line in the recommendations log
  (`<data dir>/retraining/recommendations.jsonl`) and an observation on `dataset_versions` in the UI;
- requests a dataset refresh: a `datasets_job` run tagged `feedback_platform/retraining` with the
  recommendation's key, which republishes the latest versions (the same ids when nothing changed) for the
  training run to pin.

One recommendation per state (the last training run and the latest versions, the run key): a re-tick, a
lost cursor or the refresh's own success recommend nothing twice. Like the other sensors it is stopped until
turned on.
"""

from pathlib import Path

import dagster as dg

from feedback_platform.defs.job_names import DATASETS_JOB, RETRAINING_TAG
from feedback_platform.defs.schedules import datasets_job
from feedback_platform.lib.analysis.comparison import COUNTS_TABLE
from feedback_platform.lib.analysis.recommendations import recommendation_key, record_recommendation
from feedback_platform.lib.analysis.retraining import assess
from feedback_platform.lib.datasets.training_runs import list_training_runs
from feedback_platform.lib.warehouse import WarehouseUnavailableError, read_only_warehouse
from feedback_platform.resources import RetrainingPolicy, Warehouse

LOOKED_AT_RUNS = 20


def latest_nightly(instance: dg.DagsterInstance) -> str | None:
    """The id of the latest successful datasets run that the trigger did not request itself."""
    records = instance.get_run_records(
        filters=dg.RunsFilter(job_name=DATASETS_JOB, statuses=[dg.DagsterRunStatus.SUCCESS]),
        limit=LOOKED_AT_RUNS,
    )
    nightlies = [record.dagster_run for record in records if RETRAINING_TAG not in record.dagster_run.tags]
    return nightlies[0].run_id if nightlies else None


@dg.sensor(job=datasets_job, minimum_interval_seconds=300)
def retraining_trigger(
    context: dg.SensorEvaluationContext, warehouse: Warehouse, retraining: RetrainingPolicy
) -> dg.SensorResult:
    """After each nightly: recommend retraining when enough new training rows and a detectable change in
    feedback have come since the last registered training run, and request a dataset refresh."""
    nightly = latest_nightly(context.instance)
    if nightly is None or nightly == context.cursor:
        reason = "no datasets run has succeeded yet" if nightly is None else f"no nightly since run {nightly}"
        return dg.SensorResult(skip_reason=dg.SkipReason(reason), cursor=context.cursor)
    runs = list_training_runs(Path(retraining.training_runs_dir))
    try:
        with read_only_warehouse(Path(warehouse.database)) as con:
            counts = con.sql(f"select * from {COUNTS_TABLE}").pl()
            assessment = assess(con, counts, runs[-1] if runs else None, retraining.thresholds())
    except WarehouseUnavailableError as error:  # a run is writing: look again next tick
        return dg.SensorResult(skip_reason=dg.SkipReason(str(error)), cursor=context.cursor)
    reasons = "; ".join(assessment.reasons)
    if not assessment.recommended:
        return dg.SensorResult(skip_reason=dg.SkipReason(f"not recommended: {reasons}"), cursor=nightly)
    key = recommendation_key(assessment.since_run, assessment.latest_versions)
    recorded = record_recommendation(Path(retraining.log_path), key, assessment.as_dict())
    observation = dg.AssetObservation(
        "dataset_versions",
        metadata={
            "retraining_recommended": True,
            "recommendation": key,
            "reasons": dg.MetadataValue.md("\n".join(f"- {reason}" for reason in assessment.reasons)),
            **{f"new_{dataset}_rows": rows for dataset, rows in assessment.new_rows.items()},
        },
    )
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"retraining:{key}", tags={RETRAINING_TAG: key})],
        asset_events=[observation] if recorded else [],
        cursor=nightly,
    )
