"""The gate between a staged dataset version and its publication: every blocking check on it passed.

Within one run Dagster already skips the publishing step when a blocking check on the staged asset fails.
The gate repeats that decision from the instance's event log of the staging run, so that publishing on its
own (a re-execution from failure, a hand-picked selection in the UI) cannot publish a version whose audit
failed or never ran.
"""

from dataclasses import dataclass

import dagster as dg

_CHECK_EVENTS = (
    dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION,
)


@dataclass(frozen=True)
class AuditedVersion:
    """The staged version that passed its audit, with the per-tenant versions staged beside it."""

    version: str
    tenant_versions: dict[str, str]


def audited_staged_version(context: dg.AssetExecutionContext, staged_key: dg.AssetKey) -> AuditedVersion:
    """The latest staged version of `staged_key`, when every blocking check on it passed in its run.

    Raises `dg.Failure` naming each blocking check that failed or did not run on that materialisation.
    """
    record = context.instance.fetch_materializations(staged_key, limit=1).records
    if not record:
        raise dg.Failure(f"{staged_key.to_user_string()} was never materialised: nothing to publish")
    staged = record[0]
    metadata = staged.asset_materialization.metadata
    version = metadata["version"].value
    objections = _objections(context.instance, staged_key, staged.run_id)
    if objections:
        raise dg.Failure(
            description=f"staged version {version} is not published; the previous version stays latest",
            metadata={"staged_version": version, "failed_checks": dg.MetadataValue.json(objections)},
        )
    return AuditedVersion(version=version, tenant_versions=dict(metadata["tenant_versions"].value))


def _objections(instance: dg.DagsterInstance, staged_key: dg.AssetKey, staged_run_id: str) -> list[str]:
    """Why the checks run on the staged materialisation do not clear it; empty when they do.

    The checks are read from the run that staged the version, not from the job's definition, so that a run
    which only publishes still sees them: each check planned there must have passed, unless it is not
    blocking, and at least one must have run.
    """
    planned, evaluations = set(), {}
    for entry in instance.all_logs(staged_run_id, of_type=set(_CHECK_EVENTS)):
        data = entry.dagster_event.event_specific_data
        if data.asset_key != staged_key:
            continue
        if entry.dagster_event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED:
            planned.add(data.check_name)
        else:
            evaluations[data.check_name] = data
    if not planned:
        return [f"no check ran on the staged version (run {staged_run_id})"]
    return [
        f"{name}: did not run" if name not in evaluations else f"{name}: failed"
        for name in sorted(planned)
        if name not in evaluations
        or (not evaluations[name].passed and evaluations[name].blocking is not False)
    ]
