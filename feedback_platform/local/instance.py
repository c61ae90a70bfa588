"""The Dagster instance `make run` and `make ui` share, kept under the data directory, and the UI on it.

Its dagster.yaml turns telemetry off, limits the `duckdb` pool (the default limit) to one step at a time,
because DuckDB allows a single writing process per file, and turns run monitoring on, so a run that ended
without releasing its slot cannot block the pool.
"""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import yaml

from feedback_platform.settings import PlatformSettings

WORKSPACE_FILE = Path(__file__).resolve().parents[2] / "workspace.yaml"

INSTANCE_CONFIG = {
    "telemetry": {"enabled": False},
    "concurrency": {"pools": {"default_limit": 1}},
    "run_monitoring": {"enabled": True, "free_slots_after_run_end_seconds": 60},
}
"""`run_monitoring` (in effect while the daemon runs: `make ui`) frees the pool slots a run still holds 60 s
after it ended, and fails runs stuck starting or cancelling; runs `materialize` executes are recovered by
`materialize` itself (`local/recovery.py`)."""


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


def run_dagster_ui(settings: PlatformSettings, port: int) -> int:
    """Run `dagster dev` on the workspace with this instance and data until it exits; its exit status."""
    env = {
        **os.environ,
        "DAGSTER_HOME": str(prepare_dagster_home(settings)),
        "FEEDBACK_PLATFORM_DATA_DIR": str(settings.data_dir),
        "FEEDBACK_PLATFORM_DUCKDB": str(settings.duckdb_path),
    }
    dagster = Path(sys.executable).with_name("dagster")
    return subprocess.call([str(dagster), "dev", "-w", str(WORKSPACE_FILE), "-p", str(port)], env=env)
