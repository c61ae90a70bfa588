"""Curating one dataset kind: select over the mart's text facts, then write the rows with their texts.

A kind's :class:`Curation` says how to select its rows from the signals and text facts of
``feedback_with_responses`` (:mod:`feedback_platform.lib.curation.facts_table`) and which of its columns are
texts, and where each comes from (:mod:`feedback_platform.lib.curation.attached_texts`). :func:`curate_table`
runs both against the warehouse, so the texts of a long history never sit in Python memory;
:func:`curate_frame` runs the same path over a frame in an in-memory DuckDB, for tests and small data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import polars as pl

from feedback_platform.lib.curation.attached_texts import AttachedText, update_with_texts
from feedback_platform.lib.curation.config import CurationRules
from feedback_platform.lib.curation.facts_table import FACTS_TABLE, read_signals_and_facts, refresh_text_facts
from feedback_platform.lib.curation.signals import RESPONSE_DATE
from feedback_platform.lib.curation.text_facts import MART_TABLE
from feedback_platform.lib.warehouse import quote_identifier

Selector = Callable[[pl.LazyFrame, CurationRules], pl.LazyFrame]
"""The mart's facts and the rules in; the selected rows, with references instead of texts, out."""


@dataclass(frozen=True)
class Curation:
    """How one dataset kind's rows are chosen and written."""

    kind: str
    columns: tuple[str, ...]
    """The curated table's columns, in order: texts of ``texts``, the rest from the selected rows."""
    id_column: str
    """The column that identifies a row."""
    select: Selector
    texts: tuple[AttachedText, ...]

    @property
    def shard_column(self) -> str:
        """The column a dataset version of the rows is sharded by: the date of the rated response."""
        return RESPONSE_DATE

    @property
    def table_order(self) -> list[str]:
        """The curated table is written by shard, then by id, so that reading one shard of it touches only
        the row groups of that shard."""
        return [self.shard_column, self.id_column]

    @property
    def selected_columns(self) -> list[str]:
        """What :attr:`select` returns: the table's columns that are not texts, and the texts' references."""
        text_columns = {text.column for text in self.texts}
        references = [column for text in self.texts for column in text.reference_columns]
        kept = [column for column in self.columns if column not in text_columns]
        return list(dict.fromkeys([*kept, *references]))


@dataclass(frozen=True)
class CuratedTable:
    """What a curation wrote: the rows the table holds, and those written because they were new or changed."""

    rows: int
    rows_written: int


def curate_table(
    con: duckdb.DuckDBPyConnection,
    curation: Curation,
    rules: CurationRules,
    *,
    target_table: str,
    mart_table: str = MART_TABLE,
    facts_table: str = FACTS_TABLE,
) -> CuratedTable:
    """Bring ``target_table`` to the kind's rows of the mart ``mart_table``, writing only the rows that
    changed since its last write (:func:`update_with_texts`).

    ``facts_table`` must be refreshed since the mart last changed (:func:`refresh_text_facts`).
    """
    facts = read_signals_and_facts(con, mart_table=mart_table, facts_table=facts_table)
    selected = curation.select(facts.lazy(), rules).select(curation.selected_columns).collect()
    written = update_with_texts(
        con,
        selected,
        texts=curation.texts,
        columns=curation.columns,
        id_column=curation.id_column,
        order_by=curation.table_order,
        mart_table=mart_table,
        facts_table=facts_table,
        target_table=target_table,
    )
    return CuratedTable(rows=selected.height, rows_written=written)


def curate_frame(curation: Curation, mart: pl.DataFrame, rules: CurationRules) -> pl.DataFrame:
    """The kind's rows of a mart held as a frame, through :func:`curate_table` on a DuckDB in memory."""
    with duckdb.connect() as con:
        # A table, not a registered view: the facts refresh writes through a second connection, which does
        # not see what this one registers.
        con.register("_mart_frame", mart.to_arrow())
        con.execute(f"create table {quote_identifier(MART_TABLE)} as select * from _mart_frame")
        con.unregister("_mart_frame")
        refresh_text_facts(con)
        curate_table(con, curation, rules, target_table=curation.kind)
        table, order = quote_identifier(curation.kind), quote_identifier(curation.id_column)
        return con.sql(f"select * from {table} order by {order}").pl()
