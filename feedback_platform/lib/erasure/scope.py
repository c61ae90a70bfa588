"""What an erasure removes, as a work list in the warehouse that the later steps read.

The user's data, for one (tenant, user) subject (docs/privacy.md):

- **responses**: every response the user received, with their messages, the output and its retrieved
  context;
- **events**: every feedback event the user wrote, and every event on one of their responses whoever wrote
  it (an edit or a comment quotes the response it rates);
- **examples**: every curated row, and so every dataset row, built from one of those responses or events;
- **lines**: the landing lines all of these were read from, the user's consent lines, and every quarantined
  line that names the user or one of their responses;
- **texts**: the SHA-256 of each of those texts, the keys the redaction cache knows them by.

The list lives in the table `erasure_scope` until the warehouse step deletes it with the rows it names, so
an erasure killed after the user's rows are found still knows them: the erasure log holds only a hash.
"""

import re
from datetime import datetime

import duckdb

from feedback_platform.lib.datasets.index import response_id_columns
from feedback_platform.lib.datasets.kinds import DATASET_KINDS
from feedback_platform.lib.erasure.subject import subject_sha256_sql
from feedback_platform.lib.warehouse import table_columns, table_exists

SCOPE_TABLE = "erasure_scope"
KINDS = ("response", "event", "example", "line", "text")

_ERASURE_ID = re.compile(r"^er-[0-9a-f]{12}$")
_SUBJECT = subject_sha256_sql("tenant_id", "user_id")
_RESPONSE_TABLES = ("raw_responses", "redacted_responses")
_FEEDBACK_TABLES = ("raw_feedback", "redacted_feedback")


def scope_ids(erasure_id: str, kind: str) -> str:
    """SQL for the ids of one kind in the erasure's scope (a subquery)."""
    if not _ERASURE_ID.match(erasure_id) or kind not in KINDS:
        raise ValueError(f"not an erasure id and scope kind: {erasure_id!r}, {kind!r}")
    return f"(select id from {SCOPE_TABLE} where erasure_id = '{erasure_id}' and kind = '{kind}')"


def collect_scope(
    con: duckdb.DuckDBPyConnection, erasure_id: str, tenant_id: str, subject_sha256: str, before: datetime
) -> dict[str, int]:
    """Write the erasure's scope into `erasure_scope` (replacing an earlier attempt's) in one transaction;
    how many ids of each kind it holds. Each kind is found from the kinds before it, so the tables it reads
    may be missing (an erasure before the first build): a missing table adds nothing.

    The user's responses, events and consent lines are those created at or `before` the request (naive
    UTC, as the tables hold it): a user who comes back after an erasure is a new user. Every event on an
    erased response goes with it, and quarantined lines, which may hold no readable time, go whenever."""
    columns = "erasure_id varchar, kind varchar, id varchar, line bigint"
    con.execute(f"create table if not exists {SCOPE_TABLE} ({columns})")
    values = {"erasure": erasure_id, "subject": subject_sha256, "tenant": tenant_id, "before": before}
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {SCOPE_TABLE} where erasure_id = $erasure", {"erasure": erasure_id})
        for kind in KINDS:
            parts = [query for query in _KIND_QUERIES[kind](con, erasure_id) if query]
            if not parts:
                continue
            union = " union all ".join(f"select id, line from ({query})" for query in parts)
            sql = f"insert into {SCOPE_TABLE} select distinct $erasure, '{kind}', id, line from ({union})"
            con.execute(sql, {name: value for name, value in values.items() if f"${name}" in sql})
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return scope_counts(con, erasure_id)


def scope_counts(con: duckdb.DuckDBPyConnection, erasure_id: str) -> dict[str, int]:
    counts = dict(
        con.execute(
            f"select kind, count(*) from {SCOPE_TABLE} where erasure_id = ? group by kind", [erasure_id]
        ).fetchall()
    )
    return {kind: int(counts.get(kind, 0)) for kind in KINDS}


def _responses(con: duckdb.DuckDBPyConnection, erasure_id: str) -> list[str]:
    return [
        f"select response_id as id, null as line from {table}"
        f" where {_SUBJECT} = $subject and created_at <= $before"
        for table in _existing(con, _RESPONSE_TABLES)
    ]


def _events(con: duckdb.DuckDBPyConnection, erasure_id: str) -> list[str]:
    responses = scope_ids(erasure_id, "response")
    return [
        f"select event_id as id, null as line from {table}"
        f" where ({_SUBJECT} = $subject and created_at <= $before) or response_id in {responses}"
        for table in _existing(con, _FEEDBACK_TABLES)
    ]


def _examples(con: duckdb.DuckDBPyConnection, erasure_id: str) -> list[str]:
    """Curated rows built from a response or an event in scope, by their key (the dataset rows' key)."""
    responses, events = scope_ids(erasure_id, "response"), scope_ids(erasure_id, "event")
    queries = []
    for kind in DATASET_KINDS.values():
        if not table_exists(con, kind.curated_table):
            continue
        columns = table_columns(con, kind.curated_table)
        matches = [f"{column} in {responses}" for column in response_id_columns(columns)]
        if "feedback_event_ids" in columns:
            matches.append(f"list_has_any(feedback_event_ids, (select list(id) from {events}))")
        queries.append(
            f"select {kind.key_column} as id, null as line from {kind.curated_table}"
            f" where {' or '.join(matches)}"
        )
    return queries


def _lines(con: duckdb.DuckDBPyConnection, erasure_id: str) -> list[str]:
    """Landing lines (file relative to the landing root, and line) of the rows in scope and of the user's
    consent events, and quarantined lines that are the user's (`_quarantined_line_is_the_users`)."""
    responses, events = scope_ids(erasure_id, "response"), scope_ids(erasure_id, "event")
    in_scope = {
        "raw_responses": f"response_id in {responses}",
        "raw_feedback": f"event_id in {events}",
        "raw_consent": f"{_SUBJECT} = $subject and created_at <= $before",
        "quarantined_rows": _quarantined_line_is_the_users(responses),
    }
    return [
        f"select source_file as id, source_line as line from {table} where {condition}"
        for table, condition in in_scope.items()
        if table_exists(con, table)
    ]


def _quarantined_line_is_the_users(responses: str) -> str:
    """SQL condition: the quarantined line names the subject, or mentions one of the `responses` in scope.

    A broken line may be no JSON object at all (an array of the fields, a line cut short), so beside the
    `user_id` field (with the line's `tenant_id`, or the erasure's when it has none) every quoted string of
    the line is tried as the user id, with the erasure's tenant, when the line names that tenant or no
    tenant: a few quarantined lines of another user with the same id may go too, none of this one's stays.
    """
    tenant = f"coalesce(nullif({_json_field('tenant_id')}, ''), $tenant)"
    strings = """regexp_extract_all(raw_line, '"([^"\\\\]*)"', 1)"""
    hashed = f"list_transform({strings}, lambda s: {subject_sha256_sql('$tenant', 's')})"
    any_string = f"list_has_any({hashed}, [$subject])"
    names_tenant = f"(list_contains({strings}, $tenant) or {_json_field('tenant_id')} = '')"
    return (
        f"{subject_sha256_sql(tenant, _json_field('user_id'))} = $subject"
        f" or ({any_string} and {names_tenant})"
        f" or exists (select 1 from {responses} r where contains(raw_line, r.id))"
    )


def _json_field(field: str) -> str:
    """SQL for the string value of `field` in a raw line, read with a pattern because a quarantined line
    need not be valid JSON; '' when the line has none."""
    return f"""regexp_extract(raw_line, '"{field}"\\s*:\\s*"([^"\\\\]*)"', 1)"""


def _texts(con: duckdb.DuckDBPyConnection, erasure_id: str) -> list[str]:
    """The SHA-256 (hex) of every text of the responses and events in scope (message contents, outputs,
    retrieved documents, feedback values) that no row out of scope holds too: a system prompt or a shared
    document is not the user's, and its cache entry tells nothing about them."""
    responses, events = scope_ids(erasure_id, "response"), scope_ids(erasure_id, "event")
    if not table_exists(con, "raw_responses") or not table_exists(con, "raw_feedback"):
        return []
    mine = _text_values(f"response_id in {responses}", f"event_id in {events}")
    others = _text_values(f"response_id not in {responses}", f"event_id not in {events}")
    unshared = f"({mine}) anti join ({others}) using (text)"
    return [f"select distinct sha256(text) as id, null as line from {unshared}"]


def _text_values(responses: str, events: str) -> str:
    """SQL for the free texts (column `text`) of the raw responses and feedback events matching the
    conditions."""
    return " union all ".join(
        [
            f"select output as text from raw_responses where {responses}",
            f"select unnest(messages).content as text from raw_responses where {responses}",
            f"select unnest(retrieved_context).text as text from raw_responses where {responses}",
            f"select value as text from raw_feedback where {events} and value is not null",
        ]
    )


def _existing(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> list[str]:
    return [table for table in tables if table_exists(con, table)]


_KIND_QUERIES = {
    "response": _responses,
    "event": _events,
    "example": _examples,
    "line": _lines,
    "text": _texts,
}
