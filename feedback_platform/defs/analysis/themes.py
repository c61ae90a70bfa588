"""Failure themes: the low-rated cases of the trailing window grouped by what their comments say
(`feedback_platform.lib.analysis.themes`), with a check that every case is accounted for and a warning when
the latest day's mix of themes drifts from its baseline (`lib.analysis.traffic_drift`'s test)."""

import dagster as dg
import polars as pl

from feedback_platform.defs.table_metadata import frame_as_table
from feedback_platform.lib.analysis.themes import OTHER, group_into_themes, low_rated_comments, theme_mix
from feedback_platform.lib.analysis.traffic_drift import TrafficDriftSettings, traffic_drift
from feedback_platform.resources import DUCKDB_POOL, CohortAnalysis, Warehouse

_SHOWN = ["theme", "cases", "share", "top_terms", "top_prompt_version", "top_prompt_version_lift",
          "top_model", "top_feature"]  # fmt: skip


@dg.asset(
    group_name="analysis", deps=["feedback_with_responses"], pool=DUCKDB_POOL, kinds={"duckdb", "scikitlearn"}
)
def failure_themes(warehouse: Warehouse, cohort_analysis: CohortAnalysis) -> dg.Output[pl.DataFrame]:
    """Comments on low-rated responses (thumb down, rating 1-2, regenerated or abandoned) of the trailing
    window, grouped into themes by their words (TF-IDF, average-linkage clustering): each theme's size,
    share, top terms, the prompt version, model and feature it concentrates in, cases per day and examples."""
    settings = cohort_analysis.themes()
    with warehouse.connect() as con:
        cases = low_rated_comments(con, settings)
    themes, _ = group_into_themes(cases, settings)
    named = themes.filter(pl.col("theme") != OTHER)
    return dg.Output(
        themes,
        metadata={
            "cases": cases.height,
            "themes": named.height,
            "largest_theme_share": round(named["share"].max(), 4) if named.height else 0.0,
            "other_share": round(1 - named["share"].sum(), 4) if cases.height else 0.0,
            "themes_table": frame_as_table(
                themes.select(_SHOWN).with_columns(pl.col("top_terms").list.join(", "))
            ),
        },
    )


@dg.asset_check(
    asset="failure_themes",
    description="The themes' cases add up to the low-rated comments of the window, their shares to 1, and "
    "every named theme has top terms and examples.",
    pool=DUCKDB_POOL,
)
def failure_themes_account_for_every_case(
    failure_themes: pl.DataFrame, warehouse: Warehouse, cohort_analysis: CohortAnalysis
) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        cases = low_rated_comments(con, cohort_analysis.themes()).height
    named = failure_themes.filter(pl.col("theme") != OTHER)
    problems = []
    if failure_themes["cases"].sum() != cases:
        problems.append(f"themes hold {failure_themes['cases'].sum()} cases, the window {cases}")
    if cases and abs(failure_themes["share"].sum() - 1) > 1e-9:
        problems.append(f"shares add up to {failure_themes['share'].sum():.6f}")
    if named.filter(
        (pl.col("top_terms").list.len() == 0) | (pl.col("example_response_ids").list.len() == 0)
    ).height:
        problems.append("a named theme without top terms or examples")
    return dg.AssetCheckResult(
        passed=not problems, metadata={"cases": cases, "problems": "; ".join(problems) or "none"}
    )


THEME_MIX_DRIFT = TrafficDriftSettings()


@dg.asset_check(
    asset="failure_themes",
    description="The latest feedback day's mix of failure themes matches the 14 days before it (chi-square, "
    "and a PSI of at least 0.1; warning, non-blocking; a day needs 100 cases to be tested).",
    blocking=False,
    pool=DUCKDB_POOL,
)
def failure_theme_mix_has_not_drifted(failure_themes: pl.DataFrame) -> dg.AssetCheckResult:
    results = traffic_drift(theme_mix(failure_themes), THEME_MIX_DRIFT, numeric=(), categorical=("theme",))
    if results.is_empty():
        return dg.AssetCheckResult(passed=True, metadata={"status": "no case in the window"})
    result = results.row(0, named=True)
    return dg.AssetCheckResult(
        passed=not result["drifted"],
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "status": result["status"],
            "latest_day_cases": result["window_n"],
            "baseline_cases": result["baseline_n"],
            "most_common_theme": f"{result['baseline_summary']} -> {result['window_summary']}",
            "p_value": result["p_value"] if result["p_value"] is not None else "not tested",
            "psi": round(result["psi"], 4) if result["psi"] is not None else "not tested",
        },
    )
