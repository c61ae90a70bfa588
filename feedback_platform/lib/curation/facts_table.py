"""The mart's text facts kept in the warehouse, one row per feedback event, refreshed incrementally.

Computing the facts (:func:`feedback_platform.lib.curation.text_facts.text_facts`) means reading every text
and hashing its normalised form: most of what curation costs. The texts of an event rarely change once it is
in the mart, so :func:`refresh_text_facts` keeps the facts in :data:`FACTS_TABLE` and recomputes only those of
events whose texts are new or changed. DuckDB fingerprints each mart row's texts (``hash`` over
:data:`FINGERPRINTED_COLUMNS` and :data:`FACTS_VERSION`); a stored row whose fingerprint no longer matches its
event, or whose event left the mart (a re-run day, an erasure), is deleted, and the events without a
matching row are read in batches and their facts inserted. A nightly therefore reads the texts of its new
day, not of the history, and every dataset kind selects over the same facts (:func:`read_signals_and_facts`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import duckdb
import polars as pl

from feedback_platform.lib.curation.text_facts import (
    FACT_COLUMNS,
    FINGERPRINTED_COLUMNS,
    MART_TABLE,
    SIGNAL_COLUMNS,
    TEXT_COLUMNS,
    text_facts,
)
from feedback_platform.lib.warehouse import quote_identifier, table_columns, table_exists

FACTS_TABLE = "curation_text_facts"
"""The warehouse table of the facts: ``event_id``, ``texts_hash`` and :data:`FACT_COLUMNS`."""

FACTS_VERSION = 2
"""Part of every fingerprint: raise it when a fact's definition or the fingerprint changes, and every fact is
recomputed. 2: the fingerprint covers the retrieved context too (curated tables are updated by it)."""

BATCH_ROWS = 20_000
"""Mart rows whose facts are computed at a time. At realistic lengths (outputs of 100-400 words, multi-turn
prompts) a batch holds about 60 MiB of text."""

_STORED_COLUMNS = ["event_id", "texts_hash", *FACT_COLUMNS]
_ROWS = "_text_facts_rows"


class StaleTextFactsError(RuntimeError):
    """Curation was asked to select over facts that do not cover the mart."""


@dataclass(frozen=True)
class FactsRefresh:
    """What one refresh did: rows deleted (texts changed or event gone), rows computed, rows now held."""

    removed: int
    added: int
    total: int


def texts_hash_sql(alias: str) -> str:
    """DuckDB expression fingerprinting the texts of the mart row ``alias`` under :data:`FACTS_VERSION`."""
    columns = ", ".join(f"{alias}.{quote_identifier(column)}" for column in FINGERPRINTED_COLUMNS)
    return f"hash({FACTS_VERSION}, {columns})"


def refresh_text_facts(
    con: duckdb.DuckDBPyConnection,
    *,
    mart_table: str = MART_TABLE,
    facts_table: str = FACTS_TABLE,
    batch_rows: int = BATCH_ROWS,
) -> FactsRefresh:
    """Bring ``facts_table`` up to date with ``mart_table``, computing facts only where texts are new.

    Each batch's facts are inserted as soon as they are computed, through a second connection to the same
    database while the first streams the texts, so memory holds one batch whatever the history. The deletions
    and insertions commit together: a crash leaves the table as it was. A table whose columns are not
    today's (a fact added or dropped) is rebuilt from every text.
    """
    facts = quote_identifier(facts_table)
    if table_exists(con, facts_table) and set(table_columns(con, facts_table)) != set(_STORED_COLUMNS):
        con.execute(f"drop table {facts}")
    mart_texts = _mart_texts_sql(mart_table)
    if not table_exists(con, facts_table):
        empty = text_facts(con.sql(f"{mart_texts} limit 0").pl()).select(_STORED_COLUMNS)
        _insert(con, f"create table {facts} as", empty)
    held_before = _row_count(con, facts_table)
    new_texts = con.sql(f"select * from ({mart_texts}) anti join {facts} using (event_id, texts_hash)")
    added = 0
    with con.cursor() as writer:
        writer.begin()
        try:
            writer.execute(
                f"""delete from {facts} f where not exists (
                    select 1 from {quote_identifier(mart_table)} m
                    where m.event_id = f.event_id and {texts_hash_sql("m")} = f.texts_hash
                )"""
            )
            for batch in new_texts.to_arrow_reader(batch_rows):
                batch_facts = _detached(text_facts(pl.from_arrow(batch)).select(_STORED_COLUMNS))
                _insert(writer, f"insert into {facts} by name", batch_facts)
                added += batch_facts.height
        except BaseException:
            writer.rollback()
            raise
        writer.commit()
    total = _row_count(con, facts_table)
    return FactsRefresh(removed=held_before + added - total, added=added, total=total)


def require_facts_of_every_event(
    con: duckdb.DuckDBPyConnection, *, mart_table: str = MART_TABLE, facts_table: str = FACTS_TABLE
) -> None:
    """Raise :class:`StaleTextFactsError` when an event of the mart has no facts: the facts table was not
    refreshed since the mart was built, and selecting anyway would silently drop those events."""
    mart, facts = quote_identifier(mart_table), quote_identifier(facts_table)
    ((missing,),) = con.execute(
        f"select count(*) from {mart} m anti join {facts} f using (event_id)"
    ).fetchall()
    if missing:
        raise StaleTextFactsError(
            f"{missing} events of {mart_table} have no row in {facts_table}: "
            f"materialise {facts_table} after {mart_table} before curating"
        )


def read_signals_and_facts(
    con: duckdb.DuckDBPyConnection,
    *,
    mart_table: str = MART_TABLE,
    facts_table: str = FACTS_TABLE,
    prompt_keys: str | None = None,
) -> pl.DataFrame:
    """Per mart event, its :data:`SIGNAL_COLUMNS` and its text facts: what the rules select over; only the
    events of the prompts ``prompt_keys`` lists (SQL), when given.

    An event without facts is left out: check first with :func:`require_facts_of_every_event`.
    """
    mart, facts = quote_identifier(mart_table), quote_identifier(facts_table)
    signals = ", ".join(f"m.{quote_identifier(column)}" for column in SIGNAL_COLUMNS)
    fact_values = ", ".join(f"f.{quote_identifier(column)}" for column in FACT_COLUMNS)
    where = "" if prompt_keys is None else f"where f.prompt_key in ({prompt_keys})"
    query = f"select {signals}, {fact_values} from {mart} m join {facts} f using (event_id) {where}"
    return con.sql(query).pl()


def facts_out_of_step(
    con: duckdb.DuckDBPyConnection, *, mart_table: str = MART_TABLE, facts_table: str = FACTS_TABLE
) -> dict[str, int]:
    """How far the facts table is from the mart, by kind of gap; all zero right after a refresh.

    ``events_without_facts``: mart events with no facts row; ``facts_of_changed_texts``: rows whose
    fingerprint is not their event's texts today; ``facts_without_event``: rows of events that left the mart;
    ``duplicated_events``: rows beyond the first of an event.
    """
    mart, facts = quote_identifier(mart_table), quote_identifier(facts_table)
    relation = con.sql(
        f"""with current_texts as (select m.event_id, {texts_hash_sql("m")} as texts_hash from {mart} m)
        select
            (select count(*) from current_texts c anti join {facts} f using (event_id))
                as events_without_facts,
            (select count(*) from current_texts c join {facts} f using (event_id)
                where c.texts_hash != f.texts_hash) as facts_of_changed_texts,
            (select count(*) from {facts} f anti join current_texts c using (event_id))
                as facts_without_event,
            (select count(*) - count(distinct event_id) from {facts}) as duplicated_events"""
    )
    (counts,) = relation.fetchall()
    return dict(zip(relation.columns, counts, strict=True))


def _mart_texts_sql(mart_table: str) -> str:
    """Every mart event's id, the fingerprint of its texts, and the texts."""
    texts = ", ".join(f"m.{quote_identifier(column)}" for column in TEXT_COLUMNS)
    fingerprint = texts_hash_sql("m")
    return f"select m.event_id, {fingerprint} as texts_hash, {texts} from {quote_identifier(mart_table)} m"


def _detached(frame: pl.DataFrame) -> pl.DataFrame:
    """A copy of ``frame`` in buffers of its own, through Arrow IPC.

    A frame made from a DuckDB record batch shares the batch's memory: its id and fingerprint columns are
    zero-copy, and they keep the batch's texts alive. DuckDB in turn keeps the rows inserted in an open
    transaction, so without this copy every batch's texts stayed in memory until the commit (measured: 16
    batches of 20,000 realistic rows held 800 MiB more).
    """
    return pl.read_ipc(io.BytesIO(frame.write_ipc(None).getvalue()))


def _insert(con: duckdb.DuckDBPyConnection, statement: str, rows: pl.DataFrame) -> None:
    """Run ``statement`` (``insert into t by name``, ``create table t as``) followed by the ``rows``."""
    con.register(_ROWS, rows.to_arrow())
    try:
        con.execute(f"{statement} select * from {_ROWS}")
    finally:
        con.unregister(_ROWS)


def _row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    ((count,),) = con.execute(f"select count(*) from {quote_identifier(table)}").fetchall()
    return count
