"""Was a newer model version or prompt version worse than the one it replaced?

A version replaces another when it was first served strictly later: model versions within their model,
prompt versions across models. Each newer version is compared with the version served before it
(`feedback_platform.lib.analysis.comparison`), and every metric of every pair forms one family for Holm's
adjustment, so one evaluation has at most `alpha` chance of any false warning however many versions exist.
Versions first served on the same day replace nothing: they ran side by side.
"""

from itertools import pairwise

import polars as pl

from feedback_platform.lib.analysis.comparison import metric_rows, with_verdicts
from feedback_platform.lib.analysis.settings import ComparisonSettings

PAIR_COLUMNS = {"compared": pl.String, "model": pl.String, "older": pl.String, "newer": pl.String}


def _successions(first_served: pl.DataFrame, column: str) -> list[tuple[str, str]]:
    """Consecutive (older, newer) versions by first day served, where the newer came strictly later."""
    ordered = first_served.sort("first_day", column).rows()
    return [
        (older, newer)
        for (older, older_day), (newer, newer_day) in pairwise(ordered)
        if newer_day > older_day
    ]


def replacements(daily_counts: pl.DataFrame) -> list[tuple[str, str | None, str, str]]:
    """(compared column, model or None, older version, newer version) of every replacement."""
    pairs: list[tuple[str, str | None, str, str]] = []
    model_versions = daily_counts.group_by("model", "model_version").agg(
        first_day=pl.col("response_date").min()
    )
    for (model,), versions in model_versions.sort("model").group_by("model", maintain_order=True):
        pairs += [
            ("model_version", model, older, newer)
            for older, newer in _successions(versions.select("model_version", "first_day"), "model_version")
        ]
    prompts = daily_counts.group_by("prompt_version").agg(first_day=pl.col("response_date").min())
    pairs += [
        ("prompt_version", None, older, newer) for older, newer in _successions(prompts, "prompt_version")
    ]
    return pairs


def replacement_comparisons(daily_counts: pl.DataFrame, settings: ComparisonSettings) -> pl.DataFrame:
    """Every metric of every replacement, newer (arm B) against older (arm A), Holm-adjusted as one
    family; empty (with the columns) when nothing was replaced."""
    rows = []
    for compared, model, older, newer in replacements(daily_counts):
        counts = daily_counts if model is None else daily_counts.filter(pl.col("model") == model)
        pair = {"compared": compared, "model": model, "older": older, "newer": newer}
        rows += [pair | row for row in metric_rows(counts, compared, (older, newer), settings)]
    return with_verdicts(rows, settings, labels=PAIR_COLUMNS)
