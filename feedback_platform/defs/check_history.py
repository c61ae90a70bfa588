"""What a check recorded the last time it passed: the checks that judge only what is new since then (the
staged datasets' row audits, the incremental marts' suites) read from it where to start."""

from collections.abc import Mapping

import dagster as dg
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus


def last_passed_check_metadata(
    instance: dg.DagsterInstance, check_key: dg.AssetCheckKey
) -> Mapping[str, dg.MetadataValue] | None:
    """The metadata of the latest evaluation of the check that passed, or None when none did."""
    records = instance.event_log_storage.get_asset_check_execution_history(
        check_key, limit=1, status={AssetCheckExecutionRecordStatus.SUCCEEDED}
    )
    if not records or records[0].event is None or records[0].event.dagster_event is None:
        return None
    return records[0].event.dagster_event.event_specific_data.metadata
