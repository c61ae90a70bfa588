"""Polars frames shown as tables in the Dagster UI (asset and check metadata)."""

import dagster as dg
import polars as pl


def frame_as_table(frame: pl.DataFrame) -> dg.TableMetadataValue:
    """A frame as a Dagster table: dates as text, rates to four decimals."""
    shown = frame.with_columns(pl.col(pl.Date).cast(pl.String), pl.col(pl.Float64).round(4))
    return dg.MetadataValue.table(
        records=[dg.TableRecord(row) for row in shown.iter_rows(named=True)],
        schema=dg.TableSchema(
            columns=[dg.TableColumn(name, _column_type(dtype)) for name, dtype in shown.schema.items()]
        ),
    )


def _column_type(dtype: pl.DataType) -> str:
    if dtype.is_float():
        return "float"
    if dtype.is_integer():
        return "int"
    return "bool" if dtype == pl.Boolean else "string"
