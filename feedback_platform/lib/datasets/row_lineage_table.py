"""The row lineage of every stored dataset version, kept in step with the store without re-reading it.

Versions are made of shards, and a stored shard never changes, so neither does its lineage. The lineage is
therefore kept per shard, once, however many versions list the shard, in ``dataset_shard_lineage``
(dataset, shard, row_id, response_id, feedback_event_id); ``dataset_version_shards`` lists each version's
shards; and ``dataset_row_lineage`` is the view that joins them into the lineage of every version
(dataset, version, row_id, response_id, feedback_event_id). A nightly version that repeats all but a day's
shards adds one row per shard to the listing and traces only its new shards: the tables grow with the rows
stored, not with rows times versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from feedback_platform.lib import warehouse
from feedback_platform.lib.datasets.index import LINEAGE_SCHEMA, REGISTRY_TABLE, lineage_columns, lineage_rows
from feedback_platform.lib.datasets.store import read_dataset_version, read_manifest, shard_ids, shard_rows

LINEAGE_TABLE = "dataset_row_lineage"
"""The view of every version's row lineage, what consumers read."""
SHARD_LINEAGE_TABLE = "dataset_shard_lineage"
VERSION_SHARDS_TABLE = "dataset_version_shards"

_SHARD_LINEAGE_SCHEMA = pl.Schema(
    {("shard" if column == "version" else column): dtype for column, dtype in LINEAGE_SCHEMA.items()}
)
_VERSION_SHARDS_SCHEMA = pl.Schema(
    {"dataset": pl.String, "version": pl.String, "shard": pl.String, "shard_rows": pl.Int64}
)


_TRACED_PER_SHARD = f"""
    select
        dataset,
        shard,
        count(distinct row_id) as rows_traced,
        count(distinct row_id) filter (where feedback_event_id is not null) as rows_with_events
    from {SHARD_LINEAGE_TABLE}
    group by all"""
"""Per traced shard: its distinct rows, and those traced to a feedback event."""


@dataclass(frozen=True)
class LineageSync:
    """What a sync changed: the versions (``name@version``) listed anew and dropped, the shards traced."""

    traced: list[str]
    dropped: list[str]
    shards_traced: list[str]
    """``name/shard`` of each shard whose lineage was derived from its files."""
    rows: int
    """Lineage rows of all shards after the sync."""


def sync_row_lineage(
    con: duckdb.DuckDBPyConnection, registry: pl.DataFrame, datasets_root: Path
) -> LineageSync:
    """Bring the lineage tables in line with ``registry`` (the ``dataset_versions`` table).

    A version not listed yet has its shards listed; a version no longer in the registry is unlisted. A shard
    a version lists is traced anew when its lineage holds fewer or more distinct rows than the shard has
    (never traced, or rows lost); lineage of a shard no version lists is deleted. The shards' lineage is
    replaced in one transaction (a commit per shard was a third of the sync's time, at 120 shards a night):
    an interrupted sync leaves it as it was, and the next one traces them again. A version an erasure
    withdrew has no rows left to trace: it counts as no longer in the registry.
    """
    registry = registry.filter(pl.col("status") == "published")
    _create_tables(con)
    listed = {
        tuple(row)
        for row in con.execute(f"select distinct dataset, version from {VERSION_SHARDS_TABLE}").fetchall()
    }
    stored = {
        (name, version): key_column
        for name, version, key_column in registry.select("name", "version", "key_column").iter_rows()
    }
    dropped = sorted(listed - set(stored))
    for dataset, version in dropped:
        con.execute(
            f"delete from {VERSION_SHARDS_TABLE} where dataset = ? and version = ?", [dataset, version]
        )
    new = sorted(set(stored) - listed)
    for name, version in new:
        warehouse.replace_rows_matching(
            con,
            VERSION_SHARDS_TABLE,
            _version_shards(datasets_root, name, version),
            {"dataset": name, "version": version},
        )
    shards_traced = []
    con.begin()
    try:
        for name, version, shard in _untraced_shards(con):
            key_column = stored[name, version]
            columns = lineage_columns(list(read_manifest(datasets_root, name, version)["schema"]), key_column)
            rows = read_dataset_version(datasets_root, name, version, columns, only_shards=[shard])
            lineage = lineage_rows(rows, name=name, version=shard, key_column=key_column)
            warehouse.replace_rows_matching(
                con,
                SHARD_LINEAGE_TABLE,
                lineage.rename({"version": "shard"}),
                {"dataset": name, "shard": shard},
                in_open_transaction=True,
            )
            shards_traced.append(f"{name}/{shard}")
        con.execute(
            f"""delete from {SHARD_LINEAGE_TABLE} where (dataset, shard) not in (
                select (dataset, shard) from {VERSION_SHARDS_TABLE})"""
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    (total,) = con.execute(f"select count(*) from {SHARD_LINEAGE_TABLE}").fetchall()[0]
    return LineageSync(
        traced=[f"{name}@{version}" for name, version in new],
        dropped=[f"{name}@{version}" for name, version in dropped],
        shards_traced=shards_traced,
        rows=total,
    )


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    if warehouse.table_exists(con, LINEAGE_TABLE) and not _is_view(con, LINEAGE_TABLE):
        con.execute(f"drop table {LINEAGE_TABLE}")  # the per-version table of writer 1.x stores
    for table, schema in (
        (SHARD_LINEAGE_TABLE, _SHARD_LINEAGE_SCHEMA),
        (VERSION_SHARDS_TABLE, _VERSION_SHARDS_SCHEMA),
    ):
        if not warehouse.table_exists(con, table):
            warehouse.replace_table(con, table, pl.DataFrame(schema=schema))
    con.execute(
        f"""
        create or replace view {LINEAGE_TABLE} as
        select
            listing.dataset,
            listing.version,
            lineage.row_id,
            lineage.response_id,
            lineage.feedback_event_id
        from {VERSION_SHARDS_TABLE} as listing
        join {SHARD_LINEAGE_TABLE} as lineage using (dataset, shard)
        """
    )


def _is_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = con.execute("select count(*) from duckdb_views() where view_name = ? and not internal", [name])
    return found.fetchall()[0][0] > 0


def _version_shards(datasets_root: Path, name: str, version: str) -> pl.DataFrame:
    manifest = read_manifest(datasets_root, name, version)
    return pl.DataFrame(
        {
            "dataset": name,
            "version": version,
            "shard": shard_ids(manifest),
            "shard_rows": shard_rows(manifest),
        },
        schema=_VERSION_SHARDS_SCHEMA,
    )


def _untraced_shards(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(dataset, a version listing it, shard) of each listed shard whose lineage does not cover its rows."""
    return con.execute(
        f"""
        with traced as ({_TRACED_PER_SHARD})
        select listing.dataset, min(listing.version), listing.shard
        from {VERSION_SHARDS_TABLE} as listing
        left join traced using (dataset, shard)
        where coalesce(traced.rows_traced, 0) != listing.shard_rows
        group by listing.dataset, listing.shard
        order by 1, 3
        """
    ).fetchall()


def traced_row_counts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per listed (dataset, version): the distinct rows its shards' lineage traces, and those traced to an
    event (row ids are unique across a version's shards, so per-shard counts add up)."""
    return con.sql(
        f"""
        with traced as ({_TRACED_PER_SHARD})
        select
            listing.dataset,
            listing.version,
            sum(coalesce(traced.rows_traced, 0))::bigint as rows_traced,
            sum(coalesce(traced.rows_with_events, 0))::bigint as rows_with_events
        from {VERSION_SHARDS_TABLE} as listing
        left join traced using (dataset, shard)
        group by all
        """
    ).pl()


LATEST_VERSION_LINEAGE = f"""
    select lineage.*
    from {LINEAGE_TABLE} as lineage
    join {REGISTRY_TABLE} as registry
        on registry.name = lineage.dataset and registry.version = lineage.version
    where registry.latest"""
"""SQL of the lineage rows of each dataset's latest version (``latest`` in the registry), not of every one:
a query for DuckDB to aggregate, since the rows grow with every row the datasets hold."""
