"""The feedback_platform code location: every layer under defs/, wired to the configured resources, and the
registered training runs downstream of the datasets they used.

Every job, the schedules' and the UI's alike, runs its steps in the run's own process (the in-process
executor): the steps share one DuckDB file that a single process may write, so the `duckdb` pool runs
them one at a time anyway, and the multiprocess executor's only effect was a fresh Python process per
step, importing Dagster, dbt and the PII engine again (10-15 s each; the two nightly jobs have 90 steps).
Redaction gets its parallelism from its own worker processes (`FEEDBACK_PLATFORM_PII_WORKERS`).
"""

from pathlib import Path

import dagster as dg

from feedback_platform.defs.datasets.training_runs import training_run_specs
from feedback_platform.resources import build_resources
from feedback_platform.run_progress import LOGGERS
from feedback_platform.settings import PlatformSettings


def build_definitions(settings: PlatformSettings) -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(project_root=Path(__file__).parent.parent),
        dg.Definitions(
            executor=dg.in_process_executor,
            loggers=LOGGERS,
            resources=build_resources(settings),
            assets=training_run_specs(settings.training_runs_dir, settings.datasets_dir),
        ),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(PlatformSettings.from_environment())
