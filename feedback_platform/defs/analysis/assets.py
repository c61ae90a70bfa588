"""Cohort quality and the cohorts to look at next, from the `cohort_daily_counts` mart.

The statistics live in `feedback_platform.lib.analysis`; these assets store their tables and put the
figures the UI plots across materialisations (the latest day's thumbs-up rate with its interval, the
weakest cohort's low end, the largest uncertainty weight) in metadata.
"""

import dagster as dg
import polars as pl

from feedback_platform.defs.table_metadata import frame_as_table
from feedback_platform.lib.analysis.cohorts import (
    COHORT,
    quality_by_period,
    rank_uncertain,
    rank_weakest,
    summed,
    with_quality,
)
from feedback_platform.resources import DUCKDB_POOL, CohortAnalysis

SHOWN = 10
"""How many ranked cohorts the metadata lists."""


def _latest_day_figures(daily_counts: pl.DataFrame) -> dict[str, object]:
    latest = daily_counts["response_date"].max()
    if latest is None:
        return {"latest_response_date": "none"}
    day = with_quality(summed(daily_counts.filter(pl.col("response_date") == latest), ["response_date"]))
    figures = day.row(0, named=True)
    return {
        "latest_response_date": str(latest),
        "latest_day_responses": figures["responses"],
        **{
            f"latest_day_{name}": round(figures[name], 4)
            for name in ("thumbs_up_rate", "thumbs_up_rate_low", "thumbs_up_rate_high", "mean_rating")
            if figures[name] is not None
        },
    }


def _weekly_by_model(quality: pl.DataFrame) -> pl.DataFrame:
    weeks = quality.filter(pl.col("period") == "week")
    return with_quality(summed(weeks, ["period_start", "model"])).select(
        "period_start", "model", "responses", "thumb_votes", "thumbs_up_rate", "thumbs_up_rate_low",
        "thumbs_up_rate_high", "ratings", "mean_rating", "mean_rating_low", "mean_rating_high",
    )  # fmt: skip


@dg.asset(group_name="analysis", pool=DUCKDB_POOL, kinds={"duckdb", "polars"})
def cohort_quality(cohort_daily_counts: pl.DataFrame) -> dg.Output[pl.DataFrame]:
    """Per cohort (tenant, model, model version, prompt version, feature, language) and day, and per cohort
    and ISO week: responses, thumbs-up rate, mean rating and the edit, regenerate, copy and abandon rates,
    each with its sample size and 95% interval (Wilson for rates, t for the mean rating)."""
    quality = quality_by_period(cohort_daily_counts)
    return dg.Output(
        quality,
        metadata={
            "cohorts": quality.filter(pl.col("period") == "day").select(COHORT).n_unique(),
            **_latest_day_figures(cohort_daily_counts),
            "weekly_quality_by_model": frame_as_table(_weekly_by_model(quality)),
        },
    )


_RANKED_SHOWN = ["rank", *COHORT, "responses", "thumb_votes", "thumbs_up_rate", "thumbs_up_rate_low",
                 "thumbs_up_rate_high"]  # fmt: skip


@dg.asset(group_name="analysis", pool=DUCKDB_POOL, kinds={"duckdb", "polars"})
def weakest_cohorts(
    cohort_daily_counts: pl.DataFrame, cohort_analysis: CohortAnalysis
) -> dg.Output[pl.DataFrame]:
    """Cohorts with enough thumb votes in the trailing window, weakest first by the low end of their
    thumbs-up interval: weak even on the most favourable reading of the evidence."""
    settings = cohort_analysis.ranking()
    ranked = rank_weakest(cohort_daily_counts, settings)
    metadata: dict[str, dg.RawMetadataValue] = {
        "window_days": settings.window_days,
        "min_votes": settings.min_votes,
        "ranked_cohorts": ranked.height,
        "weakest": frame_as_table(ranked.head(SHOWN).select(_RANKED_SHOWN)),
    }
    if ranked.height:
        metadata["weakest_thumbs_up_rate_low"] = round(ranked["thumbs_up_rate_low"][0], 4)
    return dg.Output(ranked, metadata=metadata)


@dg.asset(group_name="analysis", pool=DUCKDB_POOL, kinds={"duckdb", "polars"})
def uncertain_cohorts(
    cohort_daily_counts: pl.DataFrame, cohort_analysis: CohortAnalysis
) -> dg.Output[pl.DataFrame]:
    """Every cohort of the trailing window ranked by how much traffic it serves with an unknown quality
    (thumbs-up interval width x share of responses): where collecting feedback narrows the most."""
    settings = cohort_analysis.ranking()
    ranked = rank_uncertain(cohort_daily_counts, settings)
    shown = [*_RANKED_SHOWN, "traffic_share", "uncertainty_weight", "more_votes_to_halve_width"]
    metadata: dict[str, dg.RawMetadataValue] = {
        "window_days": settings.window_days,
        "ranked_cohorts": ranked.height,
        "most_uncertain": frame_as_table(ranked.head(SHOWN).select(shown)),
    }
    if ranked.height:
        metadata["largest_uncertainty_weight"] = round(ranked["uncertainty_weight"][0], 4)
    return dg.Output(ranked, metadata=metadata)
