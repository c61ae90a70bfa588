"""A check that a stored table has exactly the columns and types the log contract declares.

The IO manager creates a table from the first frame written to it, so a frame that drifted (a column
renamed, a timestamp stored as text) would silently become the table's shape. This check compares the
stored table with the declaration: the column names, in order, with Great Expectations, and each
column's DuckDB type against the declared one.
"""

import dagster as dg
import polars as pl

from feedback_platform.defs.partitions import daily_landing_partitions
from feedback_platform.lib.logs.table_schema import declared_columns, stored_columns, type_mismatches
from feedback_platform.lib.quality import build_expectations, run_suite
from feedback_platform.resources import DUCKDB_POOL, Warehouse


def table_schema_check(table: str) -> dg.AssetChecksDefinition:
    """`<table>_schema_matches_contract`, blocking: downstream code reads columns by name and type."""
    name = f"{table}_schema_matches_contract"

    @dg.asset_check(
        asset=table,
        name=name,
        description=f"{table} has exactly the declared columns, in order, with the declared DuckDB types.",
        partitions_def=daily_landing_partitions,
        blocking=True,
        pool=DUCKDB_POOL,
    )
    def _schema_check(warehouse: Warehouse) -> dg.AssetCheckResult:
        declared = declared_columns(table)
        with warehouse.connect() as con:
            stored = stored_columns(con, table)
        # GX needs only the column names: an empty frame with the stored columns stands for the table.
        outcome = run_suite(
            name,
            pl.DataFrame({column: [] for column in stored}),
            build_expectations(
                lambda gxe: [gxe.ExpectTableColumnsToMatchOrderedList(column_list=list(declared))]
            ),
        )
        mismatches = type_mismatches(declared, stored)
        return dg.AssetCheckResult(
            passed=outcome.success and not mismatches,
            metadata={
                "summary": outcome.summary(),
                "expectations": dg.MetadataValue.json(outcome.as_records()),
                "type_mismatches": dg.MetadataValue.json(mismatches),
                "expected_columns": dg.MetadataValue.json(declared),
                "actual_columns": dg.MetadataValue.json(stored),
            },
        )

    return _schema_check
