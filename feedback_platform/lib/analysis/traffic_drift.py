"""Has the traffic changed? The latest response day's inputs and outputs against a trailing baseline.

Feedback drift (`drift.py`) asks whether users like the answers less; this asks whether the questions, the
answers or the retrieval changed, which often comes first (a new client, a prompt that doubled the answers'
length, an index that stopped returning good passages). Per metric, the latest response day (the window)
is compared with the `baseline_days` before it:

- numeric, per response: `prompt_chars` (the last user message), `output_chars`, `retrieval_top_score`
  (the best score of the retrieved context; responses without context are left out). Test: two-sample
  Kolmogorov-Smirnov (`scipy.stats.ks_2samp`), sensitive to any change of shape, not only of the mean.
- categorical: `language` and `feature` mix. Test: chi-square test of homogeneity of the two periods'
  counts (`scipy.stats.chi2_contingency`).

Effect size: the population stability index, PSI = sum((w - b) * ln(w / b)) over the baseline's deciles
(numeric) or the categories, w and b the window's and the baseline's shares. The usual reading: below 0.1
no real shift, 0.1 to 0.25 a moderate one, above 0.25 a major one.

A metric has **drifted** when its Holm-adjusted p-value is below `alpha` and its PSI reaches `min_psi`:
at tens of thousands of responses a day the test alone calls shifts too small to matter significant, and
the PSI alone would call a small day's noise a shift. Each period needs `min_responses` values, else the
metric is reported as insufficient and never flagged.
"""

from dataclasses import dataclass
from datetime import timedelta

import duckdb
import numpy as np
import polars as pl
from scipy import stats

from feedback_platform.lib.analysis.comparison import holm_adjusted

NUMERIC = ("prompt_chars", "output_chars", "retrieval_top_score")
CATEGORICAL = ("language", "feature")
TESTED, INSUFFICIENT = "tested", "insufficient"
SHARE_FLOOR = 1e-4
"""The share an empty bin or category counts as in the PSI, which is infinite for a share of 0."""


@dataclass(frozen=True)
class TrafficDriftSettings:
    baseline_days: int = 14
    alpha: float = 0.01
    min_psi: float = 0.1
    min_responses: int = 100


RESULT_SCHEMA = pl.Schema(
    {
        "metric": pl.String,
        "test": pl.String,
        "baseline_n": pl.Int64,
        "window_n": pl.Int64,
        "baseline_summary": pl.String,
        "window_summary": pl.String,
        "statistic": pl.Float64,
        "p_value": pl.Float64,
        "p_adjusted": pl.Float64,
        "psi": pl.Float64,
        "status": pl.String,
        "drifted": pl.Boolean,
    }
)


def psi(baseline_shares: np.ndarray, window_shares: np.ndarray) -> float:
    b = np.maximum(baseline_shares, SHARE_FLOOR)
    w = np.maximum(window_shares, SHARE_FLOOR)
    return float(((w - b) * np.log(w / b)).sum())


def _decile_shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    return np.bincount(np.searchsorted(edges, values, side="right"), minlength=len(edges) + 1) / len(values)


def _numeric(baseline: np.ndarray, window: np.ndarray) -> dict[str, object]:
    edges = np.unique(np.quantile(baseline, np.linspace(0.1, 0.9, 9)))
    result = stats.ks_2samp(baseline, window)
    return {
        "test": "Kolmogorov-Smirnov",
        "baseline_summary": f"median {np.median(baseline):.4g}",
        "window_summary": f"median {np.median(window):.4g}",
        "statistic": float(result.statistic),
        "p_value": float(result.pvalue),
        "psi": psi(_decile_shares(baseline, edges), _decile_shares(window, edges)),
    }


def _categorical(baseline: pl.Series, window: pl.Series) -> dict[str, object]:
    categories = sorted(set(baseline.drop_nulls()) | set(window.drop_nulls()))
    counts = np.array(
        [[int((values == category).sum()) for category in categories] for values in (baseline, window)]
    )
    shares = counts / counts.sum(axis=1, keepdims=True)
    if len(categories) < 2:
        statistic, p_value = 0.0, 1.0
    else:
        statistic, p_value, _, _ = stats.chi2_contingency(counts)
    top = max(range(len(categories)), key=lambda i: shares[0][i])
    return {
        "test": "chi-square",
        "baseline_summary": f"{categories[top]} {shares[0][top]:.1%}",
        "window_summary": f"{categories[top]} {shares[1][top]:.1%}",
        "statistic": float(statistic),
        "p_value": float(p_value),
        "psi": psi(shares[0], shares[1]),
    }


TRAFFIC_SQL = """
with latest as (select max(cast(created_at as date)) as day from stg_feedback__responses)
select
    cast(created_at as date) as response_date,
    language,
    feature,
    length(list_filter(messages, lambda message: message.role = 'user')[-1].content) as prompt_chars,
    length(output) as output_chars,
    list_max(list_transform(retrieved_context, lambda passage: passage.score)) as retrieval_top_score
from stg_feedback__responses, latest
where cast(created_at as date) between latest.day - $baseline_days and latest.day
"""


def traffic_of_the_window(con: duckdb.DuckDBPyConnection, settings: TrafficDriftSettings) -> pl.DataFrame:
    """Per response of the latest response day and its baseline days: the figures `traffic_drift` compares."""
    return con.sql(TRAFFIC_SQL, params={"baseline_days": settings.baseline_days}).pl()


def traffic_drift(
    responses: pl.DataFrame,
    settings: TrafficDriftSettings = TrafficDriftSettings(),
    numeric: tuple[str, ...] = NUMERIC,
    categorical: tuple[str, ...] = CATEGORICAL,
) -> pl.DataFrame:
    """One row per metric (schema RESULT_SCHEMA), drifted ones first. `responses` holds `response_date` and
    the metrics' columns (by default the traffic's; any numeric and categorical columns are compared the
    same way, e.g. the failure-theme mix), one row per item, covering the latest day and its baseline."""
    latest = responses["response_date"].max()
    if latest is None:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    start = latest - timedelta(days=settings.baseline_days)
    baseline = responses.filter(pl.col("response_date").is_between(start, latest, closed="left"))
    window = responses.filter(pl.col("response_date") == latest)
    rows = []
    for metric in (*numeric, *categorical):
        before, after = baseline[metric].drop_nulls(), window[metric].drop_nulls()
        row: dict[str, object] = {"metric": metric, "baseline_n": before.len(), "window_n": after.len()}
        if min(before.len(), after.len()) < settings.min_responses:
            row |= {"test": "-", "status": INSUFFICIENT}
        elif metric in numeric:
            row |= _numeric(before.to_numpy().astype(float), after.to_numpy().astype(float))
        else:
            row |= _categorical(before, after)
        rows.append(row | {"status": row.get("status", TESTED)})
    adjusted = holm_adjusted([row.get("p_value") for row in rows])  # type: ignore[misc]
    for row, p_adjusted in zip(rows, adjusted, strict=True):
        row["p_adjusted"] = p_adjusted
        significant = p_adjusted is not None and p_adjusted < settings.alpha
        row["drifted"] = significant and row["psi"] >= settings.min_psi  # type: ignore[operator]
    return pl.DataFrame(rows, schema=RESULT_SCHEMA).sort(["drifted", "metric"], descending=[True, False])
