"""Which landing days the incremental dbt models (`stg_feedback__events`, `feedback_with_responses`,
`response_signals`) recompute.

The models change only where their inputs changed: the partitions of the redacted feedback, the redacted
responses and the consent events written since they were last built, whether by the new day's run, a re-run
of an old day or a backfill. The dbt models turn those days into the events and responses to rebuild
(dbt_project/macros/restaged_feedback_events.sql, recomputed_feedback_events.sql, recomputed_responses.sql).
The days are counted from the oldest of their last builds: a run of a subset of the models (picked in the
UI) leaves the others behind, and recomputing a day a model already holds changes none of its rows.
Anything the instance cannot vouch for (a model never built, an edited dbt model) rebuilds every row.
"""

from datetime import date

import dagster as dg
import duckdb
import polars as pl
from dagster._core.definitions.data_version import CODE_VERSION_TAG
from dagster_dbt.metadata_set import DbtMetadataSet

from feedback_platform.lib import warehouse

RECOMPUTE_TABLE = "recompute_landing_days"
"""The table the marts' incremental builds read their days from (macros/incremental_recompute.sql)."""
LANDED_INPUTS = (
    dg.AssetKey("redacted_feedback"),
    dg.AssetKey("redacted_responses"),
    dg.AssetKey("raw_consent"),
)
"""The partitioned tables the mart is built from."""
_PAGE = 1000


def days_to_recompute(context: dg.AssetExecutionContext) -> list[str] | None:
    """The landing days (ISO dates) written since the oldest last build of the incremental models, or None
    to rebuild every row: when a dbt model was never built, or its code version differs from the one its
    last build recorded."""
    code_versions = context.assets_def.code_versions_by_key
    last_builds = {key: _last_build(context.instance, key) for key in code_versions}
    if any(
        build is None or _built_code_version(build) != code_versions[key]
        for key, build in last_builds.items()
    ):
        return None
    oldest = min(last_builds[key].storage_id for key in incremental_models(context.assets_def))
    days: set[str] = set()
    for key in LANDED_INPUTS:
        days |= _partitions_written_after(context.instance, key, oldest)
    return sorted(days)


def incremental_models(dbt_assets: dg.AssetsDefinition) -> list[dg.AssetKey]:
    """The assets of the dbt models materialised `incremental`."""
    return [
        key
        for key, spec in dbt_assets.specs_by_key.items()
        if DbtMetadataSet.extract(spec.metadata).materialization_type == "incremental"
    ]


def _last_build(instance: dg.DagsterInstance, key: dg.AssetKey) -> dg.EventLogRecord | None:
    (record,) = instance.fetch_materializations(key, limit=1).records or [None]
    return record


def _built_code_version(build: dg.EventLogRecord) -> str | None:
    materialization = build.asset_materialization
    return materialization.tags.get(CODE_VERSION_TAG) if materialization else None


def _partitions_written_after(instance: dg.DagsterInstance, key: dg.AssetKey, storage_id: int) -> set[str]:
    records_filter = dg.AssetRecordsFilter(asset_key=key, after_storage_id=storage_id)
    partitions: set[str] = set()
    cursor = None
    while True:
        page = instance.fetch_materializations(records_filter, limit=_PAGE, cursor=cursor)
        partitions |= {record.partition_key for record in page.records if record.partition_key}
        if not page.has_more:
            return partitions
        cursor = page.cursor


def write_recompute_days(con: duckdb.DuckDBPyConnection, days: list[str]) -> None:
    """Replace the days the next incremental build of the mart recomputes."""
    landing_dates = [date.fromisoformat(day) for day in days]
    warehouse.replace_table(
        con, RECOMPUTE_TABLE, pl.DataFrame({"landing_date": landing_dates}, schema={"landing_date": pl.Date})
    )
