"""Where data lives and how PII is replaced, read from the environment.

Kept apart from `feedback_platform.resources` so that the CLI, tests and tools can read the settings
without importing Dagster, dagster-dbt, DuckDB or the PII engine.

Settings come from the environment once, when the code location is loaded or a command runs (never at
import time): `FEEDBACK_PLATFORM_DATA_DIR` (default `./data`), and optionally `FEEDBACK_PLATFORM_DUCKDB`,
`FEEDBACK_PLATFORM_LANDING_DIR`, `FEEDBACK_PLATFORM_SPACY_MODEL`, `FEEDBACK_PLATFORM_PII_WORKERS`,
`FEEDBACK_PLATFORM_TENANTS_FILE` (the tenants and the names redaction keeps; default the shipped
`feedback_platform/tenants.yaml`), `FEEDBACK_PLATFORM_PARTITION_START` (the first daily partition,
YYYY-MM-DD; default the earliest landing day), `FEEDBACK_PLATFORM_DUCKDB_MEMORY_LIMIT` (DuckDB's
`memory_limit` on the platform's connections, default 2GB), `FEEDBACK_PLATFORM_MAX_LANDING_MIB_PER_RUN`
(decompressed logs one landing run of `materialize` loads at most, default 128),
`FEEDBACK_PLATFORM_MAX_QUARANTINED_SHARE` (the share of a stream's landing day the contract may quarantine
before the day is stopped as a broken producer, default 0.2), and
`FEEDBACK_PLATFORM_PII_PLACEHOLDERS=pseudonyms` with the secret `FEEDBACK_PLATFORM_PSEUDONYM_KEY` for keyed
pseudonyms ("<PERSON_3fa92c1b>") instead of typed placeholders ("<PERSON>"), and
`FEEDBACK_PLATFORM_ERASURE_BATCH_DAYS` (landing days consent erasures may wait to be carried out
together, default 0), `FEEDBACK_PLATFORM_DAGSTER_POSTGRES_URL` (a PostgreSQL database for the Dagster
instance's runs, events and schedules instead of SQLite files in the data folder; see
`feedback_platform.local.instance`).
"""

import os
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from feedback_platform.lib.analysis.settings import RetrainingThresholds
from feedback_platform.lib.erasure.places import ErasurePlaces
from feedback_platform.lib.logs.landing import landing_dates
from feedback_platform.lib.logs.quarantine_share import QuarantineLimit
from feedback_platform.lib.pii import RedactorConfig
from feedback_platform.lib.pii.allow_list import load_allow_list
from feedback_platform.lib.pii.config import default_workers
from feedback_platform.lib.retention.windows import RetentionWindows
from feedback_platform.lib.tenants import load_tenants_file

DEFAULT_TENANTS_FILE = Path(__file__).resolve().parent / "tenants.yaml"

PSEUDONYM_KEY_VARIABLE = "FEEDBACK_PLATFORM_PSEUDONYM_KEY"
"""The environment variable holding the secret key of pseudonyms; read by Dagster, never stored in config."""

PARTITION_START_VARIABLE = "FEEDBACK_PLATFORM_PARTITION_START"
DAGSTER_POSTGRES_URL_VARIABLE = "FEEDBACK_PLATFORM_DAGSTER_POSTGRES_URL"
"""Read by Dagster itself (the instance's dagster.yaml names the variable), so the secret in the URL is in
no file and no setting."""
RETRAINING_VARIABLES = {
    "retrain_min_new_sft_rows": "FEEDBACK_PLATFORM_RETRAIN_MIN_SFT_ROWS",
    "retrain_min_new_dpo_rows": "FEEDBACK_PLATFORM_RETRAIN_MIN_DPO_ROWS",
}
"""The environment variable holding the first daily partition, for logs older than any landing day."""

PlaceholderStyle = Literal["typed", "pseudonyms"]

DEFAULT_MAX_LANDING_MIB_PER_RUN = 128
"""A landing run holds all its days' rows at once, and its peak memory grew by about ten times the logs it
loaded (measured: 193 MiB more for one more 19 MiB day of realistic text), so 128 MiB of logs keeps a run's
frames near 1.3 GB, inside a nightly's 4 GB with the redaction workers: a backfill's peak memory follows its
largest day, not its length. The sample's days are a fraction of a MiB: all of them run together."""

DEFAULT_ERASURE_BATCH_DAYS = 0
"""Consent erasures are carried out the night each arrives unless a deployment sets a batch window."""

DEFAULT_DUCKDB_MEMORY_LIMIT = "2GB"
"""DuckDB's memory limit on the platform's connections. DuckDB's own default is 80% of the machine's memory;
with a limit, joins, sorts and aggregations over a long history spill to `<warehouse>.tmp` instead, so a
nightly's peak memory does not grow with the history (docs/operations.md, "Memory")."""


class PlatformSettings(BaseModel, frozen=True):
    data_dir: Path
    duckdb_path: Path
    landing_dir: Path
    datasets_dir: Path
    training_runs_dir: Path
    pii_cache_path: Path
    dbt_target_dir: Path
    """dbt's target folder for this warehouse: its logs and the parse state later runs start from."""
    erasure_log_dir: Path
    """One JSON record per erasure (`feedback_platform.lib.erasure.log`)."""
    retraining_log_path: Path
    """One JSON line per retraining recommendation (`feedback_platform.lib.analysis.recommendations`)."""
    spacy_model: str = RedactorConfig().spacy_model
    pii_workers: int = Field(default_factory=default_workers)
    """Processes that redact uncached texts; they start only for a call with many such texts
    (`feedback_platform.lib.pii.workers.POOL_MIN_TEXTS`), so a small day runs in the run's process."""
    pii_placeholders: PlaceholderStyle = "typed"
    tenants_file: Path = DEFAULT_TENANTS_FILE
    partition_start: date | None = None
    """The first daily partition; None: the earliest landing day."""
    duckdb_memory_limit: str = Field(
        default=DEFAULT_DUCKDB_MEMORY_LIMIT, pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$"
    )
    """DuckDB's `memory_limit` for the warehouse's connections, e.g. `2GB` or `512MiB`."""
    max_landing_mib_per_run: int = Field(default=DEFAULT_MAX_LANDING_MIB_PER_RUN, ge=1)
    """Decompressed logs that one landing run of `feedback-platform materialize` loads at most: a range is
    run as consecutive groups of days up to this size (a larger day runs alone)."""

    erasure_batch_days: int = Field(default=DEFAULT_ERASURE_BATCH_DAYS, ge=0)
    """How many landing days consent erasures may wait to be carried out together (0: the night each
    arrives). Removing bytes costs what history costs; a window of a few days pays it once for a batch."""

    dagster_storage: Literal["sqlite", "postgres"] = "sqlite"
    """Where the Dagster instance keeps runs, events and schedules: SQLite files in its home, or the
    PostgreSQL database `FEEDBACK_PLATFORM_DAGSTER_POSTGRES_URL` names (set: "postgres")."""

    max_quarantined_share: float = Field(default=QuarantineLimit().max_share, ge=0, le=1)
    """The share of a stream's landing day the contract may quarantine before the blocking check
    `quarantined_share_within_limit` takes the day for a broken producer."""

    retrain_min_new_sft_rows: int = Field(default=RetrainingThresholds().min_new_rows["sft"], ge=0)
    retrain_min_new_dpo_rows: int = Field(default=RetrainingThresholds().min_new_rows["dpo"], ge=0)
    """The new rows of the latest sft and dpo versions since the last training run that the retraining
    trigger needs, besides a detectable change in feedback (`feedback_platform.lib.analysis.retraining`)."""

    def retraining_thresholds(self) -> RetrainingThresholds:
        return RetrainingThresholds(
            min_new_rows={"sft": self.retrain_min_new_sft_rows, "dpo": self.retrain_min_new_dpo_rows}
        )

    def first_partition_day(self) -> date:
        """The setting, else the earliest day folder under the landing folder, else today (UTC)."""
        if self.partition_start is not None:
            return self.partition_start
        days = landing_dates(self.landing_dir)
        return days[0] if days else datetime.now(UTC).date()

    def erasure_places(self) -> ErasurePlaces:
        """Where an erasure removes a user's data, and where it records it."""
        return ErasurePlaces(
            duckdb_path=self.duckdb_path,
            duckdb_memory_limit=self.duckdb_memory_limit,
            landing_dir=self.landing_dir,
            datasets_dir=self.datasets_dir,
            redaction_cache=self.pii_cache_path,
            erasure_log=self.erasure_log_dir,
        )

    def raw_text_retention(self) -> RetentionWindows:
        """How many landing days each tenant's raw text is kept, from the tenants file (docs/privacy.md).

        Raises `TenantsFileError` naming the file and key when the tenants file is malformed."""
        return load_tenants_file(self.tenants_file).raw_text_retention()

    def redactor_config(self) -> RedactorConfig:
        """The PII engine's configuration: the spaCy model, and the tenants file's names as its allow list.

        Raises `TenantsFileError` naming the file and key when the tenants file is malformed."""
        return RedactorConfig(spacy_model=self.spacy_model, allow_list=load_allow_list(self.tenants_file))

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> "PlatformSettings":
        data_dir = Path(environ.get("FEEDBACK_PLATFORM_DATA_DIR", "data")).resolve()
        duckdb_path = environ.get("FEEDBACK_PLATFORM_DUCKDB", data_dir / "warehouse.duckdb")
        landing_dir = environ.get("FEEDBACK_PLATFORM_LANDING_DIR", data_dir / "landing")
        placeholders = environ.get("FEEDBACK_PLATFORM_PII_PLACEHOLDERS", "typed")
        if placeholders == "pseudonyms" and not environ.get(PSEUDONYM_KEY_VARIABLE):
            raise ValueError(
                "FEEDBACK_PLATFORM_PII_PLACEHOLDERS=pseudonyms needs a secret key"
                f" in {PSEUDONYM_KEY_VARIABLE}"
            )
        return cls(
            data_dir=data_dir,
            duckdb_path=Path(duckdb_path).resolve(),
            landing_dir=Path(landing_dir).resolve(),
            datasets_dir=data_dir / "datasets",
            training_runs_dir=data_dir / "training_runs",
            pii_cache_path=data_dir / "pii_redaction_cache.sqlite",
            dbt_target_dir=data_dir / "dbt_target",
            erasure_log_dir=data_dir / "erasures",
            retraining_log_path=data_dir / "retraining" / "recommendations.jsonl",
            spacy_model=environ.get("FEEDBACK_PLATFORM_SPACY_MODEL", RedactorConfig().spacy_model),
            pii_workers=int(environ.get("FEEDBACK_PLATFORM_PII_WORKERS", default_workers())),
            pii_placeholders=placeholders,
            tenants_file=Path(environ.get("FEEDBACK_PLATFORM_TENANTS_FILE", DEFAULT_TENANTS_FILE)).resolve(),
            partition_start=_partition_start(environ.get(PARTITION_START_VARIABLE)),
            duckdb_memory_limit=environ.get(
                "FEEDBACK_PLATFORM_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT
            ),
            max_landing_mib_per_run=int(
                environ.get("FEEDBACK_PLATFORM_MAX_LANDING_MIB_PER_RUN", DEFAULT_MAX_LANDING_MIB_PER_RUN)
            ),
            erasure_batch_days=int(
                environ.get("FEEDBACK_PLATFORM_ERASURE_BATCH_DAYS", DEFAULT_ERASURE_BATCH_DAYS)
            ),
            dagster_storage="postgres" if environ.get(DAGSTER_POSTGRES_URL_VARIABLE) else "sqlite",
            max_quarantined_share=float(
                environ.get("FEEDBACK_PLATFORM_MAX_QUARANTINED_SHARE", QuarantineLimit().max_share)
            ),
            **{
                field: int(environ[variable])
                for field, variable in RETRAINING_VARIABLES.items()
                if environ.get(variable)
            },
        )


def _partition_start(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{PARTITION_START_VARIABLE}={value!r} is not a date (YYYY-MM-DD)") from None
