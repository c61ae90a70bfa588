"""The feedback_platform code location: every layer under defs/, wired to the configured resources."""

from pathlib import Path

import dagster as dg

from feedback_platform.resources import PlatformSettings, build_resources


def build_definitions(settings: PlatformSettings) -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(project_root=Path(__file__).parent.parent),
        dg.Definitions(resources=build_resources(settings)),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(PlatformSettings.from_environment())
