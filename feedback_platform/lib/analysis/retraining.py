"""Is there enough new signal to retrain? A volume and a significance requirement, both stated.

Since the last registered training run (`lib/datasets/training_runs.py`):

- **volume**: the rows of each watched dataset's latest version that were not in the version the run
  trained on (by row id, from the row lineage) reach that dataset's minimum (`min_new_rows`);
- **significance**: some model's feedback since the run differs detectably from the `baseline_days` before
  it: the stratified comparison of `lib/analysis/comparison.py` with the two periods as arms (every serving
  column held fixed, Holm over every model and metric), at least one metric called better or worse.

Retraining is recommended when both hold: new rows alone may repeat what the model already learnt, and a
change in quality alone has no new data to learn from. Before any training run is registered, every row
is new and there is no "since" to compare: the volume alone decides the first training.
"""

import datetime
from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import polars as pl

from feedback_platform.lib.analysis.comparison import (
    BETTER,
    WORSE,
    metric_rows,
    with_verdicts,
)
from feedback_platform.lib.analysis.settings import RetrainingThresholds
from feedback_platform.lib.datasets.index import REGISTRY_TABLE
from feedback_platform.lib.datasets.row_lineage_table import LINEAGE_TABLE
from feedback_platform.lib.datasets.training_runs import TrainingRun


@dataclass(frozen=True)
class RetrainingAssessment:
    recommended: bool
    since_run: str | None
    """The training run the new signal is counted from; None before the first."""
    latest_versions: dict[str, str | None]
    new_rows: dict[str, int]
    quality_changes: list[dict[str, Any]]
    """The significant metrics per model since the run (empty before the first run)."""
    reasons: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def latest_versions(con: duckdb.DuckDBPyConnection, datasets: list[str]) -> dict[str, str | None]:
    rows = con.sql(
        f"select name, version from {REGISTRY_TABLE} where latest and list_contains($names, name)",
        params={"names": datasets},
    ).fetchall()
    return {dataset: dict(rows).get(dataset) for dataset in datasets}


def new_rows(con: duckdb.DuckDBPyConnection, dataset: str, latest: str | None, pinned: str | None) -> int:
    """Rows of `dataset`'s latest version whose id is not in the pinned version (all of them without one)."""
    if latest is None:
        return 0
    (count,) = con.sql(
        f"""
        select count(distinct row_id) from {LINEAGE_TABLE}
        where dataset = $dataset and version = $latest
          and row_id not in (
              select row_id from {LINEAGE_TABLE} where dataset = $dataset and version = $pinned
          )
        """,
        params={"dataset": dataset, "latest": latest, "pinned": pinned or ""},
    ).fetchall()[0]
    return int(count)


def quality_changes_since(
    daily_counts: pl.DataFrame, since: datetime.date, thresholds: RetrainingThresholds
) -> pl.DataFrame:
    """Per model, each metric of its feedback since `since` against the `baseline_days` before, one Holm
    family over every model and metric; the significant rows only (verdict better or worse)."""
    start = since - datetime.timedelta(days=thresholds.baseline_days)
    periods = daily_counts.filter(pl.col("response_date") >= start).with_columns(
        period=pl.when(pl.col("response_date") >= since).then(pl.lit("since")).otherwise(pl.lit("before"))
    )
    rows = []
    for (model,), counts in periods.group_by("model", maintain_order=True):
        if counts["period"].n_unique() == 2:
            found = metric_rows(counts, "period", ("before", "since"), thresholds.comparison)
            rows += [{"model": model} | row for row in found]
    judged = with_verdicts(rows, thresholds.comparison, labels={"model": pl.String})
    return judged.filter(pl.col("verdict").is_in([BETTER, WORSE]))


def assess(
    con: duckdb.DuckDBPyConnection,
    daily_counts: pl.DataFrame,
    last_run: TrainingRun | None,
    thresholds: RetrainingThresholds,
) -> RetrainingAssessment:
    """Whether to retrain now, with the figures and the reasons either way."""
    watched = list(thresholds.min_new_rows)
    latest = latest_versions(con, watched)
    pins = {pin.name: pin.version for pin in last_run.datasets} if last_run else {}
    counted = {dataset: new_rows(con, dataset, latest[dataset], pins.get(dataset)) for dataset in watched}
    short = {d: n for d, n in counted.items() if n < thresholds.min_new_rows[d]}
    reasons = [
        f"{dataset}: {counted[dataset]:,} new rows ({'below' if dataset in short else 'at least'} "
        f"{thresholds.min_new_rows[dataset]:,})"
        for dataset in watched
    ]
    changes: list[dict[str, Any]] = []
    significant = last_run is None
    if last_run is not None:
        since = datetime.datetime.fromisoformat(last_run.registered_at).date()
        found = quality_changes_since(daily_counts, since, thresholds)
        changes = found.select(
            "model", "metric", "estimate_a", "estimate_b", "difference", "p_adjusted", "verdict"
        ).to_dicts()
        significant = bool(changes)
        reasons.append(
            "; ".join(f"{c['model']} {c['metric']} {c['verdict']} since {last_run.name}" for c in changes)
            if changes
            else f"no model's feedback differs detectably since {last_run.name} (registered {since})"
        )
    else:
        reasons.append("no training run registered yet: the volume alone decides the first one")
    return RetrainingAssessment(
        recommended=not short and significant,
        since_run=last_run.name if last_run else None,
        latest_versions=latest,
        new_rows=counted,
        quality_changes=changes,
        reasons=reasons,
    )
