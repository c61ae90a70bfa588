"""Quality and traffic over time: warnings when a model's or a prompt version's feedback has got
significantly worse, and when the latest day's inputs and outputs have drifted from their baseline.

The statistics live in `feedback_platform.lib.monitoring.drift` and `lib.analysis.traffic_drift`; the
checks run them on the `daily_feedback_distribution` mart and on the responses, and put what they found, and
what they could have found, in metadata. They never block: a drop in feedback or a change of traffic is
news for the people who ship models and prompts, not a defect in the data, and the curated datasets stay as
valid as the feedback they come from.
"""

import dataclasses

import dagster as dg
import polars as pl

from feedback_platform.defs.table_metadata import frame_as_table
from feedback_platform.lib.analysis import traffic_drift as traffic_drift_module
from feedback_platform.lib.analysis.traffic_drift import (
    TrafficDriftSettings,
    traffic_drift,
    traffic_of_the_window,
)
from feedback_platform.lib.monitoring.drift import (
    DriftTestSettings,
    daily_thumbs_up_rate_by_model,
    detect_feedback_drift,
    latest_periods,
)
from feedback_platform.resources import DUCKDB_POOL, Warehouse

DRIFT_TEST = DriftTestSettings()

TEST_STATEMENT = f"""\
For every model, and every (model, prompt_version), two rates are compared between the **window** (the
latest {DRIFT_TEST.window_days} days, ending on the latest response day) and the **baseline** (the
{DRIFT_TEST.baseline_days} days before it): the thumbs-up rate, up / (up + down), and the high-rating share,
ratings of 4 or 5 / ratings, each response counting once with its latest vote.

Test: one-sided two-proportion z-test with pooled variance (H1: the window rate is lower). A group is
**degraded** when p < {DRIFT_TEST.alpha} / m, m being the number of tests run (Bonferroni: at most a
{DRIFT_TEST.alpha:.0%} chance of any false warning per evaluation). A group needs {DRIFT_TEST.min_votes}
votes in each period to be tested; others are reported as insufficient, never flagged.
`min_detectable_drop` is the drop the test would catch with {DRIFT_TEST.power:.0%} power at that alpha
given the group's counts: a smaller drop may be real and still go unflagged.
"""

_SHOWN_COLUMNS = [
    "group",
    "metric",
    "baseline_rate",
    "baseline_votes",
    "window_rate",
    "window_votes",
    "drop",
    "p_value",
    "min_detectable_drop",
    "status",
]


@dg.asset_check(
    asset="daily_feedback_distribution",
    name="feedback_rates_have_not_dropped",
    description="No model or (model, prompt_version) has a significantly lower thumbs-up rate or "
    "high-rating share in the latest days than in its trailing baseline (warning, non-blocking).",
    blocking=False,
    pool=DUCKDB_POOL,
)
def feedback_rates_have_not_dropped(distribution: pl.DataFrame) -> dg.AssetCheckResult:
    results = detect_feedback_drift(distribution, DRIFT_TEST)
    flagged = results.filter(pl.col("degraded"))
    periods = latest_periods(distribution, DRIFT_TEST)
    return dg.AssetCheckResult(
        passed=flagged.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "test": dg.MetadataValue.md(TEST_STATEMENT),
            "settings": dg.MetadataValue.json(dataclasses.asdict(DRIFT_TEST)),
            "periods": periods.describe() if periods else "no responses",
            "tests_run": results.filter(pl.col("status") == "tested").height,
            "alpha_per_test": results["alpha_per_test"].max() or DRIFT_TEST.alpha,
            "degraded_groups": ", ".join(
                f"{group} ({metric})" for group, metric in flagged.select("group", "metric").iter_rows()
            )
            or "none",
            "flagged": frame_as_table(flagged.select(_SHOWN_COLUMNS)),
            "all_groups": frame_as_table(results.select(_SHOWN_COLUMNS)),
            "daily_thumbs_up_rate_by_model": frame_as_table(daily_thumbs_up_rate_by_model(distribution)),
        },
    )


TRAFFIC_DRIFT = TrafficDriftSettings()


@dg.asset_check(
    asset="response_signals",
    name="traffic_has_not_drifted",
    description="The latest response day's prompt and output lengths, retrieval scores, language and "
    "feature mix match the trailing baseline (KS or chi-square test, Holm, and PSI; warning, non-blocking).",
    blocking=False,
    pool=DUCKDB_POOL,
)
def traffic_has_not_drifted(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        responses = traffic_of_the_window(con, TRAFFIC_DRIFT)
    results = traffic_drift(responses, TRAFFIC_DRIFT)
    drifted = results.filter(pl.col("drifted"))
    return dg.AssetCheckResult(
        passed=drifted.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "test": dg.MetadataValue.md(traffic_drift_module.__doc__ or ""),
            "settings": dg.MetadataValue.json(dataclasses.asdict(TRAFFIC_DRIFT)),
            "drifted_metrics": ", ".join(drifted["metric"]) or "none",
            "all_metrics": frame_as_table(results),
            **{
                f"psi_{metric}": round(value, 4)
                for metric, value in results.select("metric", "psi").iter_rows()
                if value is not None
            },
        },
    )
