"""Curation rules on hand-built `feedback_with_responses` marts: who is admitted to eval, SFT and DPO."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from feedback_platform.lib.curation import (
    DPO_COLUMNS,
    EVAL_COLUMNS,
    SFT_COLUMNS,
    load_rules,
    parse_rules,
    select_dpo_pairs,
    select_eval_examples,
    select_kto_examples,
    select_sft_examples,
)
from feedback_platform.lib.curation.dpo import DPO_CURATION
from feedback_platform.lib.curation.eval import EVAL_CURATION
from feedback_platform.lib.curation.facts_table import (
    StaleTextFactsError,
    facts_out_of_step,
    read_signals_and_facts,
    refresh_text_facts,
)
from feedback_platform.lib.curation.kto import KTO_CURATION
from feedback_platform.lib.curation.selection import curate_frame, curate_table
from feedback_platform.lib.curation.sft import SFT_CURATION
from feedback_platform.lib.curation.signals import response_signals
from feedback_platform.lib.curation.text_facts import text_facts
from feedback_platform_tests.lib.mart_builder import MART_SCHEMA, Mart, by_response, response, store_mart

RULES = parse_rules({**load_rules().model_dump(mode="json"), "eval_holdout": {"datasets": []}})
"""The shipped rules without the eval holdout: these marts ask few prompts, so holding out the eval ones
would empty SFT; the holdout is tested on its own."""
"""The rules file shipped in the repository: these tests pin its behaviour."""


def test_thumbs_down_is_an_eval_example_and_not_sft():
    # Guards the thumb_down eval rule and the row it builds.
    mart = Mart()
    r1 = response("r1", output="Reboot the router.")
    down = mart.event(r1, "thumb", "down")
    mart.event(r1, "copy")
    evals = select_eval_examples(mart.frame(), RULES)
    assert evals.columns == EVAL_COLUMNS
    (row,) = evals.to_dicts()
    assert row["response_id"] == "r1"
    assert row["reasons"] == ["thumb_down"]
    assert row["feedback_event_ids"] == [down]
    assert row["output"] == "Reboot the router."
    assert row["reference"] is None
    assert row["messages"][1] == {"role": "user", "content": "How do I reset my password?"}
    assert row["retrieved_context"][0]["doc_id"] == "kb-1"
    assert (row["tenant_id"], row["model"], row["prompt_version"]) == ("acme", "gpt-x", "p7")
    assert select_sft_examples(mart.frame(), RULES).height == 0


def test_low_ratings_are_eval_examples_and_middle_ratings_are_not():
    # Guards the low_rating threshold (<= 2) and that a rating of 3 admits nothing anywhere.
    mart = Mart()
    low = mart.event(response("r1"), "rating", 1)
    mart.event(response("r2"), "rating", 2)
    mart.event(response("r3"), "rating", 3)
    evals = by_response(select_eval_examples(mart.frame(), RULES))
    assert set(evals) == {"r1", "r2"}
    assert evals["r1"]["reasons"] == ["low_rating"]
    assert evals["r1"]["feedback_event_ids"] == [low]
    assert "r3" not in by_response(select_sft_examples(mart.frame(), RULES))


def test_abandon_is_an_eval_example():
    # Guards the abandoned eval rule.
    mart = Mart()
    abandon = mart.event(response("r1"), "abandon")
    mart.event(response("r2"), "dwell", 12.5)
    mart.event(response("r3"), "comment", "meh")
    evals = by_response(select_eval_examples(mart.frame(), RULES))
    assert set(evals) == {"r1"}
    assert evals["r1"]["reasons"] == ["abandoned"]
    assert evals["r1"]["feedback_event_ids"] == [abandon]


def test_regenerate_is_eval_and_vetoes_output_as_sft_target():
    # Guards that a regenerate admits to eval and contradicts an otherwise approving rating.
    mart = Mart()
    r1 = response("r1")
    rating = mart.event(r1, "rating", 5)
    regen = mart.event(r1, "regenerate")
    regen_again = mart.event(r1, "regenerate")
    evals = by_response(select_eval_examples(mart.frame(), RULES))
    assert evals["r1"]["reasons"] == ["regenerated"]
    assert evals["r1"]["feedback_event_ids"] == sorted([regen, regen_again])
    assert rating not in evals["r1"]["feedback_event_ids"]
    assert select_sft_examples(mart.frame(), RULES).height == 0


def test_a_failed_task_is_eval_and_no_sft_target_until_a_later_outcome_reverses_it():
    # Guards the outcome labels: the latest verdict per outcome name decides, every name must succeed, a
    # numeric outcome decides nothing, and the deciding outcome events are the row's evidence.
    mart = Mart()
    failed, fixed, measured_only = response("r1"), response("r2"), response("r3")
    mart.event(failed, "outcome", ("tests_passed", True))
    deploy_failed = mart.event(failed, "outcome", ("deployed", False))
    mart.event(fixed, "outcome", ("tests_passed", False))
    passed_on_rerun = mart.event(fixed, "outcome", ("tests_passed", True))
    mart.event(measured_only, "outcome", ("minutes_until_merged", 42.0))
    mart.event(failed, "outcome", ("deployed", 3.0))  # a later measurement under a verdict's name

    evals = by_response(select_eval_examples(mart.frame(), RULES))
    assert list(evals) == ["r1"] and evals["r1"]["reasons"] == ["task_failed"]
    assert deploy_failed in evals["r1"]["feedback_event_ids"]
    sft = by_response(select_sft_examples(mart.frame(), RULES))
    assert list(sft) == ["r2"] and sft["r2"]["reasons"] == ["task_succeeded"]
    assert sft["r2"]["feedback_event_ids"] == [passed_on_rerun]
    kto = by_response(select_kto_examples(mart.frame(), RULES))
    assert (kto["r1"]["label"], kto["r2"]["label"]) == (False, True) and "r3" not in kto


def test_several_eval_reasons_are_listed_sorted_with_all_their_events():
    # Guards reasons as a sorted list of every rule that fired, and the union of their events.
    mart = Mart()
    r1 = response("r1")
    events = [mart.event(r1, "thumb", "down"), mart.event(r1, "rating", 1), mart.event(r1, "abandon")]
    (row,) = select_eval_examples(mart.frame(), RULES).to_dicts()
    assert row["reasons"] == ["abandoned", "low_rating", "thumb_down"]
    assert row["feedback_event_ids"] == sorted(events)


def test_high_rating_is_sft_with_output_as_target():
    # Guards the high_rating SFT rule.
    mart = Mart()
    r1 = response("r1", output="Use the Reset link.")
    rating = mart.event(r1, "rating", 5)
    mart.event(response("r2"), "rating", 4)
    sft = select_sft_examples(mart.frame(), RULES)
    assert sft.columns == SFT_COLUMNS
    rows = by_response(sft)
    assert set(rows) == {"r1", "r2"}
    assert rows["r1"]["completion"] == "Use the Reset link."
    assert rows["r1"]["target_source"] == "output"
    assert rows["r1"]["reasons"] == ["high_rating"]
    assert rows["r1"]["feedback_event_ids"] == [rating]
    assert rows["r1"]["messages"][0]["role"] == "system"
    assert select_eval_examples(mart.frame(), RULES).height == 0


def test_thumb_up_with_copy_is_sft_but_either_alone_is_not():
    # Guards the thumb_up_copied SFT rule needing both signals.
    mart = Mart()
    r1 = response("r1")
    up = mart.event(r1, "thumb", "up")
    copy = mart.event(r1, "copy")
    mart.event(response("r2"), "thumb", "up")
    mart.event(response("r3"), "copy")
    rows = by_response(select_sft_examples(mart.frame(), RULES))
    assert set(rows) == {"r1"}
    assert rows["r1"]["reasons"] == ["thumb_up_copied"]
    assert rows["r1"]["feedback_event_ids"] == sorted([up, copy])
    assert rows["r1"]["target_source"] == "output"


def test_thumb_up_copy_with_regenerate_or_low_rating_is_not_sft():
    # Guards the "no regenerate" condition of thumb_up_copied and its veto by a low rating.
    mart = Mart()
    r1, r2 = response("r1"), response("r2")
    for resp in (r1, r2):
        mart.event(resp, "thumb", "up")
        mart.event(resp, "copy")
    mart.event(r1, "regenerate")
    mart.event(r2, "rating", 1)
    assert select_sft_examples(mart.frame(), RULES).height == 0
    evals = by_response(select_eval_examples(mart.frame(), RULES))
    assert evals["r1"]["reasons"] == ["regenerated"]
    assert evals["r2"]["reasons"] == ["low_rating"]


def test_high_rating_contradicted_by_thumbs_down_is_not_sft():
    # Guards the negative-signal veto on output targets (thumbs-down contradicting a 5).
    mart = Mart()
    r1 = response("r1")
    mart.event(r1, "rating", 5)
    mart.event(r1, "thumb", "down")
    assert select_sft_examples(mart.frame(), RULES).height == 0
    assert by_response(select_eval_examples(mart.frame(), RULES))["r1"]["reasons"] == ["thumb_down"]


def test_latest_rating_and_thumb_are_the_ones_in_force():
    # Guards the documented precedence: a changed rating or thumb replaces the earlier one.
    mart = Mart()
    r1, r2 = response("r1"), response("r2")
    mart.event(r1, "rating", 1)
    later_rating = mart.event(r1, "rating", 5)
    mart.event(r2, "thumb", "down")
    mart.event(r2, "thumb", "up")
    mart.event(r2, "copy")
    sft = by_response(select_sft_examples(mart.frame(), RULES))
    assert set(sft) == {"r1", "r2"}
    assert sft["r1"]["feedback_event_ids"] == [later_rating]
    assert select_eval_examples(mart.frame(), RULES).height == 0


def test_edit_gives_sft_edit_target_and_dpo_pair_against_output():
    # Guards edit-to-final: the latest edit is the SFT target and the chosen side of a DPO pair.
    mart = Mart()
    r1 = response("r1", output="Reboot it.")
    mart.event(r1, "edit", "Reboot the router, then wait a minute.")
    latest_edit = mart.event(r1, "edit", "Unplug the router for 30 seconds, then plug it back in.")
    rating = mart.event(r1, "rating", 5)
    sft = by_response(select_sft_examples(mart.frame(), RULES))
    assert sft["r1"]["completion"] == "Unplug the router for 30 seconds, then plug it back in."
    assert sft["r1"]["target_source"] == "user_edit"
    assert sft["r1"]["reasons"] == ["high_rating", "user_edit"]
    assert sft["r1"]["feedback_event_ids"] == sorted([latest_edit, rating])
    dpo = select_dpo_pairs(mart.frame(), RULES)
    assert dpo.columns == DPO_COLUMNS
    (pair,) = dpo.to_dicts()
    assert pair["pair_source"] == "user_edit"
    assert pair["chosen"] == "Unplug the router for 30 seconds, then plug it back in."
    assert pair["rejected"] == "Reboot it."
    assert pair["chosen_response_id"] == pair["rejected_response_id"] == "r1"
    assert pair["feedback_event_ids"] == [latest_edit]
    assert pair["chosen_model"] is None
    assert pair["rejected_model"] == "gpt-x"


def test_edit_is_sft_target_even_with_negative_feedback_and_is_eval_reference():
    # Guards that negative feedback does not veto an edit target, and that eval carries the edit as reference.
    mart = Mart()
    r1 = response("r1", output="Wrong answer.")
    down = mart.event(r1, "thumb", "down")
    edit = mart.event(r1, "edit", "Right answer.")
    sft = by_response(select_sft_examples(mart.frame(), RULES))
    assert sft["r1"]["completion"] == "Right answer."
    assert sft["r1"]["reasons"] == ["user_edit"]
    (row,) = select_eval_examples(mart.frame(), RULES).to_dicts()
    assert row["output"] == "Wrong answer."
    assert row["reference"] == "Right answer."
    assert row["reasons"] == ["thumb_down"]
    assert row["feedback_event_ids"] == sorted([down, edit])


def test_whitespace_only_edit_gives_no_dpo_pair_and_blank_edit_counts_as_none():
    # Guards skipping DPO pairs whose sides differ only in whitespace, and ignoring blank edits.
    mart = Mart()
    mart.event(response("r1", output="Open  Settings.\n"), "edit", " Open Settings. ")
    mart.event(response("r2"), "edit", "   ")
    assert select_dpo_pairs(mart.frame(), RULES).height == 0
    sft = by_response(select_sft_examples(mart.frame(), RULES))
    assert set(sft) == {"r1"}


def test_same_prompt_thumbs_up_and_down_pair_in_every_combination():
    # Guards thumbs pairs: every (up, down) combination per prompt and tenant, identical outputs skipped.
    mart = Mart()
    up_a = mart.event(response("up-a", output="Settings > Reset password."), "thumb", "up")
    up_b = mart.event(response("up-b", output="Use the reset link we emailed you."), "thumb", "up")
    down = mart.event(response("down", output="I cannot help with that."), "thumb", "down")
    mart.event(response("down-same", output="Settings > Reset password.  "), "thumb", "down")
    mart.event(response("other-prompt", question="What is my plan?", output="No idea."), "thumb", "down")
    pairs = select_dpo_pairs(mart.frame(), RULES)
    got = {
        (row["chosen_response_id"], row["rejected_response_id"]): row
        for row in pairs.filter(pl.col("pair_source") == "thumbs").iter_rows(named=True)
    }
    assert set(got) == {("up-a", "down"), ("up-b", "down"), ("up-b", "down-same")}
    assert got[("up-a", "down")]["chosen"] == "Settings > Reset password."
    assert got[("up-a", "down")]["rejected"] == "I cannot help with that."
    assert got[("up-a", "down")]["feedback_event_ids"] == sorted([up_a, down])
    assert got[("up-b", "down")]["feedback_event_ids"] == sorted([up_b, down])
    assert got[("up-a", "down")]["messages"][1]["content"] == "How do I reset my password?"
    assert got[("up-a", "down")]["chosen_model"] == "gpt-x"
    assert pairs.get_column("pair_id").n_unique() == pairs.height


def test_thumbs_do_not_pair_across_tenants():
    # Guards tenant isolation of thumbs pairs.
    mart = Mart()
    mart.event(response("a-up", tenant="acme", output="Good."), "thumb", "up")
    mart.event(response("b-down", tenant="globex", output="Bad."), "thumb", "down")
    assert select_dpo_pairs(mart.frame(), RULES).height == 0


def test_thumbs_pairs_use_each_responses_latest_thumb():
    # Guards that a response thumbed both ways pairs by its latest thumb only.
    mart = Mart()
    flip = response("flip", output="First try.")
    mart.event(flip, "thumb", "up")
    mart.event(flip, "thumb", "down")
    mart.event(response("steady", output="Second try."), "thumb", "up")
    (pair,) = select_dpo_pairs(mart.frame(), RULES).to_dicts()
    assert (pair["chosen_response_id"], pair["rejected_response_id"]) == ("steady", "flip")


def test_opted_out_responses_are_excluded_everywhere():
    # Guards training consent: a response whose user opted out feeds no dataset, not even as a pair partner.
    mart = Mart()
    opted_out = response("r-out", output="Opted-out answer.", training_allowed=False)
    mart.event(opted_out, "thumb", "down")
    mart.event(opted_out, "rating", 5)
    mart.event(opted_out, "edit", "A better answer.")
    mart.event(opted_out, "regenerate")
    mart.event(response("r-up", output="Fine answer."), "thumb", "up")
    frame = mart.frame()
    assert select_eval_examples(frame, RULES).height == 0
    assert select_sft_examples(frame, RULES).height == 0
    assert select_dpo_pairs(frame, RULES).height == 0
    # Sanity check: the same events with consent do produce rows everywhere.
    consenting = frame.with_columns(training_allowed=pl.lit(True))
    assert select_eval_examples(consenting, RULES).height == 1
    assert select_sft_examples(consenting, RULES).height == 1
    assert select_dpo_pairs(consenting, RULES).height == 2


def test_events_whose_author_does_not_allow_training_are_not_signals():
    # Guards consent by author and tenant isolation: an edit or a thumb written by someone who does not
    # allow training, or from another tenant (author_allows_training false), selects nothing, while the
    # response's own user's events still do.
    mart = Mart()
    answer = response("r-edited", output="First answer.")
    mart.event(answer, "edit", "Someone else's better answer.", author_allows_training=False)
    mart.event(answer, "thumb", "down", author_allows_training=False)
    frame = mart.frame()
    assert select_sft_examples(frame, RULES).height == 0
    assert select_eval_examples(frame, RULES).height == 0
    allowed = frame.with_columns(author_allows_training=pl.lit(True))
    assert select_sft_examples(allowed, RULES).height == 1
    assert select_eval_examples(allowed, RULES).height == 1


def test_ids_are_stable_across_input_order_and_runs():
    # Guards deterministic example_id / pair_id and row order whatever order the mart arrives in.
    mart = Mart()
    for index in range(6):
        resp = response(f"r{index}", output=f"answer {index}")
        mart.event(resp, "thumb", "up" if index % 2 else "down")
        mart.event(resp, "rating", 5 if index % 2 else 1)
        mart.event(resp, "copy")
        if index % 3 == 0:
            mart.event(resp, "edit", f"edited answer {index}")
    frame = mart.frame()
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=7)
    assert not shuffled.equals(frame)
    for select in (select_eval_examples, select_sft_examples, select_dpo_pairs):
        first, second = select(frame, RULES), select(shuffled, RULES)
        assert first.height > 0
        assert first.equals(second)
    eval_ids = set(select_eval_examples(frame, RULES).get_column("example_id"))
    sft_ids = set(select_sft_examples(frame, RULES).get_column("example_id"))
    assert not eval_ids & sft_ids  # the dataset kind is part of the id
    assert all(len(example_id) == 32 for example_id in eval_ids)


def test_empty_mart_gives_empty_frames_with_the_documented_columns():
    # Guards that a day without feedback still yields typed, empty datasets.
    empty = pl.DataFrame(schema=MART_SCHEMA)
    assert select_eval_examples(empty, RULES).columns == EVAL_COLUMNS
    assert select_sft_examples(empty, RULES).columns == SFT_COLUMNS
    dpo = select_dpo_pairs(empty, RULES)
    assert dpo.columns == DPO_COLUMNS
    assert dpo.schema["feedback_event_ids"] == pl.List(pl.String)
    assert dpo.height == 0


def test_response_signals_aggregates_one_row_per_response():
    # Guards the shared aggregation: latest thumb, latest edit and the action event lists.
    mart = Mart()
    r1 = response("r1")
    mart.event(r1, "thumb", "down")
    up = mart.event(r1, "thumb", "up")
    copies = [mart.event(r1, "copy"), mart.event(r1, "copy")]
    mart.event(r1, "edit", "draft")
    edit = mart.event(r1, "edit", "final")
    (row,) = response_signals(text_facts(mart.frame()), RULES.thresholds).collect().to_dicts()
    assert (row["latest_thumb"], row["latest_thumb_event_id"]) == ("up", up)
    assert (row["latest_edit_chars"], row["latest_edit_event_id"]) == (len("final"), edit)
    assert row["copy_event_ids"] == copies
    assert row["regenerate_event_ids"] == []
    assert row["training_allowed"] is True
    assert len(row["prompt_id"]) == 32


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ([("system", "a"), ("user", "b")], [("system", "a"), ("user", "b")], True),
        ([("system", "a"), ("user", "b")], [("user", "a"), ("user", "b")], False),
        ([("user", "ab"), ("user", "c")], [("user", "a"), ("user", "bc")], False),
    ],
)
def test_prompt_identity_covers_roles_contents_and_boundaries(first, second, same):
    # Guards prompt identity for thumbs pairing: roles count, and shifting text between turns changes it.
    mart = Mart()
    for response_id, turns in (("one", first), ("two", second)):
        resp = response(response_id)
        resp["messages"] = [{"role": role, "content": content} for role, content in turns]
        mart.event(resp, "thumb", "up")
    ids = response_signals(text_facts(mart.frame()), RULES.thresholds).collect().get_column("prompt_id")
    assert (ids.n_unique() == 1) is same


def _three_responses_mart() -> Mart:
    mart = Mart()
    r1, r2, r3 = response("r1", output="Good."), response("r2", output="Bad."), response("r3", output="Meh.")
    mart.event(r1, "thumb", "up")
    mart.event(r1, "copy")
    mart.event(r2, "thumb", "down")
    mart.event(r2, "edit", "Better.")
    mart.event(r3, "rating", 1)
    mart.event(r3, "edit", "Much better.")
    return mart


def test_curated_tables_in_a_duckdb_file_hold_the_rows_of_the_frame_path(tmp_path):
    # Guards the assets' path: the mart in a DuckDB file, its facts computed in batches smaller than the mart
    # (a response's events split across batches), the texts joined back in SQL: the rows of the frame path.
    frame = _three_responses_mart().frame()
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        store_mart(con, frame)
        refresh = refresh_text_facts(con, batch_rows=2)
        assert (refresh.added, refresh.removed, refresh.total) == (frame.height, 0, frame.height)
        assert set(facts_out_of_step(con).values()) == {0}
        selected_over = read_signals_and_facts(con).sort("event_id")
        assert selected_over.equals(text_facts(frame).select(selected_over.columns).sort("event_id"))
        for curation in (EVAL_CURATION, SFT_CURATION, DPO_CURATION, KTO_CURATION):
            curated = curate_table(con, curation, RULES, target_table=f"{curation.kind}_rows")
            stored = con.sql(f"select * from {curation.kind}_rows").pl()
            assert curated.rows == curated.rows_written == stored.height > 0
            assert stored.equals(curate_frame(curation, frame, RULES))


def test_a_refresh_recomputes_only_the_facts_of_new_changed_and_gone_texts(tmp_path):
    # Guards the nightly's cost and the facts' truth: unchanged events keep their facts, an edited text and a
    # new event are computed, a gone event's facts leave; until the refresh the gaps are seen, and curation
    # refuses to run over facts that miss an event.
    mart = _three_responses_mart()
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        store_mart(con, mart.frame())
        refresh_text_facts(con)
        mart.event(response("r4", output="New."), "thumb", "up")
        edited = pl.when(pl.col("edit_text") == "Better.").then(pl.lit("Best.")).otherwise("edit_text")
        frame = mart.frame().with_columns(edit_text=edited).filter(pl.col("signal") != "copy")
        store_mart(con, frame)
        assert facts_out_of_step(con) == {
            "events_without_facts": 1,
            "facts_of_changed_texts": 1,
            "facts_without_event": 1,
            "duplicated_events": 0,
        }
        with pytest.raises(StaleTextFactsError, match="1 events of feedback_with_responses"):
            curate_table(con, SFT_CURATION, RULES, target_table="sft_rows")
        refresh = refresh_text_facts(con)
        assert (refresh.added, refresh.removed, refresh.total) == (2, 2, frame.height)
        assert set(facts_out_of_step(con).values()) == {0}
        curate_table(con, KTO_CURATION, RULES, target_table="kto_rows")
        assert con.sql("select * from kto_rows").pl().equals(curate_frame(KTO_CURATION, frame, RULES))


def test_curating_again_writes_only_the_rows_whose_values_or_texts_changed(tmp_path):
    # Guards the nightly's curate cost and its truth: unchanged, nothing is written; after a new response,
    # an edited text and a retrieved context changed in place (a text no selection rule reads), every new
    # or changed row is written, the untouched response's are not, and the table holds exactly the rows of a
    # full curation.
    mart = _three_responses_mart()
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        store_mart(con, mart.frame())
        refresh_text_facts(con)
        first = curate_table(con, KTO_CURATION, RULES, target_table="kto_rows")
        assert first.rows == first.rows_written > 0
        assert curate_table(con, KTO_CURATION, RULES, target_table="kto_rows").rows_written == 0
        before = con.sql("select * from kto_rows").pl()

        mart.event(response("r4", output="New."), "thumb", "up")
        edited = pl.when(pl.col("edit_text") == "Better.").then(pl.lit("Best.")).otherwise("edit_text")
        context = pl.col("retrieved_context").list.eval(
            pl.element().struct.with_fields(text=pl.lit("Moved."))
        )
        frame = mart.frame().with_columns(
            edit_text=edited,
            retrieved_context=pl.when(pl.col("response_id") == "r1")
            .then(context)
            .otherwise("retrieved_context"),
        )
        store_mart(con, frame)
        refresh_text_facts(con)
        again = curate_table(con, KTO_CURATION, RULES, target_table="kto_rows")
        stored = con.sql("select * from kto_rows").pl().sort("example_id")
        assert stored.equals(curate_frame(KTO_CURATION, frame, RULES))
        new_or_changed = stored.join(before, on=stored.columns, how="anti", nulls_equal=True).height
        untouched = stored.filter(pl.col("response_id") == "r3").height
        assert 0 < new_or_changed <= again.rows_written <= again.rows - untouched < again.rows
