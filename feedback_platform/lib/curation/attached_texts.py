"""The texts of curated rows, joined from the mart in DuckDB when a curated table is written.

Selection keeps ids, not texts (:mod:`feedback_platform.lib.curation.text_facts`): a selected row names the
response, and where a user's edit is its text, the edit event. :func:`update_with_texts` then writes the
curated table with SQL that joins those ids back to the mart's texts, so the texts go from one DuckDB table
to another without passing through Python, and DuckDB keeps its memory within its limit. It writes only the
rows that changed since the last write, so a nightly writes the texts of its new day, not of the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from feedback_platform.lib.warehouse import quote_identifier, table_columns, table_exists

RESPONSE_TEXT_FIELDS = ("messages", "retrieved_context", "output")
"""The response's texts a curated row can carry."""


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


@dataclass(frozen=True)
class _TextJoin:
    """The SQL that gives selected rows their texts: what the full and the incremental write share."""

    texts: Sequence[AttachedText]
    columns: Sequence[str]
    order_by: Sequence[str]
    mart_table: str

    def select(self, source: str) -> str:
        """A query of the ``columns`` of the rows of ``source`` (SQL naming selected rows), texts joined."""
        by_column = {text.column: text for text in self.texts}
        references = _References.of(self.texts)
        values = [
            f"{_text_value(by_column[column], references)} as {quote_identifier(column)}"
            if column in by_column
            else f"s.{quote_identifier(column)}"
            for column in self.columns
        ]
        fields = sorted({text.response_field for text in self.texts if text.response_field is not None})
        response_texts = "".join(
            f", any_value({quote_identifier(f)}) as {quote_identifier(f)}" for f in fields
        )
        mart = quote_identifier(self.mart_table)
        return f"""
            with responses as (
                select response_id{response_texts}
                from {mart}
                where response_id in ({_union_of(references.responses, source)})
                group by response_id
            ),
            edits as (
                select event_id, edit_text from {mart}
                where event_id in ({_union_of(references.edits, source)})
            )
            select {", ".join(values)}
            from {source} s {references.joins(responses="responses", edits="edits")}
            order by {", ".join(f"s.{quote_identifier(column)}" for column in self.order_by)}"""


@dataclass(frozen=True)
class _References:
    """The columns of selected rows that name where their texts are, each with the alias of its join."""

    responses: dict[str, str]
    """Response-id column → alias."""
    edits: dict[str, str]
    """Edit-event-id column → alias."""

    @classmethod
    def of(cls, texts: Sequence[AttachedText]) -> _References:
        return cls(
            responses=_aliases((text.response_column for text in texts), "r"),
            edits=_aliases((text.edit_event_column for text in texts), "e"),
        )

    def joins(self, *, responses: str, edits: str) -> str:
        """SQL joining the selected rows ``s`` to ``responses`` (by ``response_id``) and to ``edits`` (by
        ``event_id``) once per reference column."""
        return " ".join(
            [
                f"left join {responses} {alias} on {alias}.response_id = s.{quote_identifier(column)}"
                for column, alias in self.responses.items()
            ]
            + [
                f"left join {edits} {alias} on {alias}.event_id = s.{quote_identifier(column)}"
                for column, alias in self.edits.items()
            ]
        )


def _aliases(columns: object, prefix: str) -> dict[str, str]:
    """Reference column → the alias of its join (``prefix`` and a number), one join per distinct column."""
    distinct = list(dict.fromkeys(column for column in columns if column is not None))
    return {column: f"{prefix}{index}" for index, column in enumerate(distinct)}


def _union_of(aliases: dict[str, str], rows: str) -> str:
    """SQL listing the ids the ``rows`` (a table, or a query in parentheses) reference in these columns
    (nothing, for none)."""
    if not aliases:
        return "select null"
    return " union ".join(f"select {quote_identifier(column)} from {rows}" for column in aliases)


def _text_value(text: AttachedText, references: _References) -> str:
    response_value = (
        f"{references.responses[text.response_column]}.{quote_identifier(text.response_field)}"
        if text.response_column is not None and text.response_field is not None
        else "null"
    )
    if text.edit_event_column is None:
        return response_value
    edit = references.edits[text.edit_event_column]
    return (
        f"case when s.{quote_identifier(text.edit_event_column)} is not null then {edit}.edit_text "
        f"else {response_value} end"
    )


def row_digests_table(target_table: str) -> str:
    """The table that keeps the digest of each row of a curated table, for :func:`update_with_texts`."""
    return f"{target_table}_row_digests"


def update_with_texts(
    con: duckdb.DuckDBPyConnection,
    *,
    selected_table: str,
    scope: str | None,
    texts: Sequence[AttachedText],
    columns: Sequence[str],
    id_column: str,
    order_by: Sequence[str],
    mart_table: str,
    facts_table: str,
    target_table: str,
) -> int:
    """Bring the rows of ``target_table`` in ``scope`` to the rows of ``selected_table``, their ``texts``
    taken from ``mart_table``, rewriting only the rows that changed; the number of rows written.

    ``selected_table`` holds the selected rows with their ``prompt_key`` and ``_selected_hash`` (Polars'
    row hash of their values); ``scope`` is SQL listing the prompt keys they were selected for, and the
    table's rows of other prompts are kept; None means every prompt, and the table is written whole.
    ``columns`` is the table's column order: each is a text of ``texts`` or a column of the selected rows.
    Columns that only find a text (its reference columns) are not written unless named.

    A row's digest hashes its selected values and the fingerprints, in ``facts_table``, of the mart rows its
    texts come from (``texts_hash``: for a response, the least of its events'). The digests of the last
    write are kept in :func:`row_digests_table`. A row in scope whose id and digest are both there is left
    in place; the others are deleted and inserted. A nightly thus writes the texts of its new and changed
    rows, not of the history. Run it in a transaction: it writes the table and its digests in steps.
    """
    join = _TextJoin(texts, columns, order_by, mart_table)
    target, digests, key = (
        quote_identifier(target_table),
        quote_identifier(row_digests_table(target_table)),
        quote_identifier(id_column),
    )
    con.execute(
        f"create or replace temp table _new_digests as "
        f"{_digests_sql(texts, id_column, selected_table, mart_table, facts_table)}"
    )
    try:
        if scope is None:
            con.execute(f"create or replace table {target} as {join.select(selected_table)}")
            con.execute(f"create or replace table {digests} as select * from _new_digests")
            ((written,),) = con.execute(f"select count(*) from {target}").fetchall()
            return written
        con.execute(
            f"create or replace temp table _changed as "
            f"select row_id from _new_digests anti join {digests} using (row_id, digest)"
        )
        con.execute(
            f"create or replace temp table _gone as select row_id from {digests} "
            f"where prompt_key in ({scope}) and row_id not in (select row_id from _new_digests)"
        )
        con.execute(
            f"delete from {target} where {key} in "
            f"(select row_id from _changed union all select row_id from _gone)"
        )
        changed = f"(select * from {selected_table} where {key} in (select row_id from _changed))"
        con.execute(f"insert into {target} by name {join.select(changed)}")
        con.execute(f"delete from {digests} where prompt_key in ({scope})")
        con.execute(f"insert into {digests} by name select * from _new_digests")
        ((written,),) = con.execute("select count(*) from _changed").fetchall()
        return written
    finally:
        for temporary in ("_new_digests", "_changed", "_gone"):
            con.execute(f"drop table if exists {temporary}")


def digests_in_step(con: duckdb.DuckDBPyConnection, target_table: str, columns: Sequence[str]) -> bool:
    """Whether the table and its digests are those of one earlier write with these columns, so that
    :func:`update_with_texts` can replace the rows of some prompts and keep the others."""
    digests_table = row_digests_table(target_table)
    if not (table_exists(con, target_table) and table_exists(con, digests_table)):
        return False
    if table_columns(con, target_table) != list(columns) or "prompt_key" not in table_columns(
        con, digests_table
    ):
        return False
    ((rows, digests),) = con.execute(
        f"select (select count(*) from {quote_identifier(target_table)}), "
        f"(select count(*) from {quote_identifier(digests_table)})"
    ).fetchall()
    return rows == digests


def _digests_sql(
    texts: Sequence[AttachedText], id_column: str, selected_table: str, mart_table: str, facts_table: str
) -> str:
    """Each selected row's id, prompt and digest (see :func:`update_with_texts`)."""
    references = _References.of(texts)
    facts = quote_identifier(facts_table)
    prints = [f"{alias}.texts_hash" for alias in (*references.responses.values(), *references.edits.values())]
    digest = f"hash(s._selected_hash, {', '.join(prints) or '0'})"
    return f"""
        with response_prints as (
            select m.response_id, min(f.texts_hash) as texts_hash
            from {quote_identifier(mart_table)} m join {facts} f using (event_id)
            where m.response_id in ({_union_of(references.responses, selected_table)})
            group by m.response_id
        )
        select s.{quote_identifier(id_column)} as row_id, s.prompt_key, {digest} as digest
        from {selected_table} s {references.joins(responses="response_prints", edits=facts)}"""
