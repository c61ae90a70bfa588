"""Checks of the analysis layer: intervals that hold their estimates, rankings in their order, and a warning
when a newer model or prompt version is significantly worse than the one it replaced."""

import dataclasses
from collections.abc import Callable

import dagster as dg
import polars as pl

from feedback_platform.defs.expectation_checks import predicate_check
from feedback_platform.defs.table_metadata import frame_as_table
from feedback_platform.lib.analysis.comparison import WORSE
from feedback_platform.lib.analysis.replacements import replacement_comparisons
from feedback_platform.resources import DUCKDB_POOL, CohortAnalysis

INTERVALS = ("thumbs_up_rate", "mean_rating", "edit_rate", "regenerate_rate", "copy_rate", "abandon_rate")


def _interval_violations(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows where an estimate lies outside its interval, a rate's interval leaves [0, 1], or more responses
    voted than were served."""
    outside = pl.any_horizontal(
        (pl.col(f"{name}_low") > pl.col(name)) | (pl.col(name) > pl.col(f"{name}_high")) for name in INTERVALS
    )
    rates = [name for name in INTERVALS if name.endswith("_rate")]
    off_range = pl.any_horizontal(
        (pl.col(f"{name}_low") < 0) | (pl.col(f"{name}_high") > 1) for name in rates
    )
    return rows.filter(outside | off_range | (pl.col("thumb_votes") > pl.col("responses")))


cohort_quality_intervals_hold_their_estimates = predicate_check(
    asset="cohort_quality",
    name="cohort_quality_intervals_hold_their_estimates",
    description="Every estimate lies inside its 95% interval, every rate's interval inside [0, 1], and no "
    "cohort has more thumb votes than responses.",
    find_violations=_interval_violations,
)


def _out_of_rank_order(sort_column: str, descending: bool) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """The rows of a ranking whose rank is not their place, or whose `sort_column` is out of order with the
    next row's."""

    def find(rows: pl.DataFrame) -> pl.DataFrame:
        step = pl.col(sort_column).shift(-1) - pl.col(sort_column)
        wrong_order = (step > 0) if descending else (step < 0)
        misplaced = pl.col("rank") != pl.int_range(1, pl.len() + 1)
        return rows.sort("rank").filter(wrong_order.fill_null(False) | misplaced)

    return find


weakest_cohorts_are_ranked_by_their_low_end = predicate_check(
    asset="weakest_cohorts",
    name="weakest_cohorts_are_ranked_by_their_low_end",
    description="Ranks run 1, 2, ... and the low end of the thumbs-up interval never falls down the ranking.",
    find_violations=_out_of_rank_order("thumbs_up_rate_low", descending=False),
    blocking=False,
)

uncertain_cohorts_are_ranked_by_their_weight = predicate_check(
    asset="uncertain_cohorts",
    name="uncertain_cohorts_are_ranked_by_their_weight",
    description="Ranks run 1, 2, ... and the uncertainty weight never rises down the ranking.",
    find_violations=_out_of_rank_order("uncertainty_weight", descending=True),
    blocking=False,
)

_SHOWN = ["compared", "model", "older", "newer", "metric", "estimate_a", "estimate_b", "difference",
          "p_adjusted", "verdict", "min_detectable_difference"]  # fmt: skip


@dg.asset_check(
    asset="cohort_quality",
    additional_ins={"cohort_daily_counts": dg.AssetIn("cohort_daily_counts")},
    description="No model version or prompt version is significantly worse on any metric than the version "
    "it replaced (stratified z-tests, Holm over every pair and metric; warning, non-blocking).",
    blocking=False,
    pool=DUCKDB_POOL,
)
def newer_versions_are_not_worse(
    cohort_daily_counts: pl.DataFrame, cohort_analysis: CohortAnalysis
) -> dg.AssetCheckResult:
    settings = cohort_analysis.comparison()
    results = replacement_comparisons(cohort_daily_counts, settings)
    worse = results.filter(pl.col("verdict") == WORSE)
    return dg.AssetCheckResult(
        passed=worse.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "settings": dg.MetadataValue.json(dataclasses.asdict(settings)),
            "replacements": results.select("compared", "model", "older", "newer").n_unique(),
            "worse": frame_as_table(worse.select(_SHOWN)),
            "all_comparisons": frame_as_table(results.select(_SHOWN)),
        },
    )
