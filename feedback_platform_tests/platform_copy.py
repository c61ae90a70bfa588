"""A private copy of the session's sample platform, for tests that add dataset versions or training runs."""

import shutil
from pathlib import Path

from feedback_platform.settings import PlatformSettings
from feedback_platform_tests.conftest import SamplePlatform, settings_for


def copy_platform(sample: SamplePlatform, destination: Path) -> PlatformSettings:
    """Copy the sample's data directory (landing logs, warehouse, datasets) and return settings for it."""
    shutil.copytree(sample.settings.data_dir, destination)
    return settings_for(destination)


def cli_env(settings: PlatformSettings) -> dict[str, str | None]:
    """The environment under which `feedback-platform` uses ``settings``' data directory and nothing else."""
    return {
        "FEEDBACK_PLATFORM_DATA_DIR": str(settings.data_dir),
        "FEEDBACK_PLATFORM_DUCKDB": None,
        "FEEDBACK_PLATFORM_LANDING_DIR": None,
    }
