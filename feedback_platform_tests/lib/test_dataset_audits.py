"""The audit rules of dataset versions, on small frames shaped like stored rows."""

from pathlib import Path

import duckdb
import polars as pl

from feedback_platform.lib.curation.finishing import split_expr
from feedback_platform.lib.curation.text_facts import prompt_key_expr
from feedback_platform.lib.datasets.audits import (
    keys_repeated,
    pairs_without_a_preference,
    prompt_keys_of,
    prompts_shared_with,
    residual_pii_in_rows,
    rows_not_judged,
    rows_of_other_tenants,
    rows_outside_their_prompts_split,
    rows_selected_by,
    rows_without_known_events,
)


def _messages(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


# Guards the split audit: a row is judged alone against its prompt's assigned split, near-duplicate prompts
# (case, spacing, punctuation) share it, so one of them on the other side is found; all in their split pass.
def test_a_row_outside_its_prompts_split_is_found_up_to_near_duplicates() -> None:
    prompts = ["Reset my password?", "reset my  password", "Hi", "Opening hours?", "Cancel my plan"]
    assigned = (
        pl.DataFrame({"messages": [_messages(prompt) for prompt in prompts]})
        .with_columns(split=split_expr(prompt_key_expr(pl.col("messages")), 50))
        .get_column("split")
        .to_list()
    )
    assert assigned[0] == assigned[1] and set(assigned) == {"train", "validation"}
    in_place = pl.DataFrame({"messages": [_messages(prompt) for prompt in prompts], "split": assigned})
    assert rows_outside_their_prompts_split(in_place, 50).is_empty()

    other_side = {"train": "validation", "validation": "train"}[assigned[1]]
    moved = in_place.with_columns(split=pl.Series([assigned[0], other_side, *assigned[2:]]))
    leaks = rows_outside_their_prompts_split(moved, 50)
    assert leaks.height == 1 and leaks["rows"].item() == 1
    assert leaks["splits"].item().to_list() == [other_side]


# Guards the eval holdout audit.
def test_prompts_shared_with_eval_are_found() -> None:
    sft = pl.DataFrame({"messages": [_messages("How do refunds work?"), _messages("Opening hours?")]})
    eval_rows = pl.DataFrame({"messages": [_messages("how do refunds work")]})
    eval_keys = prompt_keys_of([eval_rows])
    assert prompts_shared_with(prompt_keys_of([sft.head(1), sft.tail(1)]), eval_keys).height == 1
    assert prompts_shared_with(prompt_keys_of([sft.tail(1)]), eval_keys).is_empty()


# Guards the DPO audit: equal after whitespace normalisation, or an empty side, is no preference.
def test_pairs_without_a_preference() -> None:
    pairs = pl.DataFrame(
        {
            "pair_id": ["p1", "p2", "p3"],
            "pair_source": ["thumbs"] * 3,
            "chosen_response_id": ["r1", "r2", "r3"],
            "rejected_response_id": ["r4", "r5", "r6"],
            "chosen": ["Same  text", "", "Better"],
            "rejected": ["Same text ", "Something", "Worse"],
        }
    )
    assert pairs_without_a_preference(pairs)["pair_id"].to_list() == ["p1", "p2"]


# Guards the residual scan of dataset texts: nested message contents are scanned, values are masked.
def test_residual_pii_is_found_in_nested_texts_and_masked() -> None:
    rows = pl.DataFrame(
        {
            "example_id": ["e1", "e2"],
            "messages": [_messages("mail jane.roe@example.org"), _messages("hello")],
            "completion": ["fine", "call <PHONE_NUMBER>"],
        }
    )
    findings = residual_pii_in_rows(rows, "example_id")
    assert findings.select("id", "field", "kind").rows() == [("e1", "messages.content", "email")]
    assert "jane.roe@example.org" not in findings["masked"].item()


# Guards lineage and tenant audits.
def test_rows_without_known_events_and_other_tenants() -> None:
    rows = pl.DataFrame(
        {
            "example_id": ["e1", "e2", "e3"],
            "response_id": ["r1", "r2", "r3"],
            "tenant_id": ["acme", "acme", "globex"],
            "feedback_event_ids": [["f1"], ["f404"], []],
        }
    )
    missing = rows_without_known_events(rows, "example_id", pl.Series(["f1"]))
    assert missing["row_id"].to_list() == ["e2", "e3"]
    assert missing["unknown_events"].to_list() == [["f404"], []]
    assert rows_of_other_tenants(rows, "acme").rows() == [("globex", 1)]
    assert rows_selected_by(rows, "example_id", pl.Series(["f404", "f9"])).rows() == [("e2", ["f404"])]


# Guards what a row-local audit may skip: only rows equal, in every column read (nested messages included),
# to a row it judged; a row changed in one nested field, or moved to another split, is judged again.
def test_rows_not_judged_are_those_differing_from_every_judged_row_in_some_value() -> None:
    judged = pl.DataFrame(
        {"messages": [_messages("Reset my password?"), _messages("Hi")], "split": ["train", "validation"]}
    )
    rows = pl.DataFrame(
        {
            "messages": [_messages("Hi"), _messages("Reset my password!"), _messages("Hi")],
            "split": ["validation", "train", "train"],
        }
    )
    left = rows_not_judged(rows, judged)
    assert left.to_dicts() == rows.tail(2).to_dicts()
    assert rows_not_judged(judged, judged).is_empty()


# Guards the version-wide half of a staged suite: a key held by rows of two shards (or twice in one) is
# found across the shards' files, with how many rows hold it; keys held once are not.
def test_keys_repeated_across_shard_files(tmp_path: Path) -> None:
    shards = [
        pl.DataFrame({"example_id": ["e1", "e2"], "completion": ["a", "b"]}),
        pl.DataFrame({"example_id": ["e3", "e2", "e4", "e4"], "completion": ["c", "d", "e", "f"]}),
    ]
    files = [tmp_path / f"shard{index}.parquet" for index in range(len(shards))]
    for shard, file in zip(shards, files, strict=True):
        shard.write_parquet(file)
    with duckdb.connect() as con:
        assert keys_repeated(con, files, "example_id").rows() == [("e2", 2), ("e4", 2)]
        assert keys_repeated(con, files[:1], "example_id").is_empty()
        assert keys_repeated(con, [], "example_id").is_empty()
