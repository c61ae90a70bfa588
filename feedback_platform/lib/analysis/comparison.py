"""Is one model (or prompt version) better than another? A stratified comparison with a stated test.

Two arms, A and B, are compared on comparable traffic: the counts of `cohort_daily_counts` are split into
strata (tenant, feature, language, and the serving dimensions not compared: the prompt version when
comparing models, the model when comparing prompt versions), and only strata that both arms served count.
Within a stratum each metric's difference B - A is estimated from the arm's responses; the strata are
pooled with Cochran-Mantel-Haenszel weights w = n_A n_B / (n_A + n_B), so a stratum weighs by how well it
measures a difference, and an arm that serves more of an easy tenant gains nothing from it.

- Rates (thumbs-up rate over thumb votes; edit, regenerate, copy and abandon rates over responses): the
  stratum's variance is p(1 - p) per arm. Mean rating: the sample variance of the ratings (strata with
  fewer than two ratings in an arm are left out of that metric).
- Test: two-sided z-test of the pooled difference (normal approximation, fair with the `min_trials` each
  arm needs), p-values adjusted by Holm over the family of metrics compared (the family-wise error rate,
  the chance of any false verdict, stays at `alpha`).
- Verdict per metric: "better" or "worse" (from B's side, by the metric's direction) when the adjusted p is
  below alpha, else "no detectable difference" with the minimum detectable difference: the difference the
  test would find with probability `power` at alpha / m (the strictest Holm step) given these counts.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import duckdb
import numpy as np
import polars as pl
from scipy import stats

from feedback_platform.lib.analysis.cohorts import COUNTS, RATES, THUMB_VOTES
from feedback_platform.lib.analysis.intervals import Z, rating_moments
from feedback_platform.lib.analysis.settings import ComparisonSettings
from feedback_platform.lib.warehouse import table_exists


@dataclass(frozen=True)
class Metric:
    name: str
    higher_is_better: bool
    successes: str | None
    """The count of successes of a rate; None for the mean rating."""
    trials: str


METRICS = (
    Metric("thumbs_up_rate", True, *RATES["thumbs_up_rate"]),
    Metric("mean_rating", True, None, "ratings"),
    Metric("edit_rate", False, *RATES["edit_rate"]),
    Metric("regenerate_rate", False, *RATES["regenerate_rate"]),
    Metric("copy_rate", True, *RATES["copy_rate"]),
    Metric("abandon_rate", False, *RATES["abandon_rate"]),
    Metric("success_rate", True, *RATES["success_rate"]),
)
"""What a comparison compares; an edit, a regeneration or an abandon is a sign of a worse answer, a task
whose measured outcome failed (`response_signals.task_succeeded`) a worse one too."""

COMPARABLE_BY = ("tenant_id", "feature", "language")
"""Strata of every comparison: the traffic of a tenant, feature and language is compared with its own kind."""
COMPARED_DIMENSIONS = {
    "model": ("model", "model_version"),
    "model_version": ("model_version",),
    "prompt_version": ("prompt_version",),
    "period": ("model_version",),
}
"""What may be compared, and the serving columns that vary with it (the rest of the configuration is held
fixed within a stratum: a model's version changes with the model). `period` is a column the caller adds,
e.g. before and since a training run: a model's version may change with time, the rest is held fixed."""
SERVING = ("model", "model_version", "prompt_version")

DEFAULT_SETTINGS = ComparisonSettings()

BETTER, WORSE, NO_DIFFERENCE, UNTESTED = "better", "worse", "no detectable difference", "not tested"


RESULT_SCHEMA = pl.Schema(
    {
        "metric": pl.String,
        "higher_is_better": pl.Boolean,
        "strata": pl.Int64,
        "trials_a": pl.Int64,
        "trials_b": pl.Int64,
        "estimate_a": pl.Float64,
        "estimate_b": pl.Float64,
        "difference": pl.Float64,
        "difference_low": pl.Float64,
        "difference_high": pl.Float64,
        "z": pl.Float64,
        "p_value": pl.Float64,
    }
)


def strata_for(compared: str) -> list[str]:
    """The strata of a comparison of `compared`: tenant, feature, language and the serving columns held
    fixed."""
    varying = COMPARED_DIMENSIONS[compared]
    return [*COMPARABLE_BY, *(column for column in SERVING if column not in varying)]


def _arm_strata(counts: pl.DataFrame, arm_column: str, arm: str, strata: list[str]) -> pl.DataFrame:
    summed = (
        counts.filter(pl.col(arm_column) == arm)
        .group_by(strata)
        .agg(pl.col(count).sum() for count in COUNTS)
        .with_columns(thumb_votes=THUMB_VOTES)
    )
    return rating_moments(summed)


def _estimate_and_variance(frame: pl.DataFrame, metric: Metric, suffix: str) -> pl.DataFrame:
    """Adds the arm's trials `n`, estimate `p` and per-trial variance `v` (suffixed) for one metric."""
    n = pl.col(metric.trials + suffix).cast(pl.Float64)
    if metric.successes is not None:
        p = pl.col(metric.successes + suffix) / n
        variance = p * (1 - p)
    else:
        p = pl.col("rating_sum" + suffix) / n
        variance = (pl.col("rating_sum_of_squares" + suffix) - n * p**2) / (n - 1)
    return frame.with_columns(**{f"n{suffix}": n, f"p{suffix}": p, f"v{suffix}": variance.clip(0.0)})


def _pooled(joined: pl.DataFrame, metric: Metric) -> dict[str, object]:
    smallest = 2 if metric.successes is None else 1
    frame = _estimate_and_variance(_estimate_and_variance(joined, metric, "_a"), metric, "_b").filter(
        (pl.col("n_a") >= smallest) & (pl.col("n_b") >= smallest)
    )
    n_a, n_b = frame["n_a"].to_numpy(), frame["n_b"].to_numpy()
    weight = n_a * n_b / (n_a + n_b) if frame.height else np.array([])
    total = weight.sum()
    row: dict[str, object] = {
        "metric": metric.name,
        "higher_is_better": metric.higher_is_better,
        "strata": frame.height,
        "trials_a": int(n_a.sum()),
        "trials_b": int(n_b.sum()),
    }
    if not total:
        return row
    p_a, p_b = frame["p_a"].to_numpy(), frame["p_b"].to_numpy()
    v_a, v_b = frame["v_a"].to_numpy(), frame["v_b"].to_numpy()
    difference = float((weight * (p_b - p_a)).sum() / total)
    se = _pooled_se(weight, v_a / n_a + v_b / n_b)
    if metric.successes is None:
        null_se = se
    else:  # under H0 both arms share the stratum's rate: the test uses it, as a two-proportion z-test does
        shared = (p_a * n_a + p_b * n_b) / (n_a + n_b)
        null_se = _pooled_se(weight, shared * (1 - shared) * (1 / n_a + 1 / n_b))
    row |= {
        "estimate_a": float((weight * p_a).sum() / total),
        "estimate_b": float((weight * p_b).sum() / total),
        "difference": difference,
        "difference_low": difference - Z * se,
        "difference_high": difference + Z * se,
        "_se": se,
    }
    if null_se > 0:
        z = difference / null_se
        row |= {"z": z, "p_value": float(2 * stats.norm.sf(abs(z)))}
    return row


def _pooled_se(weight: np.ndarray, stratum_variance: np.ndarray) -> float:
    """The standard error of the weighted mean of the strata's differences."""
    return float(np.sqrt((weight**2 * stratum_variance).sum()) / weight.sum())


def holm_adjusted(p_values: list[float | None]) -> list[float | None]:
    """Holm's step-down adjustment of the p-values that are not None (the others stay None)."""
    tested = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(tested)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for step, (p, index) in enumerate(tested):
        running = max(running, min(1.0, (m - step) * p))
        adjusted[index] = running
    return adjusted


def compare_arms(
    counts: pl.DataFrame,
    compared: str,
    arms: tuple[str, str],
    settings: ComparisonSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """One row per metric (schema RESULT_SCHEMA plus `p_adjusted`, `verdict` and
    `min_detectable_difference`): arm B against arm A, two values of `compared` (a key of
    COMPARED_DIMENSIONS), over the strata both served."""
    return with_verdicts(metric_rows(counts, compared, arms, settings), settings)


def metric_rows(
    counts: pl.DataFrame, compared: str, arms: tuple[str, str], settings: ComparisonSettings
) -> list[dict[str, object]]:
    """The pooled difference and raw p-value of every metric, before any adjustment."""
    strata = strata_for(compared)
    arm_a, arm_b = (_arm_strata(counts, compared, arm, strata) for arm in arms)
    joined = arm_a.join(arm_b, on=strata, how="inner", suffix="_b", nulls_equal=True)
    joined = joined.rename({column: f"{column}_a" for column in arm_a.columns if column not in strata})
    rows = []
    for metric in METRICS:
        row = _pooled(joined, metric)
        if min(row["trials_a"], row["trials_b"]) < settings.min_trials:  # too few for the test: estimate only
            for untested in ("z", "p_value"):
                row.pop(untested, None)
        rows.append(row)
    return rows


def with_verdicts(
    rows: list[dict[str, object]],
    settings: ComparisonSettings,
    labels: Mapping[str, pl.DataType] = MappingProxyType({}),
) -> pl.DataFrame:
    """The rows as a frame with their Holm-adjusted p-values over the whole family, verdicts and minimum
    detectable differences (rows of several comparisons form one family, as a check that runs many needs).
    `labels` are the columns the caller added to each row to tell the comparisons apart; they come first."""
    adjusted = holm_adjusted([row.get("p_value") for row in rows])  # type: ignore[misc]
    tests = sum(p is not None for p in adjusted)
    z_needed = float(
        stats.norm.ppf(1 - settings.alpha / (2 * max(tests, 1))) + stats.norm.ppf(settings.power)
    )
    finished = []
    for row, p_adjusted in zip(rows, adjusted, strict=True):
        se = row.pop("_se", None)
        verdict = UNTESTED
        if p_adjusted is not None:
            verdict = NO_DIFFERENCE
            if p_adjusted < settings.alpha:
                improved = (row["difference"] > 0) == row["higher_is_better"]  # type: ignore[operator]
                verdict = BETTER if improved else WORSE
        finished.append(
            row
            | {
                "p_adjusted": p_adjusted,
                "verdict": verdict,
                "min_detectable_difference": z_needed * se if se and p_adjusted is not None else None,
            }
        )
    schema = (
        pl.Schema(labels)
        | RESULT_SCHEMA
        | {
            "p_adjusted": pl.Float64,
            "verdict": pl.String,
            "min_detectable_difference": pl.Float64,
        }
    )
    return pl.DataFrame(finished, schema=schema)


def overall_verdict(results: pl.DataFrame) -> str:
    """ "better" or "worse" when every significant metric agrees, "mixed" when they disagree, else "no
    detectable difference" (or "not tested" when no metric had the trials)."""
    verdicts = set(results["verdict"].to_list())
    if BETTER in verdicts and WORSE in verdicts:
        return "mixed"
    for verdict in (BETTER, WORSE, NO_DIFFERENCE):
        if verdict in verdicts:
            return verdict
    return UNTESTED


COUNTS_TABLE = "cohort_daily_counts"


def read_counts(
    con: duckdb.DuckDBPyConnection, fixed: dict[str, str], tenants: tuple[str, ...], latest_days: int | None
) -> pl.DataFrame:
    """The rows of `cohort_daily_counts` whose columns equal `fixed`, of `tenants` (all when empty), over
    the latest `latest_days` response days (all when None)."""
    if not table_exists(con, COUNTS_TABLE):
        raise LookupError(f"the warehouse has no {COUNTS_TABLE} table: materialise the assets first")
    conditions = [f'"{column}" = ${column}' for column in fixed]
    if tenants:
        conditions.append("list_contains($tenants, tenant_id)")
    if latest_days is not None:
        conditions.append(
            f"response_date > (select max(response_date) from {COUNTS_TABLE}) - {int(latest_days)}"
        )
    where = f"where {' and '.join(conditions)}" if conditions else ""
    parameters = dict(fixed) | ({"tenants": list(tenants)} if tenants else {})
    return con.sql(f"select * from {COUNTS_TABLE} {where}", params=parameters).pl()


def unknown_arms(counts: pl.DataFrame, compared: str, arms: tuple[str, str]) -> list[str]:
    """The arms that serve no response in `counts`."""
    served = set(counts[compared].unique().to_list())
    return [arm for arm in arms if arm not in served]
