"""The analysis layer's statistics against references (SciPy's Wilson and t intervals), a known Holm
adjustment, simulated arms (identical, and one truly better), and a stratified case where pooling the
strata would mislead."""

import numpy as np
import polars as pl
import pytest
from scipy import stats

from feedback_platform.lib.analysis.cohorts import COUNTS
from feedback_platform.lib.analysis.comparison import (
    BETTER,
    NO_DIFFERENCE,
    compare_arms,
    holm_adjusted,
    overall_verdict,
)
from feedback_platform.lib.analysis.intervals import mean_with_t_interval, rating_moments, wilson
from feedback_platform.lib.analysis.settings import ComparisonSettings


@pytest.mark.parametrize(("successes", "trials"), [(8, 10), (0, 10), (10, 10), (1, 3), (412, 1000)])
def test_wilson_interval_matches_scipy(successes: int, trials: int) -> None:
    frame = pl.DataFrame({"k": [successes], "n": [trials]})
    share, low, high = _wilson_row(frame)
    reference = stats.binomtest(successes, trials).proportion_ci(0.95, method="wilson")
    assert share == successes / trials
    assert low == pytest.approx(reference.low, abs=1e-9) and high == pytest.approx(reference.high, abs=1e-9)
    assert low <= share <= high


def test_wilson_interval_is_null_without_trials() -> None:
    assert _wilson_row(pl.DataFrame({"k": [0], "n": [0]})) == (None,) * 3


def _wilson_row(frame: pl.DataFrame) -> tuple:
    share, low, high = wilson(pl.col("k"), pl.col("n"))
    return frame.select(share.alias("share"), low.alias("low"), high.alias("high")).row(0)


@pytest.mark.parametrize("ratings", [[4, 5], [1, 2, 2, 5, 5, 5, 3], [3] * 40])
def test_mean_rating_interval_matches_scipy_t(ratings: list[int]) -> None:
    histogram = {f"rating_{k}": [ratings.count(k)] for k in range(1, 6)}
    frame = mean_with_t_interval(rating_moments(pl.DataFrame({"ratings": [len(ratings)], **histogram})))
    mean, low, high = frame.select("mean_rating", "mean_rating_low", "mean_rating_high").row(0)
    values = np.array(ratings, dtype=float)
    assert mean == pytest.approx(values.mean())
    if values.std() == 0:
        assert low == high == pytest.approx(3.0)
        return
    reference = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    assert (low, high) == pytest.approx(reference)


def test_mean_rating_interval_needs_two_ratings() -> None:
    histogram = {f"rating_{k}": [int(k == 4)] for k in range(1, 6)}
    frame = mean_with_t_interval(rating_moments(pl.DataFrame({"ratings": [1], **histogram})))
    assert frame.select("mean_rating", "mean_rating_low", "mean_rating_high").row(0) == (4.0, None, None)


def test_holm_adjustment_of_a_textbook_family() -> None:
    adjusted = holm_adjusted([0.01, 0.04, None, 0.03, 0.005])
    assert adjusted == pytest.approx([0.03, 0.06, None, 0.06, 0.02], nan_ok=False)


def _simulated_counts(
    rng: np.random.Generator, arms: dict[str, float], strata: int, per_stratum: int
) -> pl.DataFrame:
    """Counts of two arms over `strata` tenants whose base quality differs; an arm's thumbs-up chance is the
    tenant's plus the arm's shift, and so is a measured task's chance of success. Every response votes;
    the implicit signals follow the same chance in both arms; three in ten tasks have a measured outcome."""
    rows = []
    for stratum in range(strata):
        base = 0.3 + 0.4 * stratum / max(strata - 1, 1)
        for arm, shift in arms.items():
            n = per_stratum
            up = int(rng.binomial(n, min(0.95, base + shift)))
            ratings = rng.multinomial(n, [0.1, 0.1, 0.2, 0.3, 0.3])
            implicit = rng.binomial(n, [0.05, 0.1, 0.2, 0.05])
            with_outcome = int(rng.binomial(n, 0.3))
            succeeded = int(rng.binomial(with_outcome, min(0.95, base + shift)))
            rows.append(
                {"response_date": None, "tenant_id": f"t{stratum}", "model": arm, "model_version": "1",
                 "prompt_version": "p", "feature": "chat", "language": "en", "responses": n, "thumbs_up": up,
                 "thumbs_down": n - up, "ratings": n,
                 **{f"rating_{k + 1}": int(c) for k, c in enumerate(ratings)},
                 "edited": int(implicit[0]), "regenerated": int(implicit[1]), "copied": int(implicit[2]),
                 "abandoned": int(implicit[3]), "with_outcome": with_outcome, "succeeded": succeeded}
            )  # fmt: skip
    return pl.DataFrame(rows).with_columns(pl.col(c).cast(pl.Int64) for c in COUNTS)


# Guards the stated false-positive rate: over 1,000 comparisons of identical arms, the share with any metric
# called better or worse stays within what alpha = 0.05 family-wise allows (binomial 99.9% bound: 73; 41
# here; 7.7% of 300 when the rates' test used each arm's own variance instead of the shared one).
def test_identical_arms_are_called_different_at_most_at_alpha() -> None:
    rng = np.random.default_rng(5)
    false_verdicts = sum(
        overall_verdict(
            compare_arms(_simulated_counts(rng, {"a": 0.0, "b": 0.0}, 4, 100), "model", ("a", "b"))
        )
        != NO_DIFFERENCE
        for _ in range(1000)
    )
    assert false_verdicts <= stats.binom.ppf(0.999, 1000, 0.05)


# Guards power: a true 10-point improvement with 400 votes per arm and stratum is found nearly every time.
def test_a_real_improvement_is_found() -> None:
    rng = np.random.default_rng(6)
    found = [
        _verdict_of_thumbs(
            compare_arms(_simulated_counts(rng, {"a": 0.0, "b": 0.1}, 4, 400), "model", ("a", "b"))
        )
        for _ in range(50)
    ]
    assert found.count(BETTER) >= 45


def _verdict_of_thumbs(results: pl.DataFrame) -> str:
    return results.filter(pl.col("metric") == "thumbs_up_rate")["verdict"][0]


# Guards the stratification: B serves mostly the easy tenant and A the hard one, with the same quality
# within each; pooled over tenants B would look far better, the stratified comparison finds nothing.
def test_an_arm_serving_easier_traffic_gains_nothing_from_it() -> None:
    def counts(tenant: str, arm: str, n: int, up: int) -> dict:
        return {"response_date": None, "tenant_id": tenant, "model": arm, "model_version": "1",
                "prompt_version": "p", "feature": "chat", "language": "en", "responses": n, "thumbs_up": up,
                "thumbs_down": n - up, "ratings": 0, **{f"rating_{k}": 0 for k in range(1, 6)}, "edited": 0,
                "regenerated": 0, "copied": 0, "abandoned": 0, "with_outcome": 0, "succeeded": 0}  # fmt: skip

    frame = pl.DataFrame(
        [
            counts("easy", "a", 100, 90),
            counts("easy", "b", 900, 810),
            counts("hard", "a", 900, 270),
            counts("hard", "b", 100, 30),
        ]
    )
    results = compare_arms(frame, "model", ("a", "b"), ComparisonSettings())
    thumbs = results.filter(pl.col("metric") == "thumbs_up_rate").row(0, named=True)
    assert thumbs["difference"] == pytest.approx(0.0, abs=1e-12)
    assert thumbs["verdict"] == NO_DIFFERENCE
