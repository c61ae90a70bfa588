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

from feedback_platform.lib import warehouse
from feedback_platform.lib.curation.attached_texts import AttachedText, digests_in_step, update_with_texts
from feedback_platform.lib.curation.config import CurationRules
from feedback_platform.lib.curation.facts_table import (
    FACTS_TABLE,
    read_signals_and_facts,
    refresh_text_facts,
    require_facts_of_every_event,
)
from feedback_platform.lib.curation.prompt_scope import (
    PROMPT_KEY,
    PromptScope,
    close_scope,
    open_scope,
    save_prompt_prints,
)
from feedback_platform.lib.curation.signals import RESPONSE_DATE
from feedback_platform.lib.curation.text_facts import MART_TABLE
from feedback_platform.lib.warehouse import quote_identifier

CURATION_CODE_VERSION = "1.3.0"
"""The code version of the kinds' selectors (the rules file has a version of its own): bump it when a code
change would select other rows from the same mart and rules, so Dagster marks curated tables stale and the
next curation selects every prompt again (:mod:`feedback_platform.lib.curation.prompt_scope`)."""

SELECTION_BATCH_EVENTS = 100_000
"""Events whose prompts are selected at a time: what bounds the memory of a first build or a rules change
(the selection over 600,000 events of 30 days of the sample's templated text peaked above 4 GB)."""

_SELECTED = "_selected_rows"

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
    """What a curation wrote: the rows the table holds, those written because they were new or changed, and
    the prompts selected again (:mod:`feedback_platform.lib.curation.prompt_scope`)."""

    rows: int
    rows_written: int
    prompts_selected: int


def curate_table(
    con: duckdb.DuckDBPyConnection,
    curation: Curation,
    rules: CurationRules,
    *,
    target_table: str,
    mart_table: str = MART_TABLE,
    facts_table: str = FACTS_TABLE,
    batch_events: int = SELECTION_BATCH_EVENTS,
) -> CuratedTable:
    """Bring ``target_table`` to the kind's rows of the mart ``mart_table``, selecting again only the prompts
    whose events changed since its last curation (:func:`open_scope`) and writing only the rows that changed
    (:func:`update_with_texts`), in one transaction.

    ``facts_table`` must be refreshed since the mart last changed (:func:`refresh_text_facts`).
    """
    require_facts_of_every_event(con, mart_table=mart_table, facts_table=facts_table)
    scope = open_scope(
        con,
        target_table=target_table,
        mart_table=mart_table,
        facts_table=facts_table,
        salt=f"{CURATION_CODE_VERSION}/{rules.sha256}",
        whole=not digests_in_step(con, target_table, curation.columns),
        batch_events=batch_events,
    )
    try:
        _select_into(con, curation, rules, scope, mart_table=mart_table, facts_table=facts_table)
        con.begin()
        try:
            written = update_with_texts(
                con,
                selected_table=_SELECTED,
                scope=None if scope.whole else f"select {PROMPT_KEY} from {scope.table}",
                texts=curation.texts,
                columns=curation.columns,
                id_column=curation.id_column,
                order_by=curation.table_order,
                mart_table=mart_table,
                facts_table=facts_table,
                target_table=target_table,
            )
            save_prompt_prints(con, scope, target_table=target_table)
            con.commit()
        except BaseException:
            con.rollback()
            raise
    finally:
        con.execute(f"drop table if exists {_SELECTED}")
        close_scope(con)
    ((rows,),) = con.execute(f"select count(*) from {quote_identifier(target_table)}").fetchall()
    return CuratedTable(rows=rows, rows_written=written, prompts_selected=scope.prompts)


def _select_into(
    con: duckdb.DuckDBPyConnection,
    curation: Curation,
    rules: CurationRules,
    scope: PromptScope,
    *,
    mart_table: str,
    facts_table: str,
) -> None:
    """Select the rows of the prompts in ``scope``, a batch at a time, into the temporary table of selected
    rows, each with its prompt and the hash of its values."""
    columns = [*curation.selected_columns, PROMPT_KEY]
    for batch in range(scope.batches):
        facts = read_signals_and_facts(
            con, mart_table=mart_table, facts_table=facts_table, prompt_keys=scope.batch_sql(batch)
        )
        selected = curation.select(facts.lazy(), rules).select(columns).collect()
        del facts
        rows = selected.with_columns(_selected_hash=selected.drop(PROMPT_KEY).hash_rows(seed=0)).to_arrow()
        con.register("_selected_batch", rows)
        try:
            statement = f"create temp table {_SELECTED} as" if batch == 0 else f"insert into {_SELECTED}"
            con.execute(f"{statement} select * from _selected_batch")
        finally:
            con.unregister("_selected_batch")


def curate_frame(curation: Curation, mart: pl.DataFrame, rules: CurationRules) -> pl.DataFrame:
    """The kind's rows of a mart held as a frame, through :func:`curate_table` on a DuckDB in memory."""
    with warehouse.connect() as con:
        # A table, not a registered view: the facts refresh writes through a second connection, which does
        # not see what this one registers.
        con.register("_mart_frame", mart.to_arrow())
        con.execute(f"create table {quote_identifier(MART_TABLE)} as select * from _mart_frame")
        con.unregister("_mart_frame")
        refresh_text_facts(con)
        curate_table(con, curation, rules, target_table=curation.kind)
        table, order = quote_identifier(curation.kind), quote_identifier(curation.id_column)
        return con.sql(f"select * from {table} order by {order}").pl()
