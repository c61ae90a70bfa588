"""The Dagster instance `make run` and `make ui` share, kept under the data directory, and the UI on it.

Its dagster.yaml turns telemetry off, limits the `duckdb` pool (the default limit) to one step at a time,
because DuckDB allows a single writing process per file, and turns run monitoring on, so a run that ended
without releasing its slot cannot block the pool. Runs, events and schedules are kept in SQLite files in the
home, or, with `FEEDBACK_PLATFORM_DAGSTER_POSTGRES_URL` set, in that PostgreSQL database (dagster-postgres):
what a deployment whose daemon, UI and runs share one instance should use. Either is Dagster's storage with
its connections kept open (`local/instance_storage.py`). The home under the data folder is the
platform's: its dagster.yaml follows the settings. A home named by $DAGSTER_HOME is the user's: its
dagster.yaml is written only where there is none, and refused when its SQLite storage lies in another
directory (a copied home would record its runs in the original's files).
"""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import dagster as dg
import yaml

from feedback_platform.lib.atomic_files import write_file_atomically
from feedback_platform.local.instance_storage import postgres_storage_config, sqlite_storage_config
from feedback_platform.settings import DAGSTER_POSTGRES_URL_VARIABLE, PlatformSettings

WORKSPACE_FILE = Path(__file__).resolve().parents[2] / "workspace.yaml"

INSTANCE_CONFIG = {
    "telemetry": {"enabled": False},
    "concurrency": {"pools": {"default_limit": 1}},
    "run_monitoring": {"enabled": True, "free_slots_after_run_end_seconds": 60},
}
"""`run_monitoring` (in effect while the daemon runs: `make ui`) frees the pool slots a run still holds 60 s
after it ended, and fails runs stuck starting or cancelling; runs `materialize` executes are recovered by
`materialize` itself (`local/recovery.py`)."""


def instance_config(settings: PlatformSettings, home: Path) -> dict[str, Any]:
    """The dagster.yaml of an instance in `home`: `INSTANCE_CONFIG`, and its storage: SQLite files in the
    home, or the PostgreSQL database when the settings ask."""
    if settings.dagster_storage == "sqlite":
        storage = sqlite_storage_config(str(home))
    else:
        storage = postgres_storage_config(DAGSTER_POSTGRES_URL_VARIABLE)
    return {**INSTANCE_CONFIG, "storage": storage}


def prepare_dagster_home(settings: PlatformSettings) -> Path:
    """Use $DAGSTER_HOME if set, else <data dir>/dagster_home, and write its dagster.yaml: where there is
    none, or where it is the platform's home and no longer says what the settings do."""
    platform_home = (settings.data_dir / "dagster_home").resolve()
    home = Path(os.environ.get("DAGSTER_HOME") or platform_home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config_file = home / "dagster.yaml"
    text = yaml.safe_dump(instance_config(settings, home), sort_keys=False)
    stale = home == platform_home and config_file.exists() and config_file.read_text() != text
    if not config_file.exists() or stale:
        write_file_atomically(config_file, lambda path: path.write_text(text), overwrite=True)
    if home != platform_home:
        check_storage_is_in_home(config_file, home)
    return home


def check_storage_is_in_home(config_file: Path, home: Path) -> None:
    """Raise ValueError when the dagster.yaml keeps its SQLite storage in another directory than its home.

    A SQLite storage block names its directory as an absolute path, so a copied home's dagster.yaml still
    names the original: every run would be recorded there, and the copy would read the original's history.
    Only a home named by $DAGSTER_HOME needs the check (the user's to fix): the platform's own dagster.yaml
    has just been written, or found equal to what would be, for that very home.
    """
    storage = (yaml.safe_load(config_file.read_text()) or {}).get("storage") or {}
    sqlite = storage.get("sqlite") or (storage.get("custom") or {}).get("config") or {}
    base_dir = sqlite.get("base_dir")
    if isinstance(base_dir, str) and Path(base_dir).resolve() != home:
        raise ValueError(
            f"{config_file} keeps the Dagster instance's runs in {base_dir}, not in its home {home}"
            " (a copied Dagster home?): set its storage base_dir to the home, or delete the file to have the"
            " platform write one"
        )


def local_instance(settings: PlatformSettings) -> dg.DagsterInstance:
    """The instance in `prepare_dagster_home`'s home, opened from that folder: not by setting $DAGSTER_HOME,
    which would stay set for the rest of the process and pick the home of a later call with other settings
    (the CLI run in-process, as the tests do)."""
    return dg.DagsterInstance.from_config(str(prepare_dagster_home(settings)))


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
