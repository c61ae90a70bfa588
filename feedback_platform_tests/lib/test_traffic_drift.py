"""Traffic drift on simulated days: a stable day is left alone, a real shift of the outputs' length or of the
language mix is flagged, a small day is never flagged, and the PSI matches its definition."""

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from feedback_platform.lib.analysis.traffic_drift import (
    INSUFFICIENT,
    TrafficDriftSettings,
    psi,
    traffic_drift,
)

LATEST = date(2026, 11, 15)


def _days(
    rng: np.random.Generator, per_day: int, latest_day: dict[str, object] | None = None
) -> pl.DataFrame:
    """15 days of responses drawn alike; `latest_day` changes the last draw (output_scale, english)."""
    frames = []
    for offset in range(15):
        day = LATEST - timedelta(days=14 - offset)
        changes = latest_day if (latest_day and day == LATEST) else {}
        english = float(changes.get("english", 0.7))
        frames.append(
            pl.DataFrame(
                {
                    "response_date": [day] * per_day,
                    "language": rng.choice(
                        ["en", "de", "fr"], per_day, p=[english, (1 - english) / 2, (1 - english) / 2]
                    ),
                    "feature": rng.choice(["chat", "search"], per_day, p=[0.6, 0.4]),
                    "prompt_chars": rng.lognormal(4, 0.5, per_day).round(),
                    "output_chars": (
                        rng.lognormal(5, 0.4, per_day) * float(changes.get("output_scale", 1))
                    ).round(),
                    "retrieval_top_score": rng.beta(8, 2, per_day),
                }
            )
        )
    return pl.concat(frames)


# Guards quiet: days drawn alike are flagged at most rarely (20 simulated nights, none flagged).
def test_stable_traffic_is_not_flagged() -> None:
    rng = np.random.default_rng(3)
    flagged = [traffic_drift(_days(rng, 500))["drifted"].any() for _ in range(20)]
    assert not any(flagged)


# Guards the shifts the check exists for: outputs 30% longer, or English falling from 70% to 50%.
@pytest.mark.parametrize(
    ("change", "metric"), [({"output_scale": 1.3}, "output_chars"), ({"english": 0.5}, "language")]
)
def test_a_real_shift_is_flagged(change: dict[str, float], metric: str) -> None:
    results = traffic_drift(_days(np.random.default_rng(4), 500, change))
    assert results.filter(pl.col("drifted"))["metric"].to_list() == [metric]


# Guards small days: below min_responses a metric is insufficient, never flagged, however different.
def test_a_small_day_is_insufficient_not_flagged() -> None:
    days = _days(np.random.default_rng(5), 40, {"output_scale": 3})
    results = traffic_drift(days, TrafficDriftSettings(min_responses=100))
    assert set(results["status"]) == {INSUFFICIENT} and not results["drifted"].any()


def test_psi_matches_its_definition() -> None:
    baseline, window = np.array([0.5, 0.3, 0.2]), np.array([0.3, 0.3, 0.4])
    expected = (0.3 - 0.5) * np.log(0.3 / 0.5) + (0.4 - 0.2) * np.log(0.4 / 0.2)
    assert psi(baseline, window) == pytest.approx(expected)
    assert psi(baseline, baseline) == 0


def _themes_of_day(rng: np.random.Generator, day: date, first_theme_share: float) -> pl.DataFrame:
    rest = (1 - first_theme_share) / 2
    themes = rng.choice(["theme-1", "theme-2", "other"], 300, p=[first_theme_share, rest, rest])
    return pl.DataFrame({"response_date": [day] * 300, "theme": themes})


# Guards the failure-theme mix: the same test on any categorical column; a theme more than doubling its share
# on the latest day is flagged, the same mix is not.
@pytest.mark.parametrize(("latest_share", "flagged"), [(0.2, False), (0.45, True)])
def test_a_shift_in_the_failure_theme_mix_is_flagged(latest_share: float, flagged: bool) -> None:
    rng = np.random.default_rng(8)
    days = [LATEST - timedelta(days=offset) for offset in range(15)]
    mix = pl.concat(_themes_of_day(rng, day, latest_share if day == LATEST else 0.2) for day in days)
    results = traffic_drift(mix, numeric=(), categorical=("theme",))
    assert results["metric"].to_list() == ["theme"] and results["drifted"][0] is flagged
