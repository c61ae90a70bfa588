"""`feedback-platform runs`: register the dataset versions a training run used, and list the runs.

Training pipelines can call `feedback_platform.lib.datasets.training_runs.register_training_run`
directly; this command is the same call for a shell step or a person.
"""

import click

from feedback_platform.cli.options import DatasetRefType, echo_json, user_errors
from feedback_platform.lib.datasets.catalog import DatasetRef
from feedback_platform.lib.datasets.store import erasure_requested_at
from feedback_platform.lib.datasets.training_runs import (
    erased_pins,
    list_training_runs,
    register_training_run,
)
from feedback_platform.settings import PlatformSettings


@click.group("runs")
def runs_command() -> None:
    """Training runs and the dataset versions they trained on."""


@runs_command.command("register")
@click.argument("name")
@click.option(
    "--dataset",
    "datasets",
    type=DatasetRefType(pinned=True),
    multiple=True,
    required=True,
    help="A dataset version the run trained on, as NAME@VERSION; repeat for several.",
)
@click.option("--model", help="The model trained, e.g. a base model and output name.")
@click.option("--notes", help="Free text kept with the run.")
def register_command(
    name: str, datasets: tuple[DatasetRef, ...], model: str | None, notes: str | None
) -> None:
    """Record training run NAME and the dataset versions it used (names are never reused)."""
    settings = PlatformSettings.from_environment()
    with user_errors():
        run = register_training_run(
            settings.training_runs_dir, settings.datasets_dir, name, datasets, model=model, notes=notes
        )
    pins = ", ".join(f"{pin.name}@{pin.version} ({pin.row_count:,} rows)" for pin in run.datasets)
    click.echo(f"Registered training run {run.name}: {pins}")


@runs_command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Every run as JSON.")
def list_command(as_json: bool) -> None:
    """Every registered training run, oldest first."""
    settings = PlatformSettings.from_environment()
    runs = list_training_runs(settings.training_runs_dir)
    erased = {run.name: erased_pins(settings.datasets_dir, run) for run in runs}
    if as_json:
        echo_json([run.as_dict() | {"trained_on_erased_data": erased[run.name]} for run in runs])
        return
    if not runs:
        click.echo("No training runs registered.")
        return
    for run in runs:
        pins = ", ".join(f"{pin.name}@{pin.version}" for pin in run.datasets)
        click.echo(f"{run.name:<24} {run.registered_at[:19]}  {run.model or '-':<24} {pins}")
        for pin in erased[run.name]:
            click.echo(
                f"{'':<24} trained on data later erased: {pin['dataset']}@{pin['version']} was withdrawn"
                f" by erasure {pin['erasure_id']}, requested {erasure_requested_at(pin)[:10]}"
            )
