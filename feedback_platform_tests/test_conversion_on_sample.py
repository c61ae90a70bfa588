"""The conversion rate on the sample: it agrees with the row lineage, and its check flags latest dataset
versions that draw on feedback events the mart no longer holds."""

import dagster as dg
import duckdb
import polars as pl

from feedback_platform.definitions import build_definitions
from feedback_platform.local.materialize import feedback_conversion_by_day
from feedback_platform.settings import PlatformSettings
from feedback_platform_tests.check_runs import run_checks, tamper
from feedback_platform_tests.conftest import SAMPLE, SamplePlatform

CONVERSION = dg.AssetKey("daily_feedback_conversion")
CHECKS = [
    dg.AssetCheckKey(CONVERSION, "daily_feedback_conversion_counts_are_consistent"),
    dg.AssetCheckKey(CONVERSION, "daily_feedback_conversion_counts_every_event_in_the_latest_datasets"),
]

# Written as SQL over the warehouse, apart from the Polars code under test.
EXPECTED_BY_DAY_AND_SIGNAL = """
with reached as (
    select distinct lineage.feedback_event_id as event_id
    from dataset_row_lineage lineage
    join dataset_versions versions on versions.name = lineage.dataset and versions.version = lineage.version
    where versions.latest
)
select cast(feedback.feedback_created_at as date) as feedback_date, feedback.signal,
       count(*) as signals, count(reached.event_id) as reached_any_dataset
from feedback_with_responses feedback left join reached using (event_id)
group by all order by all
"""


def test_conversion_counts_each_days_signals_and_those_in_the_latest_datasets(
    sample_platform: SamplePlatform,
) -> None:
    with duckdb.connect(str(sample_platform.settings.duckdb_path), read_only=True) as con:
        expected = con.sql(EXPECTED_BY_DAY_AND_SIGNAL).pl()
    conversion = sample_platform.table("daily_feedback_conversion")

    assert conversion.select(expected.columns).sort("feedback_date", "signal").rows() == expected.rows()
    assert conversion["feedback_date"].n_unique() >= SAMPLE.days
    # Some signals reach a dataset, some never do (no curation rule reads a reformulated query).
    assert 0 < conversion["reached_any_dataset"].sum() < conversion["signals"].sum()
    assert (
        conversion.filter(pl.col("signal") == "thumb")["reached_any_dataset"].sum() > 0
        and conversion.filter(pl.col("signal") == "reformulate")["reached_any_dataset"].sum() == 0
    )

    # What `make run` prints: the same counts summed per day.
    assert (
        feedback_conversion_by_day(sample_platform.settings)
        .select("feedback_date", "signals", "reached_any_dataset")
        .rows()
        == expected.group_by("feedback_date")
        .agg(pl.sum("signals", "reached_any_dataset"))
        .sort("feedback_date")
        .rows()
    )

    metadata = sample_platform.instance.get_latest_materialization_event(
        CONVERSION
    ).asset_materialization.metadata
    latest_day = conversion.filter(pl.col("feedback_date") == pl.col("feedback_date").max())
    assert metadata["latest_day_conversion_rate"].value == round(
        latest_day["reached_any_dataset"].sum() / latest_day["signals"].sum(), 4
    )
    assert all(
        evaluation.passed
        for evaluation in run_checks(sample_platform.settings, sample_platform.instance, CHECKS).values()
    )


def test_latest_datasets_drawing_on_events_the_mart_lost_fail_the_reconciliation(
    platform_copy: PlatformSettings,
) -> None:
    lost = (
        "select distinct feedback_event_id from dataset_row_lineage where dataset = 'sft' order by 1 limit 3"
    )
    tamper(platform_copy, f"delete from feedback_with_responses where event_id in ({lost})")
    only_conversion = dg.define_asset_job("conversion", selection=dg.AssetSelection.assets(CONVERSION))
    definitions = dg.Definitions.merge(
        build_definitions(platform_copy), dg.Definitions(jobs=[only_conversion])
    )

    result = definitions.resolve_job_def("conversion").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )

    evaluations = {evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()}
    assert evaluations["daily_feedback_conversion_counts_are_consistent"].passed
    reconciliation = evaluations["daily_feedback_conversion_counts_every_event_in_the_latest_datasets"]
    assert reconciliation.passed is False
    assert reconciliation.metadata["uncounted_by_dataset"].value["sft"] == 3
