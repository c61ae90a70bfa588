"""The Dagster instance `make run` and `make ui` share, kept under the data directory.

Its dagster.yaml turns telemetry off and limits the `duckdb` pool (the default limit) to one step at a
time, because DuckDB allows a single writing process per file.
"""

import os
from pathlib import Path

import dagster as dg
import yaml

from feedback_platform.settings import PlatformSettings

INSTANCE_CONFIG = {
    "telemetry": {"enabled": False},
    "concurrency": {"pools": {"default_limit": 1}},
}


def prepare_dagster_home(settings: PlatformSettings) -> Path:
    """Use $DAGSTER_HOME if set, else <data dir>/dagster_home; write its dagster.yaml if missing."""
    home = Path(os.environ.get("DAGSTER_HOME") or settings.data_dir / "dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config_file = home / "dagster.yaml"
    if not config_file.exists():
        config_file.write_text(yaml.safe_dump(INSTANCE_CONFIG, sort_keys=False))
    return home


def local_instance(settings: PlatformSettings) -> dg.DagsterInstance:
    home = prepare_dagster_home(settings)
    os.environ["DAGSTER_HOME"] = str(home)
    return dg.DagsterInstance.get()
