"""The quality-drift test (feedback_platform.lib.monitoring.drift) on frames shaped like
daily_feedback_distribution, and on counts built from generated sample logs with one model degraded."""

import datetime
import gzip
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy.stats import norm

from feedback_platform.lib.monitoring.drift import (
    DriftTestSettings,
    detect_feedback_drift,
    min_detectable_drop,
    upper_tail,
)
from feedback_platform.lib.sample_logs import GenerationSummary, SampleLogConfig, generate_sample_logs
from feedback_platform.lib.sample_logs.config import ModelDegradation

START = datetime.date(2026, 1, 1)
SETTINGS = DriftTestSettings()  # window 3 days, baseline 14 days, alpha 0.01, power 0.8, 30 votes


def _days(
    model: str, days: range, up: int, down: int, prompt_version: str = "v1", high: int = 0, low: int = 0
) -> list[dict]:
    """Mart rows of one configuration: `up`/`down` thumbs and `high` 5s and `low` 1s each day."""
    return [
        {
            "response_date": START + datetime.timedelta(days=day),
            "model": model,
            "model_version": "1",
            "prompt_version": prompt_version,
            "responses": 10 * (up + down),
            "thumbs_up": up,
            "thumbs_down": down,
            "ratings": high + low,
            "rating_1": low,
            "rating_2": 0,
            "rating_3": 0,
            "rating_4": 0,
            "rating_5": high,
        }
        for day in days
    ]


def _frame(*rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame([row for group in rows for row in group])


BASELINE, WINDOW = range(14), range(14, 17)


def _row(results: pl.DataFrame, group: str, metric: str = "thumbs_up_rate") -> dict:
    return results.filter((pl.col("group") == group) & (pl.col("metric") == metric)).row(0, named=True)


# No change between baseline and window: nothing is flagged, and the test did run.
def test_unchanged_rates_are_not_flagged() -> None:
    results = detect_feedback_drift(_frame(_days("m", range(17), up=300, down=100, high=60, low=20)))
    assert results["status"].to_list() == ["tested"] * 4
    assert not results["degraded"].any()
    assert results["drop"].to_list() == pytest.approx([0.0] * 4)
    assert results["p_value"].to_list() == pytest.approx([0.5] * 4)


# A 5-point thumbs-up drop (80% -> 75%) is flagged at 400 thumbs a day, where the test has the power for it:
# its minimum detectable drop is 4.5 points. At 100 thumbs a day the same drop is not flagged, and the
# minimum detectable drop (9.1 points) says the test could not have caught it.
@pytest.mark.parametrize(
    ("thumbs_per_day", "min_detectable", "flagged"), [(400, 0.0446, True), (100, 0.0913, False)]
)
def test_five_point_drop_is_flagged_where_the_test_has_the_power(
    thumbs_per_day: int, min_detectable: float, flagged: bool
) -> None:
    up_before, up_after = thumbs_per_day * 80 // 100, thumbs_per_day * 75 // 100
    results = detect_feedback_drift(
        _frame(
            _days("m", BASELINE, up=up_before, down=thumbs_per_day - up_before),
            _days("m", WINDOW, up=up_after, down=thumbs_per_day - up_after),
        )
    )
    row = _row(results, "m")
    assert (row["baseline_votes"], row["window_votes"]) == (14 * thumbs_per_day, 3 * thumbs_per_day)
    assert row["drop"] == pytest.approx(0.05)
    # two tests ran (the model, and the model with its only prompt version): Bonferroni halves alpha
    assert row["alpha_per_test"] == pytest.approx(0.005)
    assert row["min_detectable_drop"] == pytest.approx(min_detectable, abs=5e-4)
    assert row["degraded"] is flagged
    assert _row(results, "m / v1")["degraded"] is flagged


# The minimum detectable drop means what it says: simulated at exactly that drop, the test rejects in 80% of
# trials (the normal approximation is within a point of the exact binomial outcome at these counts).
@pytest.mark.parametrize("z", [-6.0, -1.0, 0.0, 1.6449, 3.0, 9.0, 30.0])
def test_upper_tail_is_scipys_normal_survival_function(z: float) -> None:
    assert upper_tail(z) == pytest.approx(norm.sf(z), rel=1e-12)


def test_upper_tail_passes_null_and_nan_through() -> None:
    assert upper_tail(None) is None
    assert np.isnan(upper_tail(float("nan")))


def test_min_detectable_drop_has_the_stated_power() -> None:
    baseline_rate, baseline_votes, window_votes, alpha = 0.8, 2000, 400, 0.005
    drop = min_detectable_drop(
        np.array([baseline_rate]), np.array([baseline_votes]), np.array([window_votes]), alpha, 0.8
    )[0]
    rng = np.random.default_rng(7)
    up_before = rng.binomial(baseline_votes, baseline_rate, 20_000)
    up_after = rng.binomial(window_votes, baseline_rate - drop, 20_000)
    pooled = (up_before + up_after) / (baseline_votes + window_votes)
    z = (up_before / baseline_votes - up_after / window_votes) / np.sqrt(
        pooled * (1 - pooled) * (1 / baseline_votes + 1 / window_votes)
    )
    assert np.mean(norm.sf(z) < alpha) == pytest.approx(0.8, abs=0.015)


# A drop in one prompt version is found in that version's group; the other version stays clean; ratings are
# tested too (high-rating share 75% -> 50%).
def test_prompt_version_and_rating_drops_are_found_in_their_group() -> None:
    results = detect_feedback_drift(
        _frame(
            _days("m", range(17), up=300, down=100, prompt_version="v1", high=60, low=20),
            _days("m", BASELINE, up=300, down=100, prompt_version="v2", high=60, low=20),
            _days("m", WINDOW, up=200, down=200, prompt_version="v2", high=40, low=40),
        )
    )
    flagged = results.filter("degraded").select("group", "metric").rows()
    assert sorted(flagged) == [
        ("m", "high_rating_share"),
        ("m", "thumbs_up_rate"),
        ("m / v2", "high_rating_share"),
        ("m / v2", "thumbs_up_rate"),
    ]
    assert results["alpha_per_test"].unique().to_list() == [pytest.approx(0.01 / 6)]


# No baseline (a new model, or a platform younger than the window): reported as insufficient, not flagged,
# even with a window rate far below any earlier one; a model that stopped serving is insufficient too.
def test_groups_without_enough_votes_are_reported_not_flagged() -> None:
    results = detect_feedback_drift(
        _frame(
            _days("new", WINDOW, up=10, down=390),
            _days("retired", BASELINE, up=390, down=10),
            _days("steady", range(17), up=300, down=100),
        )
    )
    new, retired = _row(results, "new"), _row(results, "retired")
    assert (new["status"], new["baseline_votes"], new["degraded"]) == ("insufficient baseline", 0, False)
    assert new["z"] is None and new["p_value"] is None and new["min_detectable_drop"] is None
    assert (retired["status"], retired["window_votes"], retired["degraded"]) == (
        "insufficient window",
        0,
        False,
    )
    assert _row(results, "steady")["status"] == "tested"
    assert detect_feedback_drift(_frame(_days("m", range(17), up=300, down=100)).clear()).is_empty()


def _lines(out_dir: Path, stream: str, summary: GenerationSummary) -> pl.DataFrame:
    """The well-formed lines of a stream (the summary lists the malformed ones), as text."""
    files = []
    for path in sorted(out_dir.glob(f"{stream}/*/part-0000.jsonl*")):
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        texts = data.decode("utf-8").split("\n")[:-1]
        file = path.relative_to(out_dir).as_posix()
        files.append(pl.DataFrame({"file": file, "line": range(1, len(texts) + 1), "text": texts}))
    malformed = pl.DataFrame(
        [(stream_file, line) for _, stream_file, line, _ in summary.malformed],
        schema={"file": pl.String, "line": pl.Int64},
        orient="row",
    )
    return pl.concat(files).cast({"line": pl.Int64}).join(malformed, on=["file", "line"], how="anti")


def _fields(*names: str) -> list[pl.Expr]:
    return [pl.col("text").str.json_path_match(f"$.{name}").alias(name) for name in names]


def _distribution_from_logs(out_dir: Path, summary: GenerationSummary) -> pl.DataFrame:
    """daily_feedback_distribution computed straight from the landing logs (no pipeline): responses and
    events deduplicated by id (first delivery wins), each response's latest thumb and rating."""
    responses = (
        _lines(out_dir, "responses", summary)
        .select(_fields("response_id", "created_at", "model", "model_version", "prompt_version"))
        .unique("response_id", keep="first", maintain_order=True)
    )
    latest_votes = (
        _lines(out_dir, "feedback", summary)
        .select(_fields("event_id", "response_id", "created_at", "signal", "value"))
        .unique("event_id", keep="first", maintain_order=True)
        .filter(pl.col("signal").is_in(["thumb", "rating"]))
        .sort("created_at", "event_id")
        .group_by("response_id", "signal")
        .agg(pl.col("value").last())
        .pivot("signal", index="response_id", values="value")
    )
    rating = pl.col("rating").cast(pl.Int64)
    return (
        responses.join(latest_votes, on="response_id", how="left")
        .group_by(
            pl.col("created_at").str.slice(0, 10).str.to_date().alias("response_date"),
            "model",
            "model_version",
            "prompt_version",
        )
        .agg(
            responses=pl.len(),
            thumbs_up=(pl.col("thumb") == "up").sum(),
            thumbs_down=(pl.col("thumb") == "down").sum(),
            ratings=rating.count(),
            **{f"rating_{stars}": (rating == stars).sum() for stars in range(1, 6)},
        )
        .cast({pl.UInt32: pl.Int64})
    )


# Generated logs with atlas-large degraded over the last 3 of 10 days (chance of a good answer 25 points
# lower): the drop is flagged for atlas-large, and for no other model. 25,000 responses (about 15 s) give
# atlas-large about 500 baseline and 200 window thumbs: the test's minimum detectable drop there is about
# 15 points, the degradation moves the thumbs-up rate by about 20, so the test has the power for it.
# A 5-point drop would need about 15,000 responses a day for 17 days (see the report in docs/data-quality.md).
def test_degraded_model_in_generated_logs_is_flagged_alone(tmp_path: Path) -> None:
    config = SampleLogConfig(
        days=10,
        responses_per_day=2_500,
        seed=7,
        start_date=START,
        degradation=ModelDegradation("atlas-large", from_day=7, quality_drop=0.25),
    )
    summary = generate_sample_logs(config, tmp_path)
    results = detect_feedback_drift(
        _distribution_from_logs(tmp_path, summary), DriftTestSettings(window_days=3, baseline_days=7)
    )
    atlas = _row(results, "atlas-large")
    assert atlas["degraded"]
    assert atlas["drop"] > atlas["min_detectable_drop"]
    assert atlas["min_detectable_drop"] < 0.17
    flagged_models = set(results.filter("degraded")["model"].to_list())
    assert flagged_models == {"atlas-large"}
    others = results.filter((pl.col("grouping") == "model") & (pl.col("model") != "atlas-large"))
    assert others["status"].to_list() == ["tested"] * 6
