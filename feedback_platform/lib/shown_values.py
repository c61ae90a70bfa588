"""Which values of a row Dagster's metadata and logs may show, and what stands in for the others.

Dagster keeps asset and check metadata and run and compute logs in its own storage (the SQLite instance
under `<data dir>/dagster_home`), which the platform cannot rewrite row by row: erasing a user rewrites the
warehouse and the dataset files, not Dagster's event log. So nothing the platform writes there may hold a
user's text or user id, and every preview or sample of rows bound for metadata passes through here:

- a column that `may_show` (random opaque ids of rows, events and responses; dates and times; names from
  closed sets: tenants, models, signals, splits, rules; hashes) is shown as it is, and so is a number or a
  boolean in any column;
- a user id (`user_id`, `response_user_id`: any column `is_user_id`) is masked;
- any other column holds, or may hold, text someone wrote (a message, an output, a comment, an edit, a
  context document, a raw log line): only its length in characters is shown.

A column not named here is withheld, so a new text column is safe before anyone thinks of it.
"""

from collections.abc import Sequence

import polars as pl

MASKED_USER_ID = "[user id]"
"""What a user id is shown as."""

SHOWN_COLUMNS = frozenset(
    {
        # names from closed sets, chosen by the product or the platform, never typed by a user
        "model", "model_version", "prompt_version", "feature", "language", "client", "signal", "thumb",
        "action", "stream", "split", "splits", "reasons", "label_reason", "target_source",
        "completion_source", "pair_source", "signal_missing_its_value", "entity_type", "kind", "field",
        "role", "metric", "group", "name", "version", "rule_version", "engine_version",
        # ids and hashes: random or derived, they name a row without saying anything of its content
        "id", "prompt_key", "content_hash", "unknown_events", "source_file",
        # a residual-PII finding, masked where it was found: two characters and a star per other character
        "masked",
    }
)  # fmt: skip
"""Columns shown as they are, beside those `SHOWN_SUFFIXES` name."""

SHOWN_SUFFIXES = ("_id", "_ids", "_at", "_date")
"""Ids (`response_id`, `feedback_event_ids`, ...) and dates or times (`created_at`, `landing_date`)."""

SHOWN_PREFIXES = ("inconsistent_",)
"""The join layer's `inconsistent_*` check columns: the key of a row that breaks a rule."""

_SIDE_PREFIXES = ("chosen_", "rejected_")
"""A DPO pair's `chosen_model` is shown as `model` would be; `chosen` itself is a text."""


def is_user_id(column: str) -> bool:
    """Whether `column` holds ids of end users (`user_id`, `response_user_id`, ...): masked wherever shown."""
    return column.endswith(("user_id", "user_ids"))


def may_show(column: str) -> bool:
    """Whether metadata may show the values of `column` as they are (user ids never)."""
    if is_user_id(column):
        return False
    name = next((column.removeprefix(side) for side in _SIDE_PREFIXES if column.startswith(side)), column)
    return name in SHOWN_COLUMNS or name.endswith(SHOWN_SUFFIXES) or name.startswith(SHOWN_PREFIXES)


def shown_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` as metadata may show it: columns that `may_show` and columns without text as they are, user
    ids masked, and each other column replaced by `<column>_chars`, its length in characters (of a list or
    struct, the characters of the texts it holds, e.g. every message's content)."""
    return frame.select(
        shown for name, dtype in frame.schema.items() if (shown := _shown_column(name, dtype)) is not None
    )


def _shown_column(name: str, dtype: pl.DataType) -> pl.Expr | None:
    column = pl.col(name)
    if is_user_id(name):
        return pl.when(column.is_null()).then(None).otherwise(pl.lit(MASKED_USER_ID)).alias(name)
    if may_show(name) or not _holds_text(dtype):
        return column
    chars = _chars(column, dtype)
    return None if chars is None else chars.alias(f"{name}_chars")


def _holds_text(dtype: pl.DataType) -> bool:
    if isinstance(dtype, pl.List | pl.Array):
        return _holds_text(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return any(_holds_text(field.dtype) for field in dtype.fields)
    return not (dtype.is_numeric() or dtype.is_temporal() or dtype in (pl.Boolean, pl.Null))


def _chars(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr | None:
    """The characters of the texts in `expr`; None for a type without a length (binary, objects)."""
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        return expr.cast(pl.String).str.len_chars()
    if isinstance(dtype, pl.List | pl.Array):
        inner = _chars(pl.element(), dtype.inner) if _holds_text(dtype.inner) else None
        return None if inner is None else expr.cast(pl.List(dtype.inner)).list.eval(inner).list.sum()
    if isinstance(dtype, pl.Struct):
        parts = [
            _chars(expr.struct.field(field.name), field.dtype)
            for field in dtype.fields
            if _holds_text(field.dtype) and not may_show(field.name)
        ]
        present = [part for part in parts if part is not None]
        return pl.sum_horizontal(present) if present else pl.lit(0, pl.UInt32)
    return None


def shown_value(column: str | None, value: object) -> object:
    """A plain JSON value (None, bool, number, text, list, dict) found in `column`, as metadata may show it:
    as it is where `may_show`, a user id masked, and each text elsewhere replaced by `[<n> chars]` (numbers
    and the keys of a dict that `may_show`, e.g. a message's `role`, stay)."""
    if column is not None and is_user_id(column):
        return None if value is None else MASKED_USER_ID
    if column is not None and may_show(column):
        return value
    return _without_text(value)


def shown_sample_value(columns: Sequence[str], value: object) -> object:
    """A value an expectation on `columns` found: of one column; or of several, as a dict by column or a
    list in column order (a column pair, a compound key)."""
    if len(columns) > 1 and isinstance(value, dict):
        return {key: shown_value(key, item) for key, item in value.items()}
    if len(columns) > 1 and isinstance(value, list) and len(value) == len(columns):
        return [shown_value(column, item) for column, item in zip(columns, value, strict=True)]
    return shown_value(columns[0] if len(columns) == 1 else None, value)


def _without_text(value: object) -> object:
    if isinstance(value, str):
        return f"[{len(value)} chars]"
    if isinstance(value, list):
        return [_without_text(item) for item in value]
    if isinstance(value, dict):
        return {key: shown_value(key, item) for key, item in value.items()}
    return value
