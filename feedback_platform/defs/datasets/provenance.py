"""What a dataset materialisation read and which code made it: the data and code versions upstream of it.

Dagster records a materialisation's direct inputs itself (the provenance the UI shows); a dataset manifest
lives outside Dagster and must outlast its event log, so it records the whole upstream closure: for each
ancestor asset, the data version of its latest materialisation and, for a partitioned one, of each
materialised partition. Because the pool serialises the steps that write the warehouse, "latest" is what the
curated table was built from.
"""

from importlib.metadata import version as package_version

import dagster as dg
from dagster._core.definitions.data_version import extract_data_version_from_entry

UpstreamVersions = dict[str, dict[str, object]]
"""Asset key (``a/b``) → ``{"data_version": ...}`` or ``{"partitions": {partition: data_version}}``."""


def upstream_data_versions(context: dg.AssetExecutionContext) -> UpstreamVersions:
    """Every ancestor of the asset being materialised, with the data versions this run could read."""
    graph = context.job_def.asset_layer.asset_graph
    ancestors = graph.get_ancestor_asset_keys(context.asset_key)
    return {
        key.to_user_string(): (
            {"partitions": _partition_data_versions(context.instance, key)}
            if graph.get(key).is_partitioned
            else {"data_version": _latest_data_version(context.instance, key)}
        )
        for key in sorted(ancestors, key=lambda key: key.to_user_string())
    }


def upstream_code_versions(context: dg.AssetExecutionContext) -> dict[str, str | None]:
    """The package version, and the code version of the asset and of each ancestor that declares one
    (the PII engine's, the curation code's), keyed by asset key."""
    graph = context.job_def.asset_layer.asset_graph
    keys = graph.get_ancestor_asset_keys(context.asset_key, include_self=True)
    declared = {key.to_user_string(): graph.get(key).code_version for key in keys}
    return {
        "feedback_platform": package_version("feedback_platform"),
        **{key: code_version for key, code_version in sorted(declared.items()) if code_version},
    }


def _latest_data_version(instance: dg.DagsterInstance, key: dg.AssetKey) -> str | None:
    record = instance.get_latest_data_version_record(key)
    version = extract_data_version_from_entry(record.event_log_entry) if record else None
    return version.value if version else None


def _partition_data_versions(instance: dg.DagsterInstance, key: dg.AssetKey) -> dict[str, str | None]:
    """One query for the latest materialisation of each partition, rather than one per partition."""
    storage_ids = instance.get_latest_storage_id_by_partition(key, dg.DagsterEventType.ASSET_MATERIALIZATION)
    if not storage_ids:
        return {}
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, storage_ids=list(storage_ids.values())), limit=len(storage_ids)
    ).records
    versions = {
        record.partition_key: extract_data_version_from_entry(record.event_log_entry) for record in records
    }
    return {
        partition: (version.value if version else None) for partition, version in sorted(versions.items())
    }
