"""Run the data-quality checks of chosen layers against the current tables, materialising nothing.

Behind `feedback-platform check`, for a data CI: a layer's checks are the Dagster asset checks on its asset
group, run in-process as the nightly jobs run them (same resources, same IO manager) but in a job that
selects the checks alone. Checks on the daily-partitioned layers run over every landing day in one
partition-range run; the other checks in one unpartitioned run. dbt tests are checks of the dbt
multi-asset, so selecting them alone makes dagster-dbt run just those tests.
"""

import io
from collections import Counter
from collections.abc import Sequence
from contextlib import redirect_stdout
from dataclasses import asdict, dataclass, field
from enum import StrEnum

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from feedback_platform.definitions import build_definitions
from feedback_platform.local.materialize import day_range_tags, landing_days
from feedback_platform.settings import PlatformSettings

CHECK_JOB = "data_quality_checks"

SILENT_CONSOLE = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
"""The report carries each check's outcome and error; the full events stay in the instance's run."""

VERBOSE_METADATA = frozenset({"expectations"})
"""Metadata that repeats another key at length (a suite's records; `summary` says the same in a line)."""

JSON_TYPES = (str, int, float, bool, list, dict, type(None))
"""Metadata values kept as they are in the details; others (e.g. tables) become their text."""


class CheckStatus(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    WARN = "WARN"
    """Failed at WARN severity: reported, but does not fail the report."""
    ERROR = "ERROR"
    """Could not be evaluated (the check raised, or its run could not start)."""


@dataclass(frozen=True)
class CheckOutcome:
    layer: str
    asset: str
    check: str
    status: CheckStatus
    partitions: str | None = None
    """The landing days checked, as `first..last`, for checks on daily-partitioned assets."""
    details: dict[str, object] = field(default_factory=dict)
    """Why a check did not pass: its description, summary and other metadata, or the error it raised."""


@dataclass(frozen=True)
class QualityReport:
    layers: tuple[str, ...]
    outcomes: list[CheckOutcome]

    @property
    def failed(self) -> bool:
        """A check failed at ERROR severity or could not run; warnings alone do not fail the report."""
        return any(outcome.status in (CheckStatus.FAIL, CheckStatus.ERROR) for outcome in self.outcomes)

    def counts(self) -> dict[CheckStatus, int]:
        found = Counter(outcome.status for outcome in self.outcomes)
        return {status: found[status] for status in CheckStatus}

    def as_dict(self) -> dict[str, object]:
        return {
            "layers": list(self.layers),
            "failed": self.failed,
            "counts": {str(status): count for status, count in self.counts().items()},
            "checks": [asdict(outcome) for outcome in self.outcomes],
        }


def run_layer_checks(
    settings: PlatformSettings, instance: dg.DagsterInstance, layers: Sequence[str]
) -> QualityReport:
    """Run every check on the assets of the `layers` (asset groups) against the tables as they are now.

    Outcomes come in the order of `layers`, then by asset and check name.
    """
    definitions = build_definitions(settings)
    asset_graph = definitions.resolve_asset_graph()
    layer_of = {
        key: asset_graph.get(key.asset_key).group_name
        for key in asset_graph.asset_check_keys
        if asset_graph.get(key.asset_key).group_name in layers
    }
    partitioned = [key for key in layer_of if asset_graph.get(key).partitions_def]
    unpartitioned = [key for key in layer_of if not asset_graph.get(key).partitions_def]
    outcomes = []
    if partitioned:
        day_range = day_range_tags(landing_days(settings))
        outcomes += _run_checks(definitions, instance, partitioned, layer_of, day_range)
    if unpartitioned:
        outcomes += _run_checks(definitions, instance, unpartitioned, layer_of, {})
    return QualityReport(
        layers=tuple(layers),
        outcomes=sorted(
            outcomes, key=lambda outcome: (layers.index(outcome.layer), outcome.asset, outcome.check)
        ),
    )


def _run_checks(
    definitions: dg.Definitions,
    instance: dg.DagsterInstance,
    check_keys: list[dg.AssetCheckKey],
    layer_of: dict[dg.AssetCheckKey, str],
    tags: dict[str, str],
) -> list[CheckOutcome]:
    """Run the checks alone until each has an outcome; a check that did not run is an ERROR.

    Dagster gates a check that reads an asset behind that asset's blocking checks in the same run, so a
    failed blocking check keeps the others reading that asset from starting: those run again, in a run
    without it. When no check starts at all (e.g. a resource failed), each is an ERROR with the run's error.
    """
    partitions = (
        f"{tags[ASSET_PARTITION_RANGE_START_TAG]}..{tags[ASSET_PARTITION_RANGE_END_TAG]}" if tags else None
    )
    judged: dict[dg.AssetCheckKey, tuple[CheckStatus, dict[str, object]]] = {}
    pending = check_keys
    while pending:
        job_def, result = _execute_checks_only(definitions, instance, pending, tags)
        evaluations = {found.asset_check_key: found for found in result.get_asset_check_evaluations()}
        started_steps = {event.step_key for event in result.all_events if event.is_step_start}
        step_of = {key: str(job_def.asset_layer.get_op_output_handle(key).node_handle) for key in pending}
        gated = [key for key in pending if key not in evaluations and step_of[key] not in started_steps]
        for key in pending:
            if key in evaluations:
                judged[key] = _judge(evaluations[key])
            elif key not in gated or len(gated) == len(pending):
                judged[key] = CheckStatus.ERROR, {"error": _run_error(result, step_of[key])}
        pending = [key for key in gated if key not in judged]
    return [
        CheckOutcome(
            layer=layer_of[key],
            asset=key.asset_key.to_user_string(),
            check=key.name,
            status=judged[key][0],
            partitions=partitions,
            details=judged[key][1],
        )
        for key in check_keys
    ]


def _execute_checks_only(
    definitions: dg.Definitions,
    instance: dg.DagsterInstance,
    check_keys: list[dg.AssetCheckKey],
    tags: dict[str, str],
) -> tuple[dg.JobDefinition, dg.ExecuteInProcessResult]:
    job = dg.define_asset_job(CHECK_JOB, selection=dg.AssetSelection.checks(*check_keys))
    job_def = dg.Definitions.merge(definitions, dg.Definitions(jobs=[job])).resolve_job_def(CHECK_JOB)
    # dagster-dbt echoes every dbt event to stdout; the report and the run's events say what matters.
    with redirect_stdout(io.StringIO()):
        result = job_def.execute_in_process(
            run_config=SILENT_CONSOLE, instance=instance, tags=tags, raise_on_error=False
        )
    return job_def, result


def _judge(evaluation: dg.AssetCheckEvaluation) -> tuple[CheckStatus, dict[str, object]]:
    """PASS, or FAIL/WARN (by severity) with the description, the summary first, then other metadata."""
    if evaluation.passed:
        return CheckStatus.PASS, {}
    metadata = {
        name: value.value if isinstance(value.value, JSON_TYPES) else str(value.value)
        for name, value in evaluation.metadata.items()
        if name not in VERBOSE_METADATA
    }
    details = {
        **({"description": evaluation.description} if evaluation.description else {}),
        **({"summary": metadata.pop("summary")} if "summary" in metadata else {}),
        **metadata,
    }
    warned = evaluation.severity == dg.AssetCheckSeverity.WARN
    return (CheckStatus.WARN if warned else CheckStatus.FAIL), details


def _run_error(result: dg.ExecuteInProcessResult, step_key: str) -> str:
    """The innermost error of the check's step, else of the run (e.g. a resource that failed to start)."""
    errors = [
        (event.step_key, event.event_specific_data.error)
        for event in result.all_events
        if getattr(event.event_specific_data, "error", None) is not None
    ]
    step_errors = [error for step, error in errors if step == step_key]
    run_errors = [error for step, error in errors if step is None]
    if not step_errors + run_errors:
        return "the check did not run and no error was recorded"
    error = (step_errors + run_errors)[0]
    while error.cause is not None:
        error = error.cause
    return error.message.strip()
