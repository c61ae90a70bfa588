"""Whether a nightly job would only repeat its last run: the same inputs, code and configuration.

Each run that `feedback-platform materialize` or a schedule launches carries, in the run tag `INPUTS_TAG`,
a fingerprint of what the job reads from outside itself, per partition:

- `landing_day_job`, per landing day: the day's log files (names and bytes);
- `datasets_job`, unpartitioned: the latest materialisation of every asset upstream of the job (the raw and
  redacted tables), so any new, re-run or backfilled landing day changes it;

both with the code: the package's source and data files, the dbt project, the installed versions of the
packages the project declares, and the configuration of every resource the job uses.

A launch is skipped when, for each of its partitions, the latest materialisation of every asset of the job
comes from one run that succeeded, failed no error-severity check, and recorded the same fingerprint. A
run launched without the tag (from the UI, a backfill) or re-executed never matches, so the next launch
runs again; so does any day whose last run failed. Files named in configuration are fingerprinted by name
only, except those shipped inside the package (the curation rules and the tenants file), whose bytes are in
the source.
"""

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg

from feedback_platform.lib.fingerprints import (
    combined,
    declared_dependency_versions,
    files_fingerprint,
    source_tree_fingerprint,
)
from feedback_platform.lib.hashing import canonical_json
from feedback_platform.lib.logs.contract import STREAMS
from feedback_platform.lib.logs.landing import landing_files
from feedback_platform.resources import DBT_PROJECT_DIR

INPUTS_TAG = "feedback_platform/inputs"
"""Run tag: JSON object of partition key (`UNPARTITIONED` for the datasets job) -> input fingerprint."""
UNPARTITIONED = ""

PACKAGE_DIR = Path(__file__).resolve().parents[1]
DISTRIBUTION = "feedback-platform"

JobInputs = Mapping[str, str]
"""Partition key -> fingerprint of what the job reads for it."""


def landing_day_inputs(job: dg.JobDefinition, landing_root: Path, days: Sequence[date]) -> JobInputs:
    """Per day: the day's log files of every stream, with the code."""
    code = code_fingerprint(job)
    return {str(day): combined(code, _landing_day_fingerprint(landing_root, day)) for day in days}


def datasets_inputs(job: dg.JobDefinition, instance: dg.DagsterInstance) -> JobInputs:
    """The latest materialisation (its storage id) of each asset upstream of the job, with the code."""
    layer = job.asset_layer
    upstream = sorted(layer.asset_graph.get_all_asset_keys() - layer.executable_asset_keys)
    latest = [f"{key.to_user_string()}={_latest_storage_id(instance, key)}" for key in upstream]
    return {UNPARTITIONED: combined(code_fingerprint(job), *latest)}


def code_fingerprint(job: dg.JobDefinition) -> str:
    """The package and dbt project sources, the declared packages' versions and the job's resource config."""
    configuration = {
        name: resource.config_schema.default_value if resource.config_schema.default_provided else None
        for name, resource in sorted(job.resource_defs.items())
    }
    return combined(
        source_tree_fingerprint([PACKAGE_DIR, DBT_PROJECT_DIR]),
        *declared_dependency_versions(DISTRIBUTION),
        canonical_json(configuration),
    )


def inputs_tags(inputs: JobInputs) -> dict[str, str]:
    return {INPUTS_TAG: json.dumps(dict(inputs), sort_keys=True)}


def unchanged_since(instance: dg.DagsterInstance, job: dg.JobDefinition, inputs: JobInputs) -> str | None:
    """The id of the run that already produced every asset of `job` from these very inputs, or None.

    With several partitions (a range), each may come from its own run; the last partition's is returned.
    """
    keys = job.asset_layer.executable_asset_keys
    producers: dict[str, str] = {}
    for partition in inputs:
        runs = {_latest_materialization_run(instance, key, partition) for key in keys}
        if len(runs) != 1 or None in runs:
            return None
        (producers[partition],) = runs
    for run_id in set(producers.values()):
        run = instance.get_run_by_id(run_id)
        recorded = _recorded_inputs(run)
        produced = [partition for partition, producer in producers.items() if producer == run_id]
        if any(recorded.get(partition) != inputs[partition] for partition in produced):
            return None
        if not _clean(instance, run):
            return None
    return producers[list(inputs)[-1]] if producers else None


@contextmanager
def own_landing_rewrites_recorded(context: dg.AssetExecutionContext, landing_root: Path) -> Iterator[None]:
    """Around a step that rewrites landing files of its run's own days (an erasure's tombstones, raw-text
    retention): when the days' files were still those the run was launched with, the run's tag gets their
    fingerprints after the rewrite. The run's tables are what a fresh ingest of the rewritten files gives,
    so the next launch on them is skipped like any unchanged day, instead of ingesting the day again. A file
    someone else changed since the launch leaves the tag as it was, and the next launch runs the day."""
    run = context.instance.get_run_by_id(context.run_id)
    recorded = json.loads(run.tags.get(INPUTS_TAG, "{}")) if run else {}
    days = [date.fromisoformat(key) for key in context.partition_keys if key in recorded]
    before = landing_day_inputs(context.job_def, landing_root, days)
    yield
    if not days or any(recorded[day] != fingerprint for day, fingerprint in before.items()):
        return
    after = landing_day_inputs(context.job_def, landing_root, days)
    if after != before:
        context.instance.add_run_tags(context.run_id, inputs_tags({**recorded, **after}))


def _landing_day_fingerprint(landing_root: Path, day: date) -> str:
    files = [path for stream in STREAMS for path in landing_files(landing_root, stream, day)]
    return files_fingerprint(files, landing_root)


def _latest_storage_id(instance: dg.DagsterInstance, key: dg.AssetKey) -> int | None:
    records = instance.fetch_materializations(key, limit=1).records
    return records[0].storage_id if records else None


def _latest_materialization_run(instance: dg.DagsterInstance, key: dg.AssetKey, partition: str) -> str | None:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition] if partition else None), limit=1
    ).records
    return records[0].run_id if records else None


def _recorded_inputs(run: dg.DagsterRun | None) -> dict[str, str]:
    """The fingerprints the run was launched with. None count for a re-execution: it inherits its parent's
    tags, though the files may have changed between the two."""
    if run is None or run.parent_run_id is not None:
        return {}
    return json.loads(run.tags.get(INPUTS_TAG, "{}"))


def _clean(instance: dg.DagsterInstance, run: dg.DagsterRun | None) -> bool:
    """The run succeeded and no error-severity check failed in it (those do not fail a Dagster run)."""
    if run is None or run.status != dg.DagsterRunStatus.SUCCESS:
        return False
    evaluations = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    return not any(
        not entry.dagster_event.event_specific_data.passed
        and entry.dagster_event.event_specific_data.severity == dg.AssetCheckSeverity.ERROR
        for entry in evaluations
    )


def request_unless_unchanged(
    instance: dg.DagsterInstance, job: dg.JobDefinition, inputs: JobInputs, partition_key: str | None = None
) -> dg.RunRequest | dg.SkipReason:
    """A schedule's answer: a run tagged with its inputs, or a skip naming the run that already did it."""
    previous = unchanged_since(instance, job, inputs)
    if previous is not None:
        subject = f"landing day {partition_key}" if partition_key else "the upstream tables"
        return dg.SkipReason(f"{subject}, code and configuration unchanged since run {previous}")
    return dg.RunRequest(partition_key=partition_key, tags=inputs_tags(inputs))
