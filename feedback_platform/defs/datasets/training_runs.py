"""Registered training runs as external assets, downstream of the datasets they trained on.

A run is registered outside Dagster (`feedback-platform runs register`, or `register_training_run` from a
training pipeline), so Dagster does not materialise it; the code location reads the run registry when it
loads and shows each run as a node of the asset graph, linked to the dataset assets whose versions it
pinned. Reload the code location (or restart `make ui`) to see a newly registered run.
"""

from pathlib import Path

import dagster as dg

from feedback_platform.lib.datasets.training_runs import TrainingRun, list_training_runs

TRAINING_RUNS_GROUP = "training_runs"


def training_run_specs(runs_dir: Path) -> list[dg.AssetSpec]:
    """One asset spec per registered run, keyed ``training_runs/<run name>``."""
    return [_training_run_spec(run) for run in list_training_runs(runs_dir)]


def _training_run_spec(run: TrainingRun) -> dg.AssetSpec:
    pinned = [f"{pin.name}@{pin.version}" for pin in run.datasets]
    return dg.AssetSpec(
        key=dg.AssetKey([TRAINING_RUNS_GROUP, run.name]),
        deps=sorted({f"{pin.kind}_dataset" for pin in run.datasets if pin.kind}),
        group_name=TRAINING_RUNS_GROUP,
        kinds={"training"},
        description=f"Training run {run.name}"
        + (f" of {run.model}" if run.model else "")
        + f", on {', '.join(pinned)}.",
        metadata={
            "model": run.model or "",
            "notes": run.notes or "",
            "registered_at": run.registered_at,
            "datasets": dg.MetadataValue.json(
                [
                    {
                        "dataset": pin.name,
                        "version": pin.version,
                        "rows": pin.row_count,
                        "rules": pin.rule_version,
                    }
                    for pin in run.datasets
                ]
            ),
        },
    )
