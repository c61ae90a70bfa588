"""95% intervals from counts: Wilson for a share, Student's t for a mean rating.

Both take Polars expressions over counts, so that a frame of any number of cohorts gets its intervals in one
vectorised pass. Wilson's interval stays inside [0, 1] and keeps close to its nominal coverage with few
trials or a share near 0 or 1, where the normal (Wald) interval fails; the t interval accounts for the
variance being estimated from the ratings themselves, which matters for a cohort with a handful of them.
"""

import numpy as np
import polars as pl
from scipy import stats

CONFIDENCE = 0.95
Z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
RATINGS = range(1, 6)


def wilson(successes: pl.Expr, trials: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """The share, and the low and high ends of its Wilson interval; NULL without trials."""
    n = pl.when(trials > 0).then(trials.cast(pl.Float64))
    share = successes / n
    centre = (share + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * (share * (1 - share) / n + Z**2 / (4 * n**2)).sqrt()
    # Wilson's interval holds the share; the min and max keep it so where rounding would not (share 0 or 1)
    low = pl.min_horizontal(centre - half, share).clip(0.0, 1.0)
    high = pl.max_horizontal(centre + half, share).clip(0.0, 1.0)
    return share, low, high


def rating_moments(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds `rating_sum` and `rating_sum_of_squares` from the rating_1 to rating_5 counts."""
    return frame.with_columns(
        rating_sum=pl.sum_horizontal(pl.col(f"rating_{k}") * k for k in RATINGS),
        rating_sum_of_squares=pl.sum_horizontal(pl.col(f"rating_{k}") * k * k for k in RATINGS),
    )


def mean_with_t_interval(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds the mean rating and its t interval (`mean_rating`, `_low`, `_high`) from `ratings`,
    `rating_sum` and `rating_sum_of_squares`: NULL without ratings, and the interval NULL with fewer than
    two."""
    n = pl.col("ratings").cast(pl.Float64)
    mean = pl.when(n > 0).then(pl.col("rating_sum") / n)
    variance = pl.when(n > 1).then(((pl.col("rating_sum_of_squares") - n * mean**2) / (n - 1)).clip(0.0))
    ratings = frame["ratings"].to_numpy()
    quantile = stats.t.ppf(0.5 + CONFIDENCE / 2, np.maximum(ratings - 1, 1))
    with_mean = frame.with_columns(
        pl.Series("_t", quantile, dtype=pl.Float64), mean_rating=mean, _variance=variance
    )
    half = pl.col("_t") * (pl.col("_variance") / n).sqrt()
    return with_mean.with_columns(
        mean_rating_low=pl.col("mean_rating") - half, mean_rating_high=pl.col("mean_rating") + half
    ).drop("_t", "_variance")
