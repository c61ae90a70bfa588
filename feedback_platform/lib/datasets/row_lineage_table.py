"""The `dataset_row_lineage` table, kept in step with the stored versions without re-reading all of them.

A stored version never changes, so neither does its lineage. Rebuilding the table from every version each
night would read every version of every earlier night: a cost that grows with the square of the history.
Instead each sync derives the lineage of only the versions the table does not fully trace (those published
since, or one whose rows were lost), one version in memory at a time, and drops the lineage of versions no
longer stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from feedback_platform.lib import warehouse
from feedback_platform.lib.datasets.index import LINEAGE_SCHEMA, REGISTRY_TABLE, lineage_columns, lineage_rows
from feedback_platform.lib.datasets.store import read_dataset_version, read_manifest

LINEAGE_TABLE = "dataset_row_lineage"


@dataclass(frozen=True)
class LineageSync:
    """What a sync changed: the versions (``name@version``) traced anew and those dropped."""

    traced: list[str]
    dropped: list[str]
    rows: int
    """Lineage rows in the table after the sync."""


def sync_row_lineage(
    con: duckdb.DuckDBPyConnection, registry: pl.DataFrame, datasets_root: Path
) -> LineageSync:
    """Bring the lineage table in line with ``registry`` (the ``dataset_versions`` table).

    A version is traced anew when the table holds lineage for fewer or more distinct rows than its
    ``row_count``; lineage of a version not in the registry is deleted. Each version is replaced in its own
    transaction, so an interrupted sync leaves whole versions and the next one completes it.
    """
    if not warehouse.table_exists(con, LINEAGE_TABLE):
        warehouse.replace_table(con, LINEAGE_TABLE, pl.DataFrame(schema=LINEAGE_SCHEMA))
    traced_rows = {
        (dataset, version): rows
        for dataset, version, rows in traced_row_counts(con)
        .select("dataset", "version", "rows_traced")
        .iter_rows()
    }
    stored = {
        (name, version): (row_count, key_column)
        for name, version, row_count, key_column in registry.select(
            "name", "version", "row_count", "key_column"
        ).iter_rows()
    }
    dropped = sorted(set(traced_rows) - set(stored))
    for dataset, version in dropped:
        con.execute(f"delete from {LINEAGE_TABLE} where dataset = ? and version = ?", [dataset, version])
    stale = sorted(
        version for version, (row_count, _) in stored.items() if traced_rows.get(version, 0) != row_count
    )
    for name, version in stale:
        key_column = stored[name, version][1]
        columns = lineage_columns(list(read_manifest(datasets_root, name, version)["schema"]), key_column)
        rows = read_dataset_version(datasets_root, name, version, columns)
        lineage = lineage_rows(rows, name=name, version=version, key_column=key_column)
        warehouse.replace_rows_matching(con, LINEAGE_TABLE, lineage, {"dataset": name, "version": version})
    (total,) = con.execute(f"select count(*) from {LINEAGE_TABLE}").fetchall()[0]
    return LineageSync(
        traced=[f"{name}@{version}" for name, version in stale],
        dropped=[f"{name}@{version}" for name, version in dropped],
        rows=total,
    )


def traced_row_counts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per (dataset, version) in the lineage table: the distinct rows traced, and those traced to an event."""
    return con.sql(
        f"""
        select
            dataset,
            version,
            count(distinct row_id) as rows_traced,
            count(distinct row_id) filter (where feedback_event_id is not null) as rows_with_events
        from {LINEAGE_TABLE}
        group by all
        """
    ).pl()


def latest_version_lineage(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The lineage rows of each dataset's latest version (``latest`` in the registry), not of every one."""
    return con.sql(
        f"""
        select lineage.*
        from {LINEAGE_TABLE} as lineage
        join {REGISTRY_TABLE} as registry
            on registry.name = lineage.dataset and registry.version = lineage.version
        where registry.latest
        """
    ).pl()
