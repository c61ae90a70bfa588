"""Cohort quality with uncertainty, and the two rankings that point at where to look next.

A cohort is one serving configuration seen by users: tenant, model, model version, prompt version, feature
and language. From the daily counts of `cohort_daily_counts` (every count a number of responses):

- `quality_by_period` (the `cohort_quality` asset): per cohort and day, and per cohort and ISO week, each
  rate (thumbs up, the implicit signals, task success) with its sample size and 95% Wilson interval, and
  the mean rating with its t interval
  (`feedback_platform.lib.analysis.intervals`).
- `rank_weakest` (`weakest_cohorts`): over the trailing window, the cohorts with at least `min_votes` thumb
  votes ranked by the low end of their thumbs-up interval: the cohorts that are bad even on the most
  favourable reading of the evidence, so a cohort is not ranked weak on three unlucky votes.
- `rank_uncertain` (`uncertain_cohorts`): over the trailing window, every cohort ranked by how much of the
  product's traffic is served with an unknown quality: the width of its thumbs-up interval (1, the whole
  range, without votes) times its share of the window's responses. Collecting feedback there narrows the
  estimate of the most traffic; the width falls with the square root of the votes, so halving it takes
  three times the votes it has (`more_votes_to_halve_width`).
"""

import datetime

import polars as pl

from feedback_platform.lib.analysis.intervals import mean_with_t_interval, rating_moments, wilson
from feedback_platform.lib.analysis.settings import CohortRankingSettings

COHORT = ("tenant_id", "model", "model_version", "prompt_version", "feature", "language")
"""The columns that name a cohort."""
COUNTS = (
    "responses",
    "thumbs_up",
    "thumbs_down",
    "ratings",
    *(f"rating_{k}" for k in range(1, 6)),
    "edited",
    "regenerated",
    "copied",
    "abandoned",
    "with_outcome",
    "succeeded",
)
"""The additive counts of `cohort_daily_counts`: any number of its rows sum to a row of the same meaning."""
THUMB_VOTES = pl.col("thumbs_up") + pl.col("thumbs_down")
"""The responses with a thumb: the trials of the thumbs-up rate."""
RATES = {
    "thumbs_up_rate": ("thumbs_up", "thumb_votes"),
    "edit_rate": ("edited", "responses"),
    "regenerate_rate": ("regenerated", "responses"),
    "copy_rate": ("copied", "responses"),
    "abandon_rate": ("abandoned", "responses"),
    "success_rate": ("succeeded", "with_outcome"),
}
"""Each rate: the count of responses it is the share of, and the responses it is a share of (its trials).
The success rate is that of the tasks an outcome judged (`response_signals.task_succeeded`)."""


def with_quality(counts: pl.DataFrame) -> pl.DataFrame:
    """The counts with every figure of quality and its interval added (rows keep their order)."""
    figures = counts.with_columns(thumb_votes=THUMB_VOTES)
    rates = {
        f"{rate}{suffix}": expression
        for rate, (successes, trials) in RATES.items()
        for suffix, expression in zip(
            ("", "_low", "_high"), wilson(pl.col(successes), pl.col(trials)), strict=True
        )
    }
    figures = figures.with_columns(**rates)
    return mean_with_t_interval(rating_moments(figures)).drop("rating_sum", "rating_sum_of_squares")


def summed(counts: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    return counts.group_by(keys).agg(pl.col(count).sum() for count in COUNTS).sort(keys, nulls_last=True)


def quality_by_period(daily_counts: pl.DataFrame) -> pl.DataFrame:
    """One row per cohort and day (`period` "day") and per cohort and ISO week ("week", `period_start` its
    Monday), each with its counts and figures of quality."""
    by_day = daily_counts.with_columns(period=pl.lit("day"), period_start=pl.col("response_date"))
    by_week = daily_counts.with_columns(
        period=pl.lit("week"), period_start=pl.col("response_date").dt.truncate("1w")
    )
    return with_quality(summed(pl.concat([by_day, by_week]), ["period", "period_start", *COHORT]))


def trailing_window(daily_counts: pl.DataFrame, window_days: int) -> pl.DataFrame:
    """Each cohort's counts summed over the `window_days` days ending on the latest response day."""
    latest = daily_counts["response_date"].max()
    if latest is None:
        return daily_counts.select(*COHORT, *COUNTS).clear()
    first = latest - datetime.timedelta(days=window_days - 1)
    return summed(daily_counts.filter(pl.col("response_date") >= first), list(COHORT))


def rank_weakest(daily_counts: pl.DataFrame, settings: CohortRankingSettings) -> pl.DataFrame:
    """The cohorts with enough thumb votes in the window, weakest first by the low end of their thumbs-up
    interval (ties by the estimate, then by name), with their rank."""
    window = trailing_window(daily_counts, settings.window_days)
    ranked = (
        with_quality(window)
        .filter(pl.col("thumb_votes") >= settings.min_votes)
        .sort(["thumbs_up_rate_low", "thumbs_up_rate", *COHORT], nulls_last=True)
    )
    return ranked.with_row_index("rank", offset=1).with_columns(pl.col("rank").cast(pl.Int64))


def rank_uncertain(daily_counts: pl.DataFrame, settings: CohortRankingSettings) -> pl.DataFrame:
    """Every cohort of the window ranked by `uncertainty_weight` (thumbs-up interval width x share of the
    window's responses), largest first, with `more_votes_to_halve_width` (NULL without votes: any vote
    makes the first estimate)."""
    window = trailing_window(daily_counts, settings.window_days)
    total = window["responses"].sum()
    figures = with_quality(window).with_columns(
        interval_width=(pl.col("thumbs_up_rate_high") - pl.col("thumbs_up_rate_low")).fill_null(1.0),
        traffic_share=pl.col("responses") / total if total else pl.lit(0.0),
    )
    ranked = figures.with_columns(
        uncertainty_weight=pl.col("interval_width") * pl.col("traffic_share"),
        more_votes_to_halve_width=pl.when(pl.col("thumb_votes") > 0).then(3 * pl.col("thumb_votes")),
    ).sort(["uncertainty_weight", *COHORT], descending=[True, *([False] * len(COHORT))], nulls_last=True)
    return ranked.with_row_index("rank", offset=1).with_columns(pl.col("rank").cast(pl.Int64))
