"""The texts of curated rows, joined from the mart in DuckDB when a curated table is written.

Selection keeps ids, not texts (:mod:`feedback_platform.lib.curation.text_facts`): a selected row names the
response, and where a user's edit is its text, the edit event. :func:`write_with_texts` then writes the
curated table in one SQL statement that joins those ids back to the mart's texts, so the texts go from one
DuckDB table to another without passing through Python, and DuckDB keeps its memory within its limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import polars as pl

from feedback_platform.lib.warehouse import quote_identifier

RESPONSE_TEXT_FIELDS = ("messages", "retrieved_context", "output")
"""The response's texts a curated row can carry."""

_SELECTED = "_selected_rows"


@dataclass(frozen=True)
class AttachedText:
    """One text column of a curated row.

    Its value is the text of the edit event named in ``edit_event_column`` when that column is set; otherwise
    ``response_field`` of the response named in ``response_column``; null when neither gives one.
    """

    column: str
    response_column: str | None = None
    response_field: str | None = None
    edit_event_column: str | None = None

    def __post_init__(self) -> None:
        if (self.response_column is None) != (self.response_field is None):
            raise ValueError(f"{self.column}: a response text needs both the response column and the field")
        if self.response_field is not None and self.response_field not in RESPONSE_TEXT_FIELDS:
            raise ValueError(f"{self.column}: {self.response_field!r} is not one of {RESPONSE_TEXT_FIELDS}")

    @property
    def reference_columns(self) -> tuple[str, ...]:
        """The columns of a selected row this text is found by."""
        return tuple(c for c in (self.response_column, self.edit_event_column) if c is not None)


def write_with_texts(
    con: duckdb.DuckDBPyConnection,
    selected: pl.DataFrame,
    *,
    texts: Sequence[AttachedText],
    columns: Sequence[str],
    order_by: Sequence[str],
    mart_table: str,
    target_table: str,
) -> None:
    """Replace ``target_table`` with the ``selected`` rows, their ``texts`` taken from ``mart_table``.

    ``columns`` is the table's column order: each is a text of ``texts`` or a column of ``selected``.
    Columns of ``selected`` that only find a text (its reference columns) are not written unless named.
    """
    by_column = {text.column: text for text in texts}
    response_aliases = _aliases(text.response_column for text in texts)
    edit_aliases = _aliases(text.edit_event_column for text in texts)
    values = [
        f"{_text_value(by_column[column], response_aliases, edit_aliases)} as {quote_identifier(column)}"
        if column in by_column
        else f"s.{quote_identifier(column)}"
        for column in columns
    ]
    joins = [
        f"left join responses {alias} on {alias}.response_id = s.{quote_identifier(column)}"
        for column, alias in response_aliases.items()
    ] + [
        f"left join edits {alias} on {alias}.event_id = s.{quote_identifier(column)}"
        for column, alias in edit_aliases.items()
    ]
    fields = sorted({text.response_field for text in texts if text.response_field is not None})
    response_texts = "".join(f", any_value({quote_identifier(f)}) as {quote_identifier(f)}" for f in fields)
    con.register(_SELECTED, selected.to_arrow())
    try:
        con.execute(
            f"""create or replace table {quote_identifier(target_table)} as
            with responses as (
                select response_id{response_texts}
                from {quote_identifier(mart_table)}
                where response_id in ({_union_of(response_aliases)})
                group by response_id
            ),
            edits as (
                select event_id, edit_text from {quote_identifier(mart_table)}
                where event_id in ({_union_of(edit_aliases)})
            )
            select {", ".join(values)}
            from {_SELECTED} s {" ".join(joins)}
            order by {", ".join(f"s.{quote_identifier(column)}" for column in order_by)}"""
        )
    finally:
        con.unregister(_SELECTED)


def _aliases(columns: object) -> dict[str, str]:
    """Reference column → the alias of its join, one join per distinct column."""
    distinct = list(dict.fromkeys(column for column in columns if column is not None))
    return {column: f"t{index}" for index, column in enumerate(distinct)}


def _union_of(aliases: dict[str, str]) -> str:
    """SQL listing the ids the selected rows reference in these columns (nothing, for none)."""
    if not aliases:
        return "select null"
    return " union ".join(f"select {quote_identifier(column)} from {_SELECTED}" for column in aliases)


def _text_value(text: AttachedText, response_aliases: dict[str, str], edit_aliases: dict[str, str]) -> str:
    response_value = (
        f"{response_aliases[text.response_column]}.{quote_identifier(text.response_field)}"
        if text.response_column is not None and text.response_field is not None
        else "null"
    )
    if text.edit_event_column is None:
        return response_value
    edit = edit_aliases[text.edit_event_column]
    return (
        f"case when s.{quote_identifier(text.edit_event_column)} is not null then {edit}.edit_text "
        f"else {response_value} end"
    )
