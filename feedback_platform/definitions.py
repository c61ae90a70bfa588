"""The feedback_platform code location: every layer under defs/, wired to the configured resources, and the
registered training runs downstream of the datasets they used."""

from pathlib import Path

import dagster as dg

from feedback_platform.defs.datasets.training_runs import training_run_specs
from feedback_platform.resources import build_resources
from feedback_platform.settings import PlatformSettings


def build_definitions(settings: PlatformSettings) -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(project_root=Path(__file__).parent.parent),
        dg.Definitions(
            resources=build_resources(settings),
            assets=training_run_specs(settings.training_runs_dir),
        ),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(PlatformSettings.from_environment())
