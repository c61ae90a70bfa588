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

Erasures asked together (a night's `erase` events) are scoped together: each query reads a table once for
all of them, joined to their subjects, instead of once per erasure (82 erasures on 29 days of 20,000
responses a day took 219 s, most of it scanning history once per erasure).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl

from feedback_platform.lib.datasets.index import response_id_columns
from feedback_platform.lib.datasets.kinds import DATASET_KINDS
from feedback_platform.lib.erasure.subject import subject_sha256_sql
from feedback_platform.lib.warehouse import table_columns, table_exists

SCOPE_TABLE = "erasure_scope"
KINDS = ("response", "event", "example", "line", "text")

_REQUESTS = "erasure_requests"
"""A temporary table of the erasures being scoped: erasure_id, tenant_id, subject (SHA-256), before."""
_ERASURE_ID = re.compile(r"^er-[0-9a-f]{12}$")
_SUBJECT = subject_sha256_sql("t.tenant_id", "t.user_id")
_RESPONSE_TABLES = ("raw_responses", "redacted_responses")
_FEEDBACK_TABLES = ("raw_feedback", "redacted_feedback")


@dataclass(frozen=True)
class ScopeRequest:
    erasure_id: str
    tenant_id: str
    subject_sha256: str
    before: datetime
    """The request's time (naive UTC, as the tables hold it): rows created after it are a new user's."""


def scope_ids(erasure_ids: Sequence[str], kind: str) -> str:
    """SQL for the ids of one kind in the scopes of the erasures (a subquery)."""
    if kind not in KINDS or not erasure_ids or not all(_ERASURE_ID.match(erasure) for erasure in erasure_ids):
        raise ValueError(f"not erasure ids and a scope kind: {erasure_ids!r}, {kind!r}")
    return f"(select id from {SCOPE_TABLE} where erasure_id in {_listed(erasure_ids)} and kind = '{kind}')"


def _listed(erasure_ids: Sequence[str]) -> str:
    """SQL for a list of erasure ids, checked by `scope_ids`' pattern: `('er-…', 'er-…')`."""
    return "(" + ", ".join(f"'{erasure}'" for erasure in erasure_ids) + ")"


def collect_scopes(
    con: duckdb.DuckDBPyConnection, requests: Sequence[ScopeRequest]
) -> dict[str, dict[str, int]]:
    """Write the erasures' scopes into `erasure_scope` (replacing earlier attempts') in one transaction;
    per erasure, how many ids of each kind its scope holds. Each kind is found from the kinds before it, so
    the tables it reads may be missing (an erasure before the first build): a missing table adds nothing.

    A user's responses, events and consent lines are those created at or before the request: a user who
    comes back after an erasure is a new user. Every event on an erased response goes with it, and
    quarantined lines, which may hold no readable time, go whenever."""
    columns = "erasure_id varchar, kind varchar, id varchar, line bigint"
    con.execute(f"create table if not exists {SCOPE_TABLE} ({columns})")
    con.register("erasure_requests_frame", _requests_frame(requests))
    con.execute(f"create or replace temp table {_REQUESTS} as select * from erasure_requests_frame")
    con.unregister("erasure_requests_frame")
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {SCOPE_TABLE} where erasure_id in (select erasure_id from {_REQUESTS})")
        for kind in KINDS:
            parts = [query for query in _KIND_QUERIES[kind](con) if query]
            if parts:
                union = " union all ".join(f"select erasure_id, id, line from ({query})" for query in parts)
                con.execute(
                    f"insert into {SCOPE_TABLE} select distinct erasure_id, '{kind}', id, line from ({union})"
                )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.execute(f"drop table if exists {_REQUESTS}")
    return {request.erasure_id: scope_counts(con, request.erasure_id) for request in requests}


def scope_counts(con: duckdb.DuckDBPyConnection, erasure_id: str) -> dict[str, int]:
    counts = dict(
        con.execute(
            f"select kind, count(*) from {SCOPE_TABLE} where erasure_id = ? group by kind", [erasure_id]
        ).fetchall()
    )
    return {kind: int(counts.get(kind, 0)) for kind in KINDS}


def _requests_frame(requests: Sequence[ScopeRequest]) -> pl.DataFrame:
    for request in requests:
        if not _ERASURE_ID.match(request.erasure_id):
            raise ValueError(f"not an erasure id: {request.erasure_id!r}")
    return pl.DataFrame(
        {
            "erasure_id": [request.erasure_id for request in requests],
            "tenant_id": [request.tenant_id for request in requests],
            "subject": [request.subject_sha256 for request in requests],
            "before": [request.before for request in requests],
        },
        schema={
            "erasure_id": pl.String,
            "tenant_id": pl.String,
            "subject": pl.String,
            "before": pl.Datetime("us"),
        },
    )


def _scoped(kind: str) -> str:
    """SQL for the (erasure_id, id) of one kind in the scopes being collected."""
    return (
        f"(select erasure_id, id from {SCOPE_TABLE} where kind = '{kind}'"
        f" and erasure_id in (select erasure_id from {_REQUESTS}))"
    )


def _subjects_rows(table: str, id_column: str) -> str:
    """The rows of `table` of a subject being erased, created at or before its request."""
    return (
        f"select q.erasure_id, t.{id_column} as id, null as line from {table} t"
        f" join {_REQUESTS} q on {_SUBJECT} = q.subject and t.created_at <= q.before"
    )


def _responses(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [_subjects_rows(table, "response_id") for table in _existing(con, _RESPONSE_TABLES)]


def _events(con: duckdb.DuckDBPyConnection) -> list[str]:
    queries = []
    for table in _existing(con, _FEEDBACK_TABLES):
        queries += [
            _subjects_rows(table, "event_id"),
            f"select s.erasure_id, t.event_id as id, null as line from {table} t"
            f" join {_scoped('response')} s on t.response_id = s.id",
        ]
    return queries


def _examples(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Curated rows built from a response or an event in scope, by their key (the dataset rows' key)."""
    queries = []
    for kind in DATASET_KINDS.values():
        if not table_exists(con, kind.curated_table):
            continue
        columns = table_columns(con, kind.curated_table)
        queries += [
            f"select s.erasure_id, c.{kind.key_column} as id, null as line from {kind.curated_table} c"
            f" join {_scoped('response')} s on c.{column} = s.id"
            for column in response_id_columns(columns)
        ]
        if "feedback_event_ids" in columns:
            key = kind.key_column
            events = f"(select {key}, unnest(feedback_event_ids) as event_id from {kind.curated_table})"
            queries.append(
                f"select s.erasure_id, c.{kind.key_column} as id, null as line from {events} c"
                f" join {_scoped('event')} s on c.event_id = s.id"
            )
    return queries


def _lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Landing lines (file relative to the landing root, and line) of the rows in scope and of the users'
    consent events, and quarantined lines that are a user's or name one of their responses."""
    joins = {
        "raw_responses": f"join {_scoped('response')} s on t.response_id = s.id",
        "raw_feedback": f"join {_scoped('event')} s on t.event_id = s.id",
        "raw_consent": f"join {_REQUESTS} s on {_SUBJECT} = s.subject and t.created_at <= s.before",
    }
    queries = [
        f"select s.erasure_id, t.source_file as id, t.source_line as line from {table} t {join}"
        for table, join in joins.items()
        if table_exists(con, table)
    ]
    if table_exists(con, "quarantined_rows"):
        queries += [_quarantined_lines_of_subjects(), _quarantined_lines_naming_responses()]
    return queries


_QUOTED_STRINGS = """regexp_extract_all(t.raw_line, '"([^"\\\\]*)"', 1)"""
"""SQL for the quoted strings of a raw line `t`, read with a pattern: a quarantined line need not be JSON."""


def _quarantined_lines_of_subjects() -> str:
    """SQL for the quarantined lines that name a subject being erased, with its erasure.

    A broken line may be no JSON object at all (an array of the fields, a line cut short), so beside the
    `user_id` field (with the line's `tenant_id`, or the erasure's when it has none) every quoted string of
    the line is tried as the user id, with the erasure's tenant, when the line names that tenant or no
    tenant: a few quarantined lines of another user with the same id may go too, none of this one's stays.

    Each line's candidate subjects are hashed once per tenant being erased and joined to the requests on
    the hash (a condition tried for every line and request took minutes on 300 requests)."""
    lines = (
        f"select t.source_file, t.source_line, {_QUOTED_STRINGS} as strings,"
        f" {_json_field('tenant_id')} as line_tenant, {_json_field('user_id')} as line_user"
        " from quarantined_rows t"
    )
    tenants = f"(select distinct tenant_id from {_REQUESTS}) q"
    line_or_erasure_tenant = "coalesce(nullif(l.line_tenant, ''), q.tenant_id)"
    by_field = (
        f"select l.source_file, l.source_line, {subject_sha256_sql(line_or_erasure_tenant, 'l.line_user')}"
        f" as subject from lines l, {tenants}"
    )
    by_string = (
        f"select l.source_file, l.source_line, {subject_sha256_sql('q.tenant_id', 'l.quoted')} as subject"
        f" from (select *, unnest(strings) as quoted from lines) l, {tenants}"
        " where list_contains(l.strings, q.tenant_id) or l.line_tenant = ''"
    )
    return (
        f"with lines as ({lines}) select s.erasure_id, c.source_file as id, c.source_line as line"
        f" from ({by_field} union all {by_string}) c join {_REQUESTS} s on c.subject = s.subject"
    )


def _quarantined_lines_naming_responses() -> str:
    """SQL for the quarantined lines that name a response in scope: one of the line's quoted strings, or of
    its words (what lies between spaces and JSON punctuation, for a line that is not JSON), is the id."""
    words = """regexp_split_to_array(t.raw_line, '[\\s"{}\\[\\],:]+')"""
    tokens = f"list_distinct(list_concat({_QUOTED_STRINGS}, {words}))"
    return (
        "select s.erasure_id, l.source_file as id, l.source_line as line"
        f" from (select t.source_file, t.source_line, unnest({tokens}) as token from quarantined_rows t) l"
        f" join {_scoped('response')} s on l.token = s.id"
    )


def _json_field(field: str) -> str:
    """SQL for the string value of `field` in a raw line, read with a pattern because a quarantined line
    need not be valid JSON; '' when the line has none."""
    return f"""regexp_extract(t.raw_line, '"{field}"\\s*:\\s*"([^"\\\\]*)"', 1)"""


def _texts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The SHA-256 (hex) of every text of the responses and events in scope (message contents, outputs,
    retrieved documents, feedback values) that no row out of every scope being collected holds too: a
    system prompt or a shared document is not the user's, and its cache entry tells nothing about them."""
    if not table_exists(con, "raw_responses") or not table_exists(con, "raw_feedback"):
        return []
    responses, events = _scoped("response"), _scoped("event")
    mine = _text_values(
        f"join {responses} s on r.response_id = s.id",
        f"join {events} s on f.event_id = s.id",
        erasure="s.erasure_id",
    )
    others = _text_values(
        f"anti join {responses} s on r.response_id = s.id",
        f"anti join {events} s on f.event_id = s.id",
        erasure="null",
    )
    unshared = f"({mine}) anti join ({others}) using (text)"
    return [f"select distinct erasure_id, sha256(text) as id, null as line from {unshared}"]


def _text_values(response_join: str, event_join: str, erasure: str) -> str:
    """SQL for (erasure_id, text): the free texts of the raw responses and feedback events the joins keep,
    with `erasure` as their erasure id."""
    texts = ["r.output", "unnest(r.messages).content", "unnest(r.retrieved_context).text"]
    from_responses = [
        f"select {erasure} as erasure_id, {text} as text from raw_responses r {response_join}"
        for text in texts
    ]
    from_events = (
        f"select {erasure} as erasure_id, f.value as text from raw_feedback f {event_join}"
        " where f.value is not null"
    )
    return " union all ".join([*from_responses, from_events])


def _existing(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> list[str]:
    return [table for table in tables if table_exists(con, table)]


_KIND_QUERIES = {
    "response": _responses,
    "event": _events,
    "example": _examples,
    "line": _lines,
    "text": _texts,
}
