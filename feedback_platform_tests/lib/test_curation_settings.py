"""What the settings of the rules file do to the selections: thresholds, precedence, implicit signals, KTO,
filters, dedup and the train/validation split, on hand-built `feedback_with_responses` marts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl

from feedback_platform.lib.curation import (
    KTO_COLUMNS,
    CurationRules,
    load_rules,
    parse_rules,
    select_dpo_pairs,
    select_eval_examples,
    select_kto_examples,
    select_sft_examples,
)
from feedback_platform.lib.curation.finishing import split_expr
from feedback_platform_tests.lib.mart_builder import MART_SCHEMA, Mart, by_response, response

RULES = parse_rules({**load_rules().model_dump(mode="json"), "eval_holdout": {"datasets": []}})
"""The shipped rules without the eval holdout: these marts ask few prompts, so holding out the eval ones
would empty SFT; the holdout is tested on its own."""


def changed(**settings: Any) -> CurationRules:
    """The shipped rules with some settings replaced, given as ``section__key=value``."""
    data = RULES.model_dump(mode="json")
    for dotted, value in settings.items():
        *parents, last = dotted.split("__")
        target = data
        for key in parents:
            target = target[key]
        target[last] = value
    return parse_rules(data)


def kto_by_source(frame: pl.DataFrame) -> dict[tuple[str, str], dict[str, Any]]:
    return {(row["response_id"], row["completion_source"]): row for row in frame.iter_rows(named=True)}


# Guards that the eval threshold is read from the rules: a 3 is neutral under 1.1.0 and low at "≤ 3".
def test_raising_the_low_rating_threshold_admits_a_three_to_eval():
    mart = Mart()
    rating = mart.event(response("r1"), "rating", 3)
    assert select_eval_examples(mart.frame(), RULES).height == 0
    stricter = changed(thresholds__low_rating_max=3)
    (row,) = select_eval_examples(mart.frame(), stricter).to_dicts()
    assert (row["reasons"], row["feedback_event_ids"]) == (["low_rating"], [rating])
    assert stricter.sha256 != RULES.sha256


# Guards the switches: a label left out of eval.admitted_by no longer admits; a DPO source can be turned off.
def test_switching_rules_off_changes_the_selection():
    mart = Mart()
    mart.event(response("r1"), "abandon")
    edited = response("r2")
    mart.event(edited, "edit", "Go to Settings, Security, Reset password.")
    assert select_eval_examples(mart.frame(), RULES).height == 1
    without_abandon = changed(eval__admitted_by=["thumb_down", "low_rating", "regenerated"])
    assert select_eval_examples(mart.frame(), without_abandon).height == 0
    assert select_dpo_pairs(mart.frame(), RULES)["pair_source"].to_list() == ["user_edit"]
    no_edit_pairs = changed(dpo__user_edit={"enabled": False, "weight": 1.0})
    assert select_dpo_pairs(mart.frame(), no_edit_pairs).height == 0


# Guards the documented outcome of "thumbs-up, then an edit": the edit wins everywhere it is a target, the
# output still counts as approved for SFT evidence, and KTO labels the output undesirable, the edit desirable.
def test_thumbs_up_then_edit():
    mart = Mart()
    r1 = response("r1", output="Open Settings.")
    up = mart.event(r1, "thumb", "up")
    copy = mart.event(r1, "copy")
    edit = mart.event(r1, "edit", "Open Settings, then Security, then Reset password.")
    frame = mart.frame()
    assert select_eval_examples(frame, RULES).height == 0
    (sft,) = select_sft_examples(frame, RULES).to_dicts()
    assert (sft["completion"], sft["target_source"]) == (
        "Open Settings, then Security, then Reset password.",
        "user_edit",
    )
    assert sft["reasons"] == ["thumb_up_copied", "user_edit"]
    assert sft["feedback_event_ids"] == sorted([up, copy, edit])
    (pair,) = select_dpo_pairs(frame, RULES).to_dicts()
    assert (pair["pair_source"], pair["rejected"], pair["weight"]) == ("user_edit", "Open Settings.", 1.0)
    kto = kto_by_source(select_kto_examples(frame, RULES))
    output, edit_row = kto[("r1", "output")], kto[("r1", "user_edit")]
    assert (output["label"], output["label_reason"], output["feedback_event_ids"]) == (
        False,
        "changed_by_edit",
        [edit],
    )
    assert (edit_row["label"], edit_row["completion"]) == (True, sft["completion"])


# Guards the documented outcome of "rating 5, then regenerate": the regenerate wins (eval, no SFT, KTO
# undesirable), and a later answer to the same prompt that the user copied is preferred over it in DPO.
def test_rating_five_then_regenerate_then_copy_of_the_new_answer():
    mart = Mart()
    first = response("r1", output="Try turning it off and on.")
    retry = response("r2", output="Hold the reset button for ten seconds.")
    retry["conversation_id"] = first["conversation_id"]
    retry["response_created_at"] = first["response_created_at"] + timedelta(minutes=5)
    mart.event(first, "rating", 5)
    regenerate = mart.event(first, "regenerate")
    copy = mart.event(retry, "copy")
    frame = mart.frame()
    evals = by_response(select_eval_examples(frame, RULES))
    assert evals["r1"]["reasons"] == ["regenerated"]
    assert "r1" not in by_response(select_sft_examples(frame, RULES))
    (output,) = select_kto_examples(frame, RULES).filter(pl.col("response_id") == "r1").to_dicts()
    assert (output["label"], output["label_reason"], output["weight"]) == (False, "regenerated", 0.8)
    (pair,) = select_dpo_pairs(frame, RULES).to_dicts()
    assert (pair["pair_source"], pair["chosen_response_id"], pair["rejected_response_id"]) == (
        "regenerate_then_copy",
        "r2",
        "r1",
    )
    assert (pair["weight"], pair["feedback_event_ids"]) == (0.5, sorted([regenerate, copy]))


# Guards the direction of the implicit preference: an answer copied *before* the regenerated one is no pair.
def test_a_copy_of_an_earlier_answer_is_no_regenerate_preference():
    mart = Mart()
    later = response("r1", output="Second try.")
    earlier = response("r0", output="First try.")
    earlier["conversation_id"] = later["conversation_id"]
    later["response_created_at"] = earlier["response_created_at"] + timedelta(minutes=5)
    mart.event(later, "regenerate")
    mart.event(earlier, "copy")
    assert select_dpo_pairs(mart.frame(), RULES).height == 0


# Guards implicit signals as weighted KTO labels with their thresholds: quick abandon, long dwell.
def test_quick_abandon_and_long_dwell_are_weighted_kto_labels():
    mart = Mart()
    quick, slow = response("quick"), response("slow")
    long_read, short_read = response("long"), response("short")
    mart.event(quick, "abandon", after=timedelta(seconds=4))
    mart.event(slow, "abandon", after=timedelta(seconds=40))
    mart.event(long_read, "dwell", 45.0)
    mart.event(short_read, "dwell", 3.0)
    kto = kto_by_source(select_kto_examples(mart.frame(), RULES))
    assert set(kto) == {("quick", "output"), ("long", "output")}
    assert (kto[("quick", "output")]["label"], kto[("quick", "output")]["weight"]) == (False, 0.3)
    assert (kto[("long", "output")]["label"], kto[("long", "output")]["weight"]) == (True, 0.2)
    patient = changed(thresholds__quick_abandon_seconds=60)
    assert ("slow", "output") in kto_by_source(select_kto_examples(mart.frame(), patient))


# Guards KTO from thumbs and ratings: each output labelled by the first rule of the precedence that fires.
def test_kto_labels_thumbs_and_ratings_by_precedence():
    mart = Mart()
    mart.event(response("up"), "thumb", "up")
    mart.event(response("low"), "rating", 1)
    conflicted = response("conflicted")
    mart.event(conflicted, "rating", 5)
    mart.event(conflicted, "thumb", "down")
    mart.event(response("silent"), "comment", "ok")
    rows = select_kto_examples(mart.frame(), RULES)
    assert rows.columns == KTO_COLUMNS
    labels = {row["response_id"]: (row["label"], row["label_reason"]) for row in rows.iter_rows(named=True)}
    assert labels == {
        "up": (True, "thumb_up"),
        "low": (False, "low_rating"),
        "conflicted": (False, "thumb_down"),  # thumb_down precedes high_rating
    }


# Guards the tenant / feature / language filters: a filtered-out response is in no dataset.
def test_tenant_filter_keeps_only_that_tenants_rows():
    mart = Mart()
    for tenant in ("acme", "globex"):
        resp = response(f"{tenant}-1", tenant=tenant)
        mart.event(resp, "thumb", "down")
        mart.event(resp, "edit", f"The {tenant} answer.")
    only_acme = changed(filters__tenants=["acme"])
    for select in (select_eval_examples, select_sft_examples, select_dpo_pairs, select_kto_examples):
        assert set(select(mart.frame(), RULES)["tenant_id"]) == {"acme", "globex"}
        assert set(select(mart.frame(), only_acme)["tenant_id"]) == {"acme"}
    assert select_sft_examples(mart.frame(), changed(filters__languages=["de"])).height == 0


# Guards near-duplicate dedup: prompts equal up to case, punctuation and spacing are kept once when enabled,
# and always share one split.
def test_near_identical_prompts_are_deduplicated_and_share_a_split():
    mart = Mart()
    questions = {
        "a": "How do I reset my password?",
        "b": "how do i reset my  password",
        "c": "HOW DO I RESET MY PASSWORD!!",
        "d": "How do I close my account?",
    }
    for response_id, question in questions.items():
        mart.event(response(response_id, question=question, output=f"answer {response_id}"), "rating", 5)
    frame = mart.frame()
    kept_all = select_sft_examples(frame, RULES)
    assert kept_all.height == 4
    assert kept_all.filter(pl.col("response_id") != "d")["split"].n_unique() == 1
    deduplicated = select_sft_examples(frame, changed(dedup_prompts__enabled=True))
    assert deduplicated.height == 2
    assert "d" in set(deduplicated["response_id"])
    two_each = select_sft_examples(
        frame, changed(dedup_prompts__enabled=True, dedup_prompts__keep_per_prompt=2)
    )
    assert two_each.height == 3


# Guards the split rule itself: it depends on the prompt key only, and a larger validation share only moves
# prompts from train to validation.
def test_split_depends_on_the_prompt_key_only_and_grows_monotonically():
    keys = pl.DataFrame(
        {"prompt_key": [f"{number:08x}" + "0" * 24 for number in range(0, 2**32, 2**32 // 500)]}
    )
    ten = keys.select(split_expr(pl.col("prompt_key"), 10)).to_series()
    twenty = keys.select(split_expr(pl.col("prompt_key"), 20)).to_series()
    assert set(ten) == {"train", "validation"}
    assert not ((ten == "validation") & (twenty == "train")).any()
    assert keys.reverse().select(split_expr(pl.col("prompt_key"), 10)).to_series().reverse().equals(ten)


# Guards typed empty frames: an empty mart, and rules that switch every source off, still give the columns.
def test_empty_inputs_and_switched_off_rules_give_typed_empty_frames():
    empty = pl.DataFrame(schema=MART_SCHEMA)
    kto = select_kto_examples(empty, RULES)
    assert (kto.height, kto.columns, kto.schema["label"]) == (0, KTO_COLUMNS, pl.Boolean)
    mart = Mart()
    resp = response("r1")
    mart.event(resp, "thumb", "up")
    mart.event(resp, "copy")
    mart.event(resp, "edit", "A different answer.")
    nothing = changed(
        kto__output_label_precedence=[],
        kto__user_edits={"enabled": False, "weight": 1.0},
        sft__output_admitted_by=[],
        sft__user_edits=False,
        dpo__user_edit={"enabled": False, "weight": 1.0},
    )
    for select in (select_sft_examples, select_dpo_pairs, select_kto_examples):
        assert select(mart.frame(), RULES).height > 0
        assert select(mart.frame(), nothing).height == 0
    assert select_kto_examples(mart.frame(), nothing).schema == kto.schema
