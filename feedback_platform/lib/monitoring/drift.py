"""Has a model's or a prompt version's feedback got worse? The latest days against the trailing baseline.

Input is the `daily_feedback_distribution` mart (one row per response day, model, model_version and
prompt_version, each response counting once per signal). For each model, and each (model, prompt_version),
two rates are compared between the window (the latest `window_days` calendar days, ending on the latest
response day in the frame) and the baseline (the `baseline_days` before the window):

- thumbs_up_rate: thumbs_up / (thumbs_up + thumbs_down)
- high_rating_share: (rating_4 + rating_5) / ratings

with a one-sided two-proportion z-test (pooled variance; H1: window rate < baseline rate). The test runs
only when both periods hold at least `min_votes` votes, where the normal approximation is fair; the other
groups are reported as insufficient, never flagged. A group is degraded when p < alpha / m, m being the
number of tests run: a Bonferroni correction, because one evaluation runs dozens of tests (4 models and
12 model-prompt pairs x 2 metrics in the sample data) and at an uncorrected 1% a night without any change
would warn about one time in four. Bonferroni holds the chance of any false warning per evaluation at
alpha, at the price of power, which `min_detectable_drop` makes visible: the drop that the test, at that
corrected alpha, would catch with probability `power` given the group's observed counts.
"""

import datetime
import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import polars as pl

METRICS: dict[str, tuple[pl.Expr, pl.Expr]] = {
    "thumbs_up_rate": (pl.col("thumbs_up"), pl.col("thumbs_up") + pl.col("thumbs_down")),
    "high_rating_share": (pl.col("rating_4") + pl.col("rating_5"), pl.col("ratings")),
}
"""Each metric's (successes, votes) in a row of the mart."""

GROUPINGS: tuple[tuple[str, ...], ...] = (("model",), ("model", "prompt_version"))
"""Every model is tested across its prompt versions, and each of its prompt versions on its own."""

TESTED = "tested"


@dataclass(frozen=True)
class DriftTestSettings:
    """The comparison periods, the significance level before correction, the power that
    `min_detectable_drop` is computed for, and the votes each period needs for the test to run."""

    window_days: int = 3
    baseline_days: int = 14
    alpha: float = 0.01
    power: float = 0.8
    min_votes: int = 30

    def __post_init__(self) -> None:
        if self.window_days < 1 or self.baseline_days < 1:
            raise ValueError("window_days and baseline_days must be at least 1")
        if not (0 < self.alpha < 1 and 0 < self.power < 1):
            raise ValueError("alpha and power must lie strictly between 0 and 1")
        if self.min_votes < 1:
            raise ValueError("min_votes must be at least 1")


@dataclass(frozen=True)
class ComparisonPeriods:
    """The baseline days [baseline_start, window_start) and the window days [window_start, window_end]."""

    baseline_start: datetime.date
    window_start: datetime.date
    window_end: datetime.date

    @classmethod
    def ending_on(cls, latest_day: datetime.date, settings: DriftTestSettings) -> "ComparisonPeriods":
        window_start = latest_day - datetime.timedelta(days=settings.window_days - 1)
        return cls(window_start - datetime.timedelta(days=settings.baseline_days), window_start, latest_day)

    def describe(self) -> str:
        window_end = self.window_start - datetime.timedelta(days=1)
        return (
            f"baseline {self.baseline_start} to {window_end}, window {self.window_start} to {self.window_end}"
        )


RESULT_SCHEMA = pl.Schema(
    {
        "grouping": pl.String,
        "group": pl.String,
        "model": pl.String,
        "prompt_version": pl.String,
        "metric": pl.String,
        "baseline_votes": pl.Int64,
        "baseline_rate": pl.Float64,
        "window_votes": pl.Int64,
        "window_rate": pl.Float64,
        "drop": pl.Float64,
        "z": pl.Float64,
        "p_value": pl.Float64,
        "alpha_per_test": pl.Float64,
        "min_detectable_drop": pl.Float64,
        "status": pl.String,
        "degraded": pl.Boolean,
    }
)


def latest_periods(distribution: pl.DataFrame, settings: DriftTestSettings) -> ComparisonPeriods | None:
    """The periods ending on the frame's latest response day; None for an empty frame."""
    latest_day = distribution["response_date"].max()
    return None if latest_day is None else ComparisonPeriods.ending_on(latest_day, settings)


def detect_feedback_drift(
    distribution: pl.DataFrame, settings: DriftTestSettings = DriftTestSettings()
) -> pl.DataFrame:
    """One row per group and metric (schema RESULT_SCHEMA), degraded ones first, then by group and metric.

    Groups with rows in neither period are left out; `status` says why a reported group was not tested:
    "insufficient baseline" or "insufficient window" (fewer than min_votes votes), or "no variation" (every
    vote in both periods alike, so there is no variance to test against).
    """
    periods = latest_periods(distribution, settings)
    if periods is None:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    rates = _rates_per_group(distribution, periods, settings.min_votes)
    alpha_per_test = settings.alpha / max(rates.filter(pl.col("status") == TESTED).height, 1)
    detectable = min_detectable_drop(
        rates["baseline_rate"].to_numpy(),
        rates["baseline_votes"].to_numpy(),
        rates["window_votes"].to_numpy(),
        alpha_per_test,
        settings.power,
    )
    return (
        rates.with_columns(
            p_value=pl.Series(
                [upper_tail(z) for z in rates["z"].to_list()], dtype=pl.Float64, nan_to_null=True
            ),
            alpha_per_test=pl.lit(alpha_per_test),
            min_detectable_drop=pl.Series(detectable, nan_to_null=True),
        )
        .with_columns(degraded=(pl.col("status") == TESTED) & (pl.col("p_value") < alpha_per_test))
        .select(RESULT_SCHEMA.names())
        .cast(dict(RESULT_SCHEMA))
        .sort(["degraded", "grouping", "group", "metric"], descending=[True, False, False, False])
    )


def _rates_per_group(distribution: pl.DataFrame, periods: ComparisonPeriods, min_votes: int) -> pl.DataFrame:
    """Votes, rates, the drop, the test's status and (for tested groups) z, per group and metric."""
    days = (
        distribution.lazy()
        .filter(pl.col("response_date").is_between(periods.baseline_start, periods.window_end))
        .with_columns(in_window=pl.col("response_date") >= periods.window_start)
    )
    votes = pl.concat(
        days.select("model", "prompt_version", "in_window", metric=pl.lit(name), successes=hits, votes=total)
        for name, (hits, total) in METRICS.items()
    )
    in_window = pl.col("in_window")
    per_group = pl.concat(
        [
            votes.group_by(*keys, "metric")
            .agg(
                baseline_successes=pl.col("successes").filter(~in_window).sum(),
                baseline_votes=pl.col("votes").filter(~in_window).sum(),
                window_successes=pl.col("successes").filter(in_window).sum(),
                window_votes=pl.col("votes").filter(in_window).sum(),
            )
            .with_columns(grouping=pl.lit(", ".join(keys)))
            for keys in GROUPINGS
        ],
        how="diagonal",
    )
    baseline_votes, window_votes = pl.col("baseline_votes"), pl.col("window_votes")
    pooled = pl.col("pooled_rate")
    return (
        per_group.with_columns(
            group=pl.when(pl.col("grouping") == "model")
            .then(pl.col("model").fill_null("(none)"))
            .otherwise(
                pl.concat_str(
                    pl.col("model").fill_null("(none)"),
                    pl.lit(" / "),
                    pl.col("prompt_version").fill_null("(none)"),
                )
            ),
            baseline_rate=pl.when(baseline_votes > 0).then(pl.col("baseline_successes") / baseline_votes),
            window_rate=pl.when(window_votes > 0).then(pl.col("window_successes") / window_votes),
            pooled_rate=(pl.col("baseline_successes") + pl.col("window_successes"))
            / (baseline_votes + window_votes),
        )
        .with_columns(
            drop=pl.col("baseline_rate") - pl.col("window_rate"),
            status=pl.when(baseline_votes < min_votes)
            .then(pl.lit("insufficient baseline"))
            .when(window_votes < min_votes)
            .then(pl.lit("insufficient window"))
            .when(pooled.is_in([0.0, 1.0]))
            .then(pl.lit("no variation"))
            .otherwise(pl.lit(TESTED)),
        )
        .with_columns(
            z=pl.when(pl.col("status") == TESTED).then(
                pl.col("drop") / (pooled * (1 - pooled) * (1 / baseline_votes + 1 / window_votes)).sqrt()
            )
        )
        .collect()
    )


def upper_tail(z: float | None) -> float | None:
    """P(Z >= z) for a standard normal Z, exact far into the tail (1 - cdf would round to 0 past z = 8);
    None stays None and NaN stays NaN."""
    return None if z is None else 0.5 * math.erfc(z / math.sqrt(2))


def min_detectable_drop(
    baseline_rate: np.ndarray,
    baseline_votes: np.ndarray,
    window_votes: np.ndarray,
    alpha: float,
    power: float,
) -> np.ndarray:
    """The smallest drop d the one-sided pooled z-test at `alpha` detects with probability `power`.

    Power of the test against window rate p_b - d is Phi((d - z_alpha * SE0) / SE1), where SE0 is the pooled
    standard error under the null (at the expected pooled rate) and SE1 the unpooled one under the
    alternative (the usual normal approximation, e.g. Fleiss). It grows with d, so d is found by bisection
    on [0, p_b]; NaN where even a drop to zero would be missed with that probability, or a period is empty.
    """
    p_b = np.asarray(baseline_rate, dtype=float)
    n_b = np.asarray(baseline_votes, dtype=float)
    n_w = np.asarray(window_votes, dtype=float)
    z_alpha, z_power = -NormalDist().inv_cdf(alpha), NormalDist().inv_cdf(power)

    def detected(drop: np.ndarray) -> np.ndarray:
        p_w = p_b - drop
        pooled = (n_b * p_b + n_w * p_w) / (n_b + n_w)
        null_error = np.sqrt(pooled * (1 - pooled) * (1 / n_b + 1 / n_w))
        alternative_error = np.sqrt(p_b * (1 - p_b) / n_b + p_w * (1 - p_w) / n_w)
        return drop - z_alpha * null_error >= z_power * alternative_error

    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = np.zeros_like(p_b), p_b.copy()
        for _ in range(50):  # halves the interval each time: far below any rate's rounding
            middle = (low + high) / 2
            found = detected(middle)
            high, low = np.where(found, middle, high), np.where(found, low, middle)
        return np.where(detected(p_b) & (n_b > 0) & (n_w > 0), high, np.nan)


def daily_thumbs_up_rate_by_model(distribution: pl.DataFrame) -> pl.DataFrame:
    """One row per response day, one column per model: that day's thumbs_up / (thumbs_up + thumbs_down),
    null on a day without thumbs. The series the drift test summarises, for people to look at."""
    return (
        distribution.group_by("response_date", pl.col("model").fill_null("(none)"))
        .agg(pl.col("thumbs_up").sum(), votes=(pl.col("thumbs_up") + pl.col("thumbs_down")).sum())
        .with_columns(rate=pl.when(pl.col("votes") > 0).then(pl.col("thumbs_up") / pl.col("votes")))
        .sort("model")
        .pivot("model", index="response_date", values="rate")
        .sort("response_date")
    )
