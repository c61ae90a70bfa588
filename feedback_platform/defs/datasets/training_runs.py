"""Registered training runs as external assets, downstream of the datasets they trained on.

A run is registered outside Dagster (`feedback-platform runs register`, or `register_training_run` from a
training pipeline), so Dagster does not materialise it; the code location reads the run registry when it
loads and shows each run as a node of the asset graph, linked to the dataset assets whose versions it
pinned. Reload the code location (or restart `make ui`) to see a newly registered run.
"""

from pathlib import Path

import dagster as dg

from feedback_platform.lib.datasets.training_runs import TrainingRun, erased_pins, list_training_runs

TRAINING_RUNS_GROUP = "training_runs"


def training_run_specs(runs_dir: Path, datasets_root: Path) -> list[dg.AssetSpec]:
    """One asset spec per registered run, keyed ``training_runs/<run name>``."""
    return [_training_run_spec(run, erased_pins(datasets_root, run)) for run in list_training_runs(runs_dir)]


def _training_run_spec(run: TrainingRun, erased: list[dict]) -> dg.AssetSpec:
    """The run's node; a run that trained on a version an erasure withdrew says so in its description,
    its `erased_data` tag (filterable in the UI) and its metadata."""
    pinned = [f"{pin.name}@{pin.version}" for pin in run.datasets]
    withdrawn = [f"{pin['dataset']}@{pin['version']} (erasure {pin['erasure_id']})" for pin in erased]
    return dg.AssetSpec(
        key=dg.AssetKey([TRAINING_RUNS_GROUP, run.name]),
        deps=sorted({f"{pin.kind}_dataset" for pin in run.datasets if pin.kind}),
        group_name=TRAINING_RUNS_GROUP,
        kinds={"training"},
        description=f"Training run {run.name}"
        + (f" of {run.model}" if run.model else "")
        + f", on {', '.join(pinned)}."
        + (f" Trained on data later erased: {', '.join(withdrawn)}." if withdrawn else ""),
        tags={"erased_data": "true"} if erased else {},
        metadata={
            "trained_on_erased_data": dg.MetadataValue.json(erased),
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
