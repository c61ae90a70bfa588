"""Prints how often the feedback-drift check catches a 5-point drop in one model's thumbs-up rate, and how
often it warns when nothing changed, at the sample's volumes and at larger ones.

The traffic is shaped like the sample: per (model, model_version, prompt_version), the responses a day,
the share with a thumb and with a rating, the thumbs-up rate and the high-rating share are read from the
`daily_feedback_distribution` mart that `make run` built. Each trial draws `BASELINE + WINDOW` days of
counts from those rates (Poisson responses, binomial votes), scaled to a volume, lowers the thumbs-up
probability of `DEGRADED_MODEL` by `DROP` in the window days, and runs the check's own test
(`detect_feedback_drift`, default settings) on the frame. Null trials draw the same days with no drop.

Run after `make run`: .venv/bin/python bench/feedback_drift_power.py [TRIALS]
(the warehouse is the one `make run` uses; FEEDBACK_PLATFORM_DATA_DIR selects another).
"""

import sys
import time
from datetime import date

import duckdb
import numpy as np
import polars as pl

from feedback_platform.lib.monitoring.drift import DriftTestSettings, detect_feedback_drift
from feedback_platform.settings import PlatformSettings

DEGRADED_MODEL = "atlas-large"
DROP = 0.05
SETTINGS = DriftTestSettings()
DAYS = SETTINGS.baseline_days + SETTINGS.window_days
FIRST_DAY = date(2026, 1, 1)
VOLUMES = (200, 1_000, 3_000, 10_000, 20_000, 30_000, 50_000)
"""Responses a day, over all models; the sample writes 200."""

TEMPLATE_QUERY = """
select model, model_version, prompt_version,
       sum(responses) / count(distinct response_date) as responses_a_day,
       sum(responses) as responses,
       sum(thumbs_up + thumbs_down) as thumbs, sum(thumbs_up) as thumbs_up,
       sum(ratings) as ratings, sum(rating_4 + rating_5) as high_ratings
from daily_feedback_distribution
group by all
order by all
"""


def traffic_template(settings: PlatformSettings) -> pl.DataFrame:
    """Per served (model, model_version, prompt_version): its share of responses and its feedback rates."""
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        counts = con.sql(TEMPLATE_QUERY).pl().with_columns(pl.exclude(pl.String).cast(pl.Float64))
    return counts.select(
        "model",
        "model_version",
        "prompt_version",
        traffic_share=pl.col("responses_a_day") / pl.col("responses_a_day").sum(),
        thumb_share=pl.col("thumbs") / pl.col("responses"),
        thumbs_up_rate=pl.col("thumbs_up") / pl.col("thumbs"),
        rating_share=pl.col("ratings") / pl.col("responses"),
        high_rating_share=pl.col("high_ratings") / pl.col("ratings"),
    ).fill_nan(0.0)


def simulated_distribution(
    template: pl.DataFrame, responses_a_day: int, drop: float, rng: np.random.Generator
) -> pl.DataFrame:
    """`DAYS` days of the mart's counts at this volume; the degraded model's thumbs-up rate is `drop`
    lower in the window days."""
    groups, days = template.height, np.arange(DAYS)
    in_window = np.repeat(days >= SETTINGS.baseline_days, groups)
    column = {name: np.tile(template[name].to_numpy(), DAYS) for name in template.columns}
    degraded = (column["model"] == DEGRADED_MODEL) & in_window
    responses = rng.poisson(column["traffic_share"] * responses_a_day)
    thumbs = rng.binomial(responses, column["thumb_share"])
    thumbs_up = rng.binomial(thumbs, np.clip(column["thumbs_up_rate"] - drop * degraded, 0, 1))
    ratings = rng.binomial(responses, column["rating_share"])
    high_ratings = rng.binomial(ratings, column["high_rating_share"])
    return pl.DataFrame(
        {
            "response_date": np.repeat(np.datetime64(FIRST_DAY) + days, groups),
            "model": column["model"],
            "model_version": column["model_version"],
            "prompt_version": column["prompt_version"],
            "responses": responses,
            "thumbs_up": thumbs_up,
            "thumbs_down": thumbs - thumbs_up,
            "ratings": ratings,
            "rating_4": high_ratings,
            "rating_5": np.zeros_like(high_ratings),
        }
    )


def _drift(template: pl.DataFrame, volume: int, drop: float, rng: np.random.Generator) -> pl.DataFrame:
    return detect_feedback_drift(simulated_distribution(template, volume, drop, rng), SETTINGS)


def power_at(template: pl.DataFrame, responses_a_day: int, trials: int, rng: np.random.Generator) -> dict:
    """Detection rate of the drop, the false-warning rate without one, and the check's own stated
    minimum detectable drop for the degraded model (median over trials)."""
    degraded_model = (pl.col("group") == DEGRADED_MODEL) & (pl.col("metric") == "thumbs_up_rate")
    with_drop = [_drift(template, responses_a_day, DROP, rng).filter(degraded_model) for _ in range(trials)]
    without_drop = [_drift(template, responses_a_day, 0.0, rng) for _ in range(trials)]
    share = template.filter(pl.col("model") == DEGRADED_MODEL)
    return {
        "responses_a_day": responses_a_day,
        "degraded_model_thumbs_a_day": round(
            responses_a_day * (share["traffic_share"] * share["thumb_share"]).sum(), 1
        ),
        "stated_min_detectable_drop": pl.concat(with_drop)["min_detectable_drop"].median(),
        "drop_caught": sum(result["degraded"].any() for result in with_drop) / trials,
        "false_warning": sum(result["degraded"].any() for result in without_drop) / trials,
    }


def main() -> None:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    template = traffic_template(PlatformSettings.from_environment())
    print(
        f"{DROP * 100:.0f}-point drop in {DEGRADED_MODEL}'s thumbs-up rate, window {SETTINGS.window_days}"
        f" days against {SETTINGS.baseline_days}; {trials} trials with the drop and {trials} without;"
        f" traffic like the sample ({template.height} model x prompt-version groups)"
    )
    rng = np.random.default_rng(5)
    started = time.perf_counter()
    rows = [power_at(template, volume, trials, rng) for volume in VOLUMES]
    with pl.Config(tbl_width_chars=140, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        print(pl.DataFrame(rows).with_columns(pl.col(pl.Float64).round(3)))
    print(f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
