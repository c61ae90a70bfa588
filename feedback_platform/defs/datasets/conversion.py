"""The feedback-to-training conversion rate, per feedback day: how many signals reach a dataset.

`daily_feedback_conversion` counts, per day and signal, the feedback events of `feedback_with_responses`
and those that a row of each dataset's latest version traces to
(`feedback_platform.lib.monitoring.conversion`).
Its metadata holds the daily rates and the latest day's rate as a number, which the UI plots across
materialisations. Two checks keep the counts honest: the table's own arithmetic, and a reconciliation with
the row lineage, which fails when the latest datasets draw on events the mart no longer holds.
"""

import dagster as dg
import polars as pl

from feedback_platform.defs.expectation_checks import expectation_suite_check
from feedback_platform.defs.table_metadata import frame_as_table
from feedback_platform.lib.datasets.kinds import DATASET_KINDS
from feedback_platform.lib.monitoring.conversion import (
    conversion_by_day,
    daily_conversion,
    events_reached_per_dataset,
    reached_column,
)
from feedback_platform.resources import DUCKDB_POOL, Warehouse

DATASET_NAMES = tuple(DATASET_KINDS)


@dg.asset(
    deps=["dataset_row_lineage", "dataset_versions", "feedback_with_responses"],
    group_name="datasets",
    pool=DUCKDB_POOL,
    kinds={"duckdb", "polars"},
)
def daily_feedback_conversion(warehouse: Warehouse) -> dg.Output[pl.DataFrame]:
    """Per feedback day and signal: the events, how many the latest version of each dataset draws on, and
    the conversion rate (events in any dataset / events)."""
    with warehouse.connect() as con:
        conversion = daily_conversion(con, DATASET_NAMES, feedback_table="feedback_with_responses")
    by_day = conversion_by_day(conversion)
    metadata: dict[str, dg.RawMetadataValue] = {"conversion_rate_by_day": frame_as_table(by_day)}
    if by_day.height:
        latest_day = by_day.row(-1, named=True)
        metadata |= {
            "latest_feedback_date": str(latest_day["feedback_date"]),
            "latest_day_conversion_rate": round(latest_day["conversion_rate"], 4),
            "overall_conversion_rate": round(
                by_day["reached_any_dataset"].sum() / by_day["signals"].sum(), 4
            ),
        }
    return dg.Output(conversion, metadata=metadata)


daily_feedback_conversion_counts_are_consistent = expectation_suite_check(
    asset="daily_feedback_conversion",
    name="daily_feedback_conversion_counts_are_consistent",
    description=(
        "One row per (feedback_date, signal); no day counts more events in a dataset than in any dataset,"
        " or more in any dataset than it has; the rate is a share."
    ),
    expectations=lambda gxe: [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["feedback_date", "signal"]),
        gxe.ExpectColumnValuesToNotBeNull(column="feedback_date"),
        gxe.ExpectColumnValuesToBeBetween(column="conversion_rate", min_value=0, max_value=1),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="signals", column_B="reached_any_dataset", or_equal=True
        ),
        *(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="reached_any_dataset", column_B=reached_column(dataset), or_equal=True
            )
            for dataset in DATASET_NAMES
        ),
    ],
    blocking=False,
)


@dg.asset_check(
    asset="daily_feedback_conversion",
    additional_deps=["dataset_row_lineage", "dataset_versions"],
    pool=DUCKDB_POOL,
)
def daily_feedback_conversion_counts_every_event_in_the_latest_datasets(
    daily_feedback_conversion: pl.DataFrame, warehouse: Warehouse
) -> dg.AssetCheckResult:
    """Per dataset, the events counted as reaching it equal the distinct events its latest version's rows
    trace to: fewer means the latest version draws on events the mart no longer holds."""
    with warehouse.connect() as con:
        traced = events_reached_per_dataset(con, DATASET_NAMES)
    counted = {
        dataset: int(daily_feedback_conversion[reached_column(dataset)].sum()) for dataset in DATASET_NAMES
    }
    uncounted = {
        dataset: traced[dataset] - counted[dataset]
        for dataset in DATASET_NAMES
        if traced[dataset] != counted[dataset]
    }
    return dg.AssetCheckResult(
        passed=traced == counted,
        metadata={
            "events_traced_by_dataset": dg.MetadataValue.json(traced),
            "events_counted_by_dataset": dg.MetadataValue.json(counted),
            "uncounted_by_dataset": dg.MetadataValue.json(uncounted),
        },
    )
