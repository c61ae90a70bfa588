"""The whole graph on a small real sample: what each layer must guarantee, asserted on content."""

import gzip

import dagster as dg
import polars as pl
import pytest

from feedback_platform.lib.curation.text_facts import prompt_key_expr
from feedback_platform.lib.datasets.index import list_dataset_versions
from feedback_platform.lib.datasets.kinds import DATASET_KINDS
from feedback_platform.lib.datasets.store import read_dataset_version
from feedback_platform.lib.hashing import file_sha256
from feedback_platform.lib.pii import ENGINE_VERSION
from feedback_platform.local.materialize import materialize_days
from feedback_platform_tests.conftest import SamplePlatform

RAW_LAYER = {"raw_responses", "raw_feedback", "raw_consent", "quarantined_rows"}


# Guards the whole graph: both jobs succeed and every check passes on well-formed sample data.
def test_every_run_succeeds_and_every_check_passes(sample_platform: SamplePlatform) -> None:
    assert [o.job for o in sample_platform.outcomes] == ["landing_day_job", "datasets_job"]
    for outcome in sample_platform.outcomes:
        assert outcome.failed_steps == []
        assert outcome.failed_checks == []
        assert outcome.success


# Guards the redaction gate: no planted email, phone, card or key survives into any table past the raw layer,
# or into any dataset file (the JSONL copy holds the same rows as the Parquet one).
@pytest.mark.parametrize("entity", ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "API_KEY"])
def test_planted_pii_never_appears_below_the_raw_layer(sample_platform: SamplePlatform, entity: str) -> None:
    planted = sorted({value for kind, value in sample_platform.generation.planted_pii if kind == entity})
    assert planted, f"the sample plants no {entity}"
    raw_text = sample_platform.table_text("raw_responses") + sample_platform.table_text("raw_feedback")
    assert any(value in raw_text for value in planted), "planted values must reach the raw layer first"
    for table in set(sample_platform.tables()) - RAW_LAYER:
        text = sample_platform.table_text(table)
        leaked = [value for value in planted if value in text]
        assert leaked == [], f"{table} holds planted {entity} values {leaked[:3]}"
    dataset_files = sorted(sample_platform.settings.datasets_dir.rglob("*.json*"))
    assert any(path.name == "data.jsonl" for path in dataset_files)
    for path in dataset_files:
        text = path.read_text(encoding="utf-8")
        leaked = [value for value in planted if value in text]
        assert leaked == [], f"{path} holds planted {entity} values {leaked[:3]}"


# Guards the eval rule: every response with a thumbs-down lands in the eval dataset.
def test_thumbs_down_responses_are_in_eval(sample_platform: SamplePlatform) -> None:
    linked = sample_platform.table("feedback_with_responses")
    thumbs_down = set(linked.filter((pl.col("thumb") == "down") & pl.col("training_allowed"))["response_id"])
    assert thumbs_down
    assert thumbs_down <= set(sample_platform.table("eval_examples")["response_id"])


# Guards edit-to-final: an edit yields an SFT row targeting the edit and a DPO pair edit-over-output.
def test_an_edit_yields_sft_target_and_dpo_pair(sample_platform: SamplePlatform) -> None:
    edits = sample_platform.table("feedback_with_responses").filter(
        (pl.col("signal") == "edit") & pl.col("training_allowed")
    )
    assert edits.height > 0
    latest = (
        edits.sort("feedback_created_at")
        .group_by("response_id")
        .last()
        .with_columns(prompt_key=prompt_key_expr(pl.col("messages")))
    )
    eval_prompts = set(
        sample_platform.table("eval_examples").select(prompt_key_expr(pl.col("messages")))[:, 0]
    )
    sft = sample_platform.table("sft_examples").filter(pl.col("target_source") == "user_edit")
    dpo = sample_platform.table("dpo_pairs").filter(pl.col("pair_source") == "user_edit")
    sft_targets = dict(sft.select("response_id", "completion").iter_rows())
    dpo_by_response = {row["chosen_response_id"]: row for row in dpo.iter_rows(named=True)}
    assert 0 < latest.filter(pl.col("prompt_key").is_in(list(eval_prompts))).height < latest.height
    for response_id, edit_text, output, prompt_key in latest.select(
        "response_id", "edit_text", "output", "prompt_key"
    ).iter_rows():
        # An eval prompt is held out of SFT (rules' eval_holdout), not out of DPO.
        assert sft_targets.get(response_id) == (None if prompt_key in eval_prompts else edit_text)
        if edit_text.split() != output.split():
            assert dpo_by_response[response_id]["chosen"] == edit_text
            assert dpo_by_response[response_id]["rejected"] == output


# Guards quarantine: every malformed line the generator planted is kept with its file, line and reason.
def test_malformed_lines_sit_in_quarantine_with_reason(sample_platform: SamplePlatform) -> None:
    quarantined = sample_platform.table("quarantined_rows")
    located = {
        (row[0], row[1], row[2]): row[3]
        for row in quarantined.select("stream", "source_file", "source_line", "reason").iter_rows()
    }
    planted = sample_platform.generation.malformed
    assert planted
    for stream, source_file, line, _kind in planted:
        assert located.get((stream, source_file, line)), f"{source_file}:{line} is not in quarantine"


# Guards consent: a user whose latest choice is opt-out (or erase) contributes nothing to SFT or DPO.
def test_opted_out_users_are_absent_from_training_data(sample_platform: SamplePlatform) -> None:
    signals = sample_platform.table("response_signals")
    withheld = set(signals.filter(~pl.col("training_allowed"))["response_id"])
    assert withheld, "the sample must hold responses of opted-out users"
    sft_ids = set(sample_platform.table("sft_examples")["response_id"])
    dpo = sample_platform.table("dpo_pairs")
    dpo_ids = set(dpo["chosen_response_id"]) | set(dpo["rejected_response_id"])
    assert withheld.isdisjoint(sft_ids)
    assert withheld.isdisjoint(dpo_ids)


# Guards idempotence and determinism: materialising again on the same logs (forced: unforced, the jobs are
# skipped) yields every table of the warehouse with identical content, to the last bit of every float (sums
# are exact, not left to the order threads add in), and the same dataset version ids, with no new version.
def test_rematerialising_gives_identical_tables_and_the_same_dataset_versions(
    sample_platform: SamplePlatform,
) -> None:
    # recompute_landing_days is the join's work list (which days its incremental model recomputes): it says
    # what a run did, and a forced re-run recomputes every day. So does the incremental marts' build stamp
    # (built_at), when the run rebuilt each row: it is left out.
    stable = [table for table in sample_platform.table_names() if table != "recompute_landing_days"]
    assert {"raw_responses", "redacted_responses", "daily_quality", "dataset_versions"} <= set(stable)

    def content(table: str) -> pl.DataFrame:
        return sample_platform.sorted_table(table).drop("built_at", strict=False)

    before = {table: content(table) for table in stable}
    assert before["dataset_versions"].height == 4
    outcomes = materialize_days(sample_platform.settings, sample_platform.instance, force=True)
    assert all(outcome.success and outcome.unchanged_since is None for outcome in outcomes)
    published = {version.dataset for outcome in outcomes for version in outcome.published}
    assert published == {"dpo", "eval", "kto", "sft"}
    assert all(not version.new for outcome in outcomes for version in outcome.published)
    for table in stable:
        assert content(table).equals(before[table]), f"{table} changed on re-materialisation"


# Guards deduplication: a re-delivered event is quarantined on its day and counted once downstream.
def test_duplicate_events_are_quarantined_and_counted_once(sample_platform: SamplePlatform) -> None:
    duplicates = sample_platform.table("quarantined_rows").filter(
        pl.col("reason").str.starts_with("duplicate event_id")
    )
    assert duplicates.height > 0
    linked = sample_platform.table("feedback_with_responses")
    assert linked["event_id"].n_unique() == linked.height


# Guards the thumbs rule of DPO: a thumbs-up output is chosen over a thumbs-down output to the same prompt.
def test_thumbs_pairs_prefer_the_thumbed_up_output(sample_platform: SamplePlatform) -> None:
    thumbs = sample_platform.table("dpo_pairs").filter(pl.col("pair_source") == "thumbs")
    assert thumbs.height > 0
    latest_thumb = dict(
        sample_platform.table("feedback_with_responses")
        .filter(pl.col("signal") == "thumb")
        .sort("feedback_created_at", "event_id")
        .group_by("response_id")
        .agg(pl.col("thumb").last())
        .iter_rows()
    )
    for chosen, rejected in thumbs.select("chosen_response_id", "rejected_response_id").iter_rows():
        assert (latest_thumb[chosen], latest_thumb[rejected]) == ("up", "down")


# Guards the redaction audit: a feedback text that held a planted email, card, phone or name is audited as
# holding one, under the engine version, and the audit itself holds no raw value (see the planted-PII test).
def test_redaction_audit_counts_entities_per_row(sample_platform: SamplePlatform) -> None:
    audit = sample_platform.table("redaction_audit").filter(pl.col("source_table") == "redacted_feedback")
    checked = 0
    for entity_type in ("EMAIL_ADDRESS", "CREDIT_CARD", "PHONE_NUMBER", "PERSON"):
        values = [value for kind, value in sample_platform.generation.planted_pii if kind == entity_type]
        raw = sample_platform.table("raw_feedback").filter(pl.col("value").str.contains_any(values))
        audited = audit.filter(pl.col("entity_type") == entity_type)
        assert set(raw["event_id"]) <= set(audited["row_id"]), entity_type
        checked += raw.height
    assert checked > 0
    assert sample_platform.table("redaction_audit")["engine_version"].unique().to_list() == [ENGINE_VERSION]


# Guards the over-redaction target of issue 13: the sample plants no personal data in system prompts, so no
# row of any published dataset may carry a placeholder in one (tenant names and sentence-opening verbs were
# once taken for people: "the assistant of <PERSON>", "<PERSON> replies that ...").
def test_no_dataset_row_has_a_placeholder_in_its_system_prompt(sample_platform: SamplePlatform) -> None:
    planted = {value for _, value in sample_platform.generation.planted_pii}
    raw = sample_platform.table("raw_responses").select(
        pl.col("messages").list.first().struct.field("content")
    )
    raw_prompts = set(raw.to_series())
    assert raw_prompts and not any(value in prompt for prompt in raw_prompts for value in planted)
    root = sample_platform.settings.datasets_dir
    latest = list_dataset_versions(root).filter(pl.col("latest"))
    assert set(latest["name"]) >= set(DATASET_KINDS)
    for name, version in latest.select("name", "version").iter_rows():
        prompts = (
            read_dataset_version(root, name, version)
            .select(pl.col("messages").list.first().struct.field("content"))
            .to_series()
        )
        assert prompts.len() > 0 and prompts.is_in(raw_prompts).all(), f"{name}@{version}"
        assert not prompts.str.contains(r"<[A-Z][A-Z_]*>").any(), f"{name}@{version}"


# Guards the record of what ingest read (issue 16, item 5): every log file of the run's landing days with its
# size and the SHA-256 of its stored bytes, as read: a file whose bytes differ now was rewritten after the
# read by the erasures of the same night (it holds tombstones). Nothing under the landing folder is unread.
def test_ingest_records_each_file_read_with_its_hash(sample_platform: SamplePlatform) -> None:
    landing = sample_platform.settings.landing_dir
    days = sorted(path.name for path in (landing / "responses").iterdir())
    (record,) = sample_platform.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("quarantined_rows"), asset_partitions=[days[-1]]), limit=1
    ).records
    metadata = record.asset_materialization.metadata
    read = {entry["file"]: (entry["bytes"], entry["sha256"]) for entry in metadata["files_read"].value}
    files = {path.relative_to(landing).as_posix(): path for path in landing.glob("*/*/*.jsonl*")}
    assert read.keys() == files.keys()
    rewritten = [
        name for name, path in files.items() if read[name] != (path.stat().st_size, file_sha256(path))
    ]
    assert len(rewritten) < len(files)
    for name in rewritten:
        assert b'{"erased":"er-' in gzip.decompress(files[name].read_bytes()), name
    assert metadata["not_read"].value == []
