"""Resources: the handles every layer uses to reach the warehouse, the landing logs, the dataset store,
the PII engine and dbt, wired to the paths in `feedback_platform.settings.PlatformSettings`; and the dbt
project behind the join layer.
"""

import importlib.metadata
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import duckdb
import polars as pl
from dagster_dbt import DbtCliInvocation, DbtCliResource, DbtProject
from dagster_duckdb import DuckDBResource
from packaging import version

from feedback_platform.lib import warehouse
from feedback_platform.lib.analysis.settings import (
    CohortRankingSettings,
    ComparisonSettings,
    RetrainingThresholds,
    ThemeSettings,
)
from feedback_platform.lib.log_rotation import rotate_if_larger
from feedback_platform.lib.logs.quarantine_share import QuarantineLimit
from feedback_platform.lib.pii import KeyedPseudonyms, RedactorConfig
from feedback_platform.lib.retention.windows import RetentionWindows
from feedback_platform.lib.tenants import DEFAULT_RAW_TEXT_RETENTION_DAYS
from feedback_platform.settings import DEFAULT_ERASURE_BATCH_DAYS, PSEUDONYM_KEY_VARIABLE, PlatformSettings

if TYPE_CHECKING:
    from feedback_platform.lib.pii.bulk import BulkRedactor

DUCKDB_POOL = "duckdb"
"""Concurrency pool of every step that opens the DuckDB file: DuckDB allows one writing process."""

PARTITION_COLUMN_KEY = "partition_expr"
"""Asset metadata key naming the column that holds a partitioned asset's partition (dagster-duckdb's name)."""

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
"""The dbt project of the join layer, prepared once so its manifest exists before its assets load."""
_DBT_SOURCE_FOLDERS = ("models", "tests", "macros", "seeds", "snapshots")


def manifest_is_stale(project: DbtProject) -> bool:
    """No manifest yet (a fresh checkout), or a file of the project changed since it was parsed. A stale
    manifest lacks what was added since: dbt then reports a test the assets do not know, the join step
    fails on it mid-run and leaves dbt holding the warehouse."""
    if not project.manifest_path.exists():
        return True
    parsed_at = project.manifest_path.stat().st_mtime
    sources = [
        project.project_dir / "dbt_project.yml",
        *(path for folder in _DBT_SOURCE_FOLDERS for path in (project.project_dir / folder).rglob("*")),
    ]
    return any(path.is_file() and path.stat().st_mtime > parsed_at for path in sources)


if manifest_is_stale(dbt_project):
    dbt_project.preparer.prepare(dbt_project)  # a parse: seconds, and only when something changed
else:
    dbt_project.prepare_if_dev()


class Warehouse(DuckDBResource):
    """The embedded DuckDB file that holds every table.

    Connections come from dagster-duckdb's `DuckDBResource.get_connection`, which retries while another
    process holds the file's lock; `connect` also creates the folder, turns DuckDB's progress bar off
    (`warehouse.quiet`), and closes the connection when the block raises (`get_connection` closes it only on
    success, and an open connection keeps the lock).
    """

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        with self.get_connection() as con:
            try:
                yield warehouse.quiet(con)
            finally:
                con.close()

    @contextmanager
    def visible_to_dbt(self) -> Iterator[None]:
        """Point dbt's profile at this file (env_var FEEDBACK_PLATFORM_DUCKDB) and give it this resource's
        memory limit (FEEDBACK_PLATFORM_DUCKDB_MEMORY_LIMIT) while dbt runs: at 100,000 responses a day,
        dbt's DuckDB grew to 2.5 GB under DuckDB's default limit (80% of the machine's memory)."""
        variables = {"FEEDBACK_PLATFORM_DUCKDB": self.database}
        if memory_limit := (self.connection_config or {}).get("memory_limit"):
            variables["FEEDBACK_PLATFORM_DUCKDB_MEMORY_LIMIT"] = str(memory_limit)
        previous = {name: os.environ.get(name) for name in variables}
        os.environ.update(variables)
        try:
            yield
        finally:
            for name, value in previous.items():
                if value is None:
                    del os.environ[name]
                else:
                    os.environ[name] = value


DBT_TARGET_LOGS = ("dbt.log", "console.log")
"""Logs appended run after run in the warehouse's dbt target folder: dbt's own, and the join layer's echo."""


class DbtCli(DbtCliResource):
    """dagster-dbt's dbt resource, with one target folder per warehouse and without two fixed costs per
    invocation that the join layer does not use.

    dagster-dbt gives each invocation a fresh target folder under `dbt_project/target`, seeded with the parse
    state of `make manifest`; that state names the profile's default DuckDB path, so dbt parsed the whole
    project again on every run (2-3 s), and the folders piled up, one per run. `target_dir` (in the data
    folder) is reused instead: from the second run on dbt parses only what changed.

    Before it starts dbt, `DbtCliResource.cli` runs `dbt --version` in a subprocess (2 s here) to tell dbt
    Core from the Fusion engine, and opens a dbt adapter in this process (2.6 s) for row-count and column
    metadata, which the join layer never fetches. The dbt it runs is this environment's dbt-core (pinned in
    pyproject.toml), so the version is that package's, and no adapter is opened. Both overrides are of
    dagster-dbt internals (pinned to 0.29): should a release rename them, dbt runs as before, only slower.
    """

    target_dir: str

    def build(self, context: dg.AssetExecutionContext, full_refresh: bool) -> DbtCliInvocation:
        """`dbt build` of every model and data test (incremental models rebuilt from scratch with
        `full_refresh`), in this warehouse's target folder.

        Unit tests are left out: they check the models' SQL on fixed inputs, not the night's data, so they
        run where the SQL changes, in the test suite's own `dbt build` (`feedback_platform_tests/join`), as
        dbt advises; on every night they cost 3 s at any volume. The logs dbt and the join layer append
        to in the target folder are rotated first (`lib/log_rotation.py`)."""
        for log in DBT_TARGET_LOGS:
            rotate_if_larger(Path(self.target_dir) / log)
        args = [
            "build",
            "--exclude-resource-type",
            "unit_test",
            *(["--full-refresh"] if full_refresh else []),
        ]
        return self.cli(args, context=context, target_path=Path(self.target_dir))

    @property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


class DuckDBPolarsIOManager(dg.ConfigurableIOManager):
    """Stores each asset as the DuckDB table named after it, through `feedback_platform.lib.warehouse`.

    Partitioned assets name their partition column in metadata (`partition_expr`); a run replaces just
    the partitions it computed. Unlike dagster-duckdb's IO manager it writes in one transaction and
    inserts by column name.
    """

    warehouse: dg.ResourceDependency[Warehouse]

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame | None) -> None:
        if obj is None:  # dbt models and other assets that write their own table
            return
        table = context.asset_key.path[-1]
        with self.warehouse.connect() as con:
            if context.has_asset_partitions:
                column = _partition_column(context.definition_metadata)
                warehouse.replace_partitions(con, table, obj, column, _partition_dates(context))
            else:
                warehouse.replace_table(con, table, obj)
        context.add_output_metadata({"table": table, "dagster/row_count": obj.height})

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        """The upstream table; only the columns an input names in its metadata (`"columns"`), if any."""
        table = context.asset_key.path[-1]
        columns = (context.definition_metadata or {}).get("columns")
        with self.warehouse.connect() as con:
            if context.has_asset_partitions:
                upstream = context.upstream_output
                column = _partition_column(upstream.definition_metadata if upstream else {})
                return warehouse.read_table(con, table, column, _partition_dates(context), columns)
            return warehouse.read_table(con, table, columns=columns)


class LandingZone(dg.ConfigurableResource):
    """The folder where products drop their daily JSONL logs: <root>/<stream>/<YYYY-MM-DD>/*.jsonl[.gz]."""

    root: str

    @property
    def path(self) -> Path:
        return Path(self.root)


class DatasetStore(dg.ConfigurableResource):
    """The folder that holds every immutable dataset version."""

    root: str

    @property
    def path(self) -> Path:
        return Path(self.root)


class ErasureLog(dg.ConfigurableResource):
    """The folder of the erasure log (`feedback_platform.lib.erasure.log`): one record per erasure, and
    how many landing days the nightly lets consent erasures wait to be carried out together."""

    log_dir: str
    batch_days: int = DEFAULT_ERASURE_BATCH_DAYS


class QuarantineLimits(dg.ConfigurableResource):
    """How much of a stream's landing day may be quarantined before the day is taken for a broken producer
    (`feedback_platform.lib.logs.quarantine_share`)."""

    max_share: float = QuarantineLimit().max_share
    min_lines: int = QuarantineLimit().min_lines

    def limit(self) -> QuarantineLimit:
        return QuarantineLimit(max_share=self.max_share, min_lines=self.min_lines)


class CohortAnalysis(dg.ConfigurableResource):
    """The statistics settings of the analysis layer: the trailing window of the rankings and the failure
    themes, the votes a cohort needs to be ranked weak (`feedback_platform.lib.analysis.cohorts`), and the
    comparisons' significance, power and minimum trials (`feedback_platform.lib.analysis.comparison`)."""

    window_days: int = CohortRankingSettings().window_days
    min_votes: int = CohortRankingSettings().min_votes
    alpha: float = ComparisonSettings().alpha
    power: float = ComparisonSettings().power
    min_trials: int = ComparisonSettings().min_trials

    def ranking(self) -> CohortRankingSettings:
        return CohortRankingSettings(window_days=self.window_days, min_votes=self.min_votes)

    def comparison(self) -> ComparisonSettings:
        return ComparisonSettings(alpha=self.alpha, power=self.power, min_trials=self.min_trials)

    def themes(self) -> ThemeSettings:
        return ThemeSettings(window_days=self.window_days)


class RetrainingPolicy(dg.ConfigurableResource):
    """When the retraining trigger recommends a training run (`feedback_platform.lib.analysis.retraining`),
    where registered runs are read from and where recommendations are recorded."""

    training_runs_dir: str
    log_path: str
    min_new_sft_rows: int = RetrainingThresholds().min_new_rows["sft"]
    min_new_dpo_rows: int = RetrainingThresholds().min_new_rows["dpo"]
    baseline_days: int = RetrainingThresholds().baseline_days
    alpha: float = ComparisonSettings().alpha

    def thresholds(self) -> RetrainingThresholds:
        return RetrainingThresholds(
            min_new_rows={"sft": self.min_new_sft_rows, "dpo": self.min_new_dpo_rows},
            baseline_days=self.baseline_days,
            comparison=ComparisonSettings(alpha=self.alpha),
        )


class RawTextRetention(dg.ConfigurableResource):
    """How many landing days each tenant's raw text is kept: the tenants file's `raw_text_retention_days`
    (`feedback_platform.lib.retention.windows`)."""

    default_days: int | None = DEFAULT_RAW_TEXT_RETENTION_DAYS
    """The window of a tenant that sets none; None keeps raw text for ever."""
    tenant_days: dict[str, int] = {}

    def windows(self) -> RetentionWindows:
        return RetentionWindows(default_days=self.default_days, tenant_days=dict(self.tenant_days))


class PiiRedaction(dg.ConfigurableResource):
    """The Presidio engine, loaded once per process however many assets use it.

    Redactions are kept in a SQLite cache keyed by text hash and engine version, so a re-run or a later
    night never analyses the same text twice. `workers` > 1 analyses uncached texts in that many
    processes, started only for a call with many uncached texts (starting them costs seconds).
    With a `pseudonym_key`, entities become keyed pseudonyms stable within a conversation.
    """

    spacy_model: str = RedactorConfig().spacy_model
    allow_list: list[str] = []
    """Names never redacted (from the tenants file, see `PlatformSettings.redactor_config`)."""
    cache_path: str | None = None
    workers: int = 1
    pseudonym_key: str | None = None

    @property
    def pseudonymizes(self) -> bool:
        return self.pseudonym_key is not None

    def redactor(self) -> "BulkRedactor":
        key = self._key()
        if key not in _LOADED_REDACTORS:
            _LOADED_REDACTORS[key] = _load_redactor(*key)
        return _LOADED_REDACTORS[key]

    def stop_workers(self) -> None:
        """Stop the engine's worker processes in this process, if any: each holds a spaCy model, about
        450 MB. The engine and its cache stay loaded; a later call that needs the workers starts them."""
        if (redactor := _LOADED_REDACTORS.get(self._key())) is not None:
            redactor.stop_workers()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        """Stop the workers when the run (or, in a step's own process, the step) ends: a process that goes
        on to the datasets job has no use for them."""
        self.stop_workers()

    def _key(self) -> tuple[RedactorConfig, str | None, int, str | None]:
        config = RedactorConfig(spacy_model=self.spacy_model, allow_list=tuple(self.allow_list))
        return config, self.cache_path, self.workers, self.pseudonym_key


_LOADED_REDACTORS: dict[tuple[RedactorConfig, str | None, int, str | None], "BulkRedactor"] = {}
"""The engines loaded in this process, one per configuration: loading one takes seconds."""


def _load_redactor(
    config: RedactorConfig, cache_path: str | None, workers: int, pseudonym_key: str | None
) -> "BulkRedactor":
    """The engine, imported here: Presidio and spaCy take seconds to import, and most processes that load
    the code location (the UI, a skipped nightly, the datasets job) never redact."""
    from feedback_platform.lib.pii.bulk import BulkRedactor

    pseudonyms = KeyedPseudonyms(pseudonym_key) if pseudonym_key is not None else None
    return BulkRedactor(config, cache_path=cache_path, workers=workers, pseudonyms=pseudonyms)


def build_resources(settings: PlatformSettings) -> dict[str, object]:
    """The resources of the code location, wired to the paths in `settings`."""
    warehouse_resource = Warehouse(
        database=str(settings.duckdb_path), connection_config={"memory_limit": settings.duckdb_memory_limit}
    )
    redactor = settings.redactor_config()
    retention = settings.raw_text_retention()
    return {
        "io_manager": DuckDBPolarsIOManager(warehouse=warehouse_resource),
        "warehouse": warehouse_resource,
        "landing": LandingZone(root=str(settings.landing_dir)),
        "dataset_store": DatasetStore(root=str(settings.datasets_dir)),
        "erasure_log": ErasureLog(
            log_dir=str(settings.erasure_log_dir), batch_days=settings.erasure_batch_days
        ),
        "quarantine_limits": QuarantineLimits(max_share=settings.max_quarantined_share),
        "cohort_analysis": CohortAnalysis(),
        "retraining": RetrainingPolicy(
            training_runs_dir=str(settings.training_runs_dir),
            log_path=str(settings.retraining_log_path),
            min_new_sft_rows=settings.retrain_min_new_sft_rows,
            min_new_dpo_rows=settings.retrain_min_new_dpo_rows,
        ),
        "raw_text_retention": RawTextRetention(
            default_days=retention.default_days, tenant_days=dict(retention.tenant_days)
        ),
        "pii": PiiRedaction(
            spacy_model=redactor.spacy_model,
            allow_list=list(redactor.allow_list),
            cache_path=str(settings.pii_cache_path),
            workers=settings.pii_workers,
            pseudonym_key=dg.EnvVar(PSEUDONYM_KEY_VARIABLE)
            if settings.pii_placeholders == "pseudonyms"
            else None,
        ),
        "dbt": DbtCli(
            project_dir=dbt_project,
            dbt_executable=_dbt_beside_this_python(),
            target_dir=str(settings.dbt_target_dir),
        ),
    }


def _dbt_beside_this_python() -> str:
    """The virtualenv's dbt, so that a PATH without the virtualenv still runs the pinned dbt-core."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def _partition_column(metadata: Mapping[str, object]) -> str:
    column = metadata.get(PARTITION_COLUMN_KEY)
    if not isinstance(column, str):
        raise dg.DagsterInvariantViolationError(
            f"partitioned assets stored in DuckDB need metadata {PARTITION_COLUMN_KEY!r}"
        )
    return column


def _partition_dates(context: dg.OutputContext | dg.InputContext) -> list[date]:
    return [date.fromisoformat(key) for key in context.asset_partition_keys]
