"""Curation selects again only the prompts whose events changed, and still holds the rows of a full one."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from feedback_platform.lib.curation import load_rules, parse_rules
from feedback_platform.lib.curation.dpo import DPO_CURATION
from feedback_platform.lib.curation.eval import EVAL_CURATION
from feedback_platform.lib.curation.facts_table import refresh_text_facts
from feedback_platform.lib.curation.kto import KTO_CURATION
from feedback_platform.lib.curation.prompt_scope import prompt_prints_table
from feedback_platform.lib.curation.selection import curate_frame, curate_table
from feedback_platform.lib.curation.sft import SFT_CURATION
from feedback_platform.lib.warehouse import table_columns
from feedback_platform_tests.lib.mart_builder import Mart, response, store_mart

CURATIONS = (EVAL_CURATION, SFT_CURATION, DPO_CURATION, KTO_CURATION)

SHIPPED = load_rules().model_dump(mode="json")
RULES = parse_rules({**SHIPPED, "dedup_prompts": {"enabled": True, "keep_per_prompt": 1}})
"""The shipped rules (SFT holds eval prompts out) with near-duplicate dedup on: the rules under which a
prompt's rows depend most on each other (a new row can take an old one's place)."""

PASSWORD, CANCEL, EXPORT = "How do I reset my password?", "How do I cancel my plan?", "Can I export my data?"
INVOICE = "Where is my invoice?"


def _mart() -> Mart:
    mart = Mart()
    for name, question, signals in (
        ("p1", PASSWORD, [("thumb", "up"), ("copy", None)]),
        ("p2", PASSWORD, [("thumb", "down")]),
        ("c1", CANCEL, [("rating", 5)]),
        ("c2", CANCEL, [("thumb", "down"), ("edit", "Go to Billing, then Cancel.")]),
        ("c3", CANCEL, [("thumb", "up")]),
        ("e1", EXPORT, [("rating", 4)]),
        ("i1", INVOICE, [("thumb", "down"), ("edit", "In Billing, under Invoices.")]),
    ):
        resp = response(name, question=question, output=f"Answer {name}.")
        for signal, value in signals:
            mart.event(resp, signal, value)
    return mart


def _curate_all(con: duckdb.DuckDBPyConnection, rules=RULES, batch_events: int = 3) -> dict[str, object]:
    refresh_text_facts(con)
    return {
        c.kind: curate_table(con, c, rules, target_table=c.kind, batch_events=batch_events) for c in CURATIONS
    }


def _assert_tables_are_a_full_curation(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, rules=RULES):
    for curation in CURATIONS:
        stored = con.sql(f"select * from {curation.kind} order by {curation.id_column}").pl()
        assert stored.equals(curate_frame(curation, frame, rules)), curation.kind


# Guards the nightly's cost and its truth: after a new response to one prompt, a gone event of another and
# every event of a third gone (a re-run day, an erasure), only those three prompts are selected again, a
# fourth keeps its rows untouched, and every table holds the rows of a full curation of the new mart, dedup
# and eval holdout included.
def test_only_prompts_with_new_changed_or_gone_events_are_selected_again(tmp_path):
    mart = _mart()
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        store_mart(con, mart.frame())
        first = _curate_all(con)
        assert {kind: result.prompts_selected for kind, result in first.items()} == dict.fromkeys(first, 4)
        _assert_tables_are_a_full_curation(con, mart.frame())
        cancel_rows_before = con.sql("select * from kto where response_id like 'c%'").pl()

        mart.event(response("e2", question=EXPORT, output="Answer e2."), "thumb", "down")
        frame = mart.frame().filter((pl.col("signal") != "copy") & (pl.col("response_id") != "i1"))
        store_mart(con, frame)
        again = _curate_all(con)
        assert {result.prompts_selected for result in again.values()} == {3}
        _assert_tables_are_a_full_curation(con, frame)
        cancel_rows_after = con.sql("select * from kto where response_id like 'c%'").pl()
        assert cancel_rows_after.equals(cancel_rows_before)

        unchanged = _curate_all(con)
        assert {(r.prompts_selected, r.rows_written) for r in unchanged.values()} == {(0, 0)}


# Guards the rules' part in the fingerprints: a rules edit puts every prompt in scope, and the rows follow it.
def test_a_rules_change_selects_every_prompt_again(tmp_path):
    mart = _mart()
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        store_mart(con, mart.frame())
        _curate_all(con)
        lighter = parse_rules(
            {
                **RULES.model_dump(mode="json"),
                "dpo": {**SHIPPED["dpo"], "thumbs": {"enabled": True, "weight": 0.5}},
            }
        )
        again = _curate_all(con, rules=lighter)
        assert {result.prompts_selected for result in again.values()} == {4}
        _assert_tables_are_a_full_curation(con, mart.frame(), lighter)


# Guards the layout an erasure relies on: the fingerprints are per prompt, with no event, response or user
# column an erasure deletes by, so a prompt that lost events to an erasure is still seen as changed.
@pytest.mark.parametrize("curation", CURATIONS, ids=lambda c: c.kind)
def test_prompt_fingerprints_hold_no_ids_of_events_or_people(tmp_path, curation):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        store_mart(con, _mart().frame())
        _curate_all(con)
        assert table_columns(con, prompt_prints_table(curation.kind)) == ["prompt_key", "events", "print"]
