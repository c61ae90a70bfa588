"""Bring a Polars or pandas frame into the pandas form Great Expectations validates.

GX 1.x validates pandas frames (its SQL path does not work on DuckDB), so Polars frames are converted
here, keeping every column so table-shape expectations (column set, column count) still see them:

- nested columns (lists, arrays, structs, e.g. `messages`) become their JSON text, which is hashable and
  comparable, so null, uniqueness, set and regex expectations work on them; left as Python objects they
  would reach GX as unhashable lists and dicts;
- integer and boolean columns become pandas' nullable dtypes, so a rating of 7 next to a null stays the
  integer 7 rather than turning into the float 7.0.

pandas frames are passed through unchanged.
"""

import pandas as pd
import polars as pl
import pyarrow as pa

_NULLABLE_PANDAS_DTYPES: dict[pa.DataType, pd.api.extensions.ExtensionDtype] = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}

# A one-field struct `{"v": ...}` JSON-encodes any nested value; the wrapper is then cut off again.
_WRAPPER_FIELD = "v"
_WRAPPER_PREFIX = '{"v":'


def _as_json_text(column: str) -> pl.Expr:
    """The column's values as JSON text; a null value stays null rather than becoming the text 'null'."""
    encoded = (
        pl.struct(pl.col(column).alias(_WRAPPER_FIELD))
        .struct.json_encode()
        .str.strip_prefix(_WRAPPER_PREFIX)
        .str.strip_suffix("}")
    )
    return pl.when(pl.col(column).is_null()).then(None).otherwise(encoded).alias(column)


def to_pandas_frame(frame: pl.DataFrame | pl.LazyFrame | pd.DataFrame) -> pd.DataFrame:
    """Return `frame` as a pandas DataFrame GX can validate (see the module docstring)."""
    if isinstance(frame, pd.DataFrame):
        return frame
    if not isinstance(frame, pl.DataFrame | pl.LazyFrame):
        raise TypeError(f"expected a Polars or pandas DataFrame, got {type(frame).__name__}")
    lazy = frame.lazy()
    nested = [name for name, dtype in lazy.collect_schema().items() if dtype.is_nested()]
    collected = lazy.with_columns(_as_json_text(name) for name in nested).collect()
    return collected.to_pandas(types_mapper=_NULLABLE_PANDAS_DTYPES.get)
