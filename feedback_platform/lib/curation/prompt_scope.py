"""Which prompts a curation selects again: those whose events changed since it last ran.

Every rule decides within one normalised prompt (``prompt_key``): a response's signals are its own events,
and its events share its prompt; DPO pairs join responses of one ``prompt_id``, which has one
``prompt_key``; dedup keeps rows per tenant and ``prompt_key``; the eval holdout and the split key on
``prompt_key``. So the rows of a prompt depend only on the events of that prompt and on the rules, and a
curation that selects again only the prompts whose events are new, changed or gone, and keeps the rows of
the others, holds exactly the rows of a full selection.

Per prompt, :func:`open_scope` fingerprints what selection reads of its events (their signal columns and
their texts' fingerprint in the facts table) together with the rules' hash and the code version, and
compares it with the fingerprint :func:`save_prompt_prints` kept at the last curation. Fingerprints are kept
per prompt, not per event: an erasure deletes the rows of its events from every table, and the prompt it
took events from must still show as changed. The prompts in scope are grouped into batches of at most
``batch_events`` events, which are selected one at a time, so the memory of a first build or of a rules
change does not grow with history.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from feedback_platform.lib.curation.text_facts import SIGNAL_COLUMNS
from feedback_platform.lib.warehouse import quote_identifier, table_exists

PROMPT_KEY = "prompt_key"
"""The column a curation is partitioned by (see the module docstring)."""

_CURRENT = "_current_prompt_prints"
_SCOPE = "_prompts_in_scope"


def prompt_prints_table(target_table: str) -> str:
    """The table that keeps, per prompt, the fingerprint of its events at the last curation of the table."""
    return f"{target_table}_prompt_prints"


@dataclass(frozen=True)
class PromptScope:
    """The prompts a curation selects again, numbered into batches (``batch`` of :attr:`table`)."""

    table: str
    """A temporary table of ``prompt_key``, its current ``events`` and its ``batch``."""
    prompts: int
    events: int
    batches: int
    whole: bool
    """Every prompt is in scope and the curated table is written whole (no earlier curation to build on)."""

    def batch_sql(self, batch: int) -> str:
        """SQL listing the prompt keys of one batch."""
        return f"select {PROMPT_KEY} from {self.table} where batch = {int(batch)}"


def open_scope(
    con: duckdb.DuckDBPyConnection,
    *,
    target_table: str,
    mart_table: str,
    facts_table: str,
    salt: str,
    whole: bool,
    batch_events: int,
) -> PromptScope:
    """The prompts of ``mart_table`` whose fingerprint differs from the one kept for ``target_table``, and
    those kept that are gone; every prompt when ``whole`` or when none is kept. ``salt`` (the rules' hash
    and the code version) is part of every fingerprint, so a rules or code change puts every prompt in scope.

    Leaves the current fingerprints in a temporary table for :func:`save_prompt_prints`.
    """
    signals = ", ".join(f"m.{quote_identifier(column)}" for column in SIGNAL_COLUMNS)
    event_print = f"hash({signals}, f.texts_hash)"
    con.execute(
        f"""create or replace temp table {_CURRENT} as
        select f.{PROMPT_KEY}, count(*) as events, hash(bit_xor({event_print}), $salt) as print
        from {quote_identifier(mart_table)} m join {quote_identifier(facts_table)} f using (event_id)
        group by f.{PROMPT_KEY}""",
        {"salt": salt},
    )
    kept = quote_identifier(prompt_prints_table(target_table))
    whole = whole or not table_exists(con, prompt_prints_table(target_table))
    changed = (
        f"select {PROMPT_KEY} from {_CURRENT}"
        if whole
        else f"""select {PROMPT_KEY} from {_CURRENT} anti join {kept} using ({PROMPT_KEY}, events, print)
            union select {PROMPT_KEY} from {kept} anti join {_CURRENT} using ({PROMPT_KEY}, events, print)"""
    )
    # A gone prompt has no current events: it is in scope for its rows to be deleted, and weighs nothing.
    con.execute(
        f"""create or replace temp table {_SCOPE} as
        select changed.{PROMPT_KEY}, coalesce(current.events, 0) as events, 0 as batch
        from ({changed}) as changed left join {_CURRENT} as current using ({PROMPT_KEY})"""
    )
    ((prompts, events),) = con.execute(f"select count(*), coalesce(sum(events), 0) from {_SCOPE}").fetchall()
    batches = max(1, -(-int(events) // batch_events))
    con.execute(f"update {_SCOPE} set batch = hash({PROMPT_KEY}) % {batches}")
    return PromptScope(table=_SCOPE, prompts=prompts, events=int(events), batches=batches, whole=whole)


def save_prompt_prints(con: duckdb.DuckDBPyConnection, scope: PromptScope, *, target_table: str) -> None:
    """Keep the fingerprints of the prompts in scope (all of them, for a whole write) for the next curation.

    Run in the transaction that writes the curated table, so the two never disagree."""
    kept = quote_identifier(prompt_prints_table(target_table))
    if scope.whole:
        con.execute(f"create or replace table {kept} as select * from {_CURRENT}")
        return
    con.execute(f"delete from {kept} where {PROMPT_KEY} in (select {PROMPT_KEY} from {scope.table})")
    con.execute(
        f"insert into {kept} select * from {_CURRENT} "
        f"where {PROMPT_KEY} in (select {PROMPT_KEY} from {scope.table})"
    )


def close_scope(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables of :func:`open_scope`."""
    for table in (_CURRENT, _SCOPE):
        con.execute(f"drop table if exists {table}")
