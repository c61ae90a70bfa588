"""The redact assets with keyed pseudonyms: a planted value has one pseudonym across its conversation."""

import gzip
import json
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import polars as pl
import pytest

from feedback_platform.definitions import build_definitions
from feedback_platform.lib.pii import KeyedPseudonyms
from feedback_platform.lib.redaction.frames import feedback_texts, response_texts
from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform.settings import PSEUDONYM_KEY_VARIABLE, PlatformSettings

KEY = "pseudonym key used by this test only"
DAYS = (date(2026, 11, 1), date(2026, 11, 2))
TRACED_ENTITIES = ("EMAIL_ADDRESS", "PHONE_NUMBER")
"""Planted values the engine finds whole every time, so their expected pseudonym can be computed."""

EMAIL = "sam.rivera@example.org"
PHONE = "+1 415 555 0142"


def _read_jsonl_gz(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")


def _land_a_conversation_with_late_feedback(landing: Path) -> None:
    """Two responses of conversation c-1 and one of c-2 on day 1; a comment and an edit on day 2.

    The email is in c-1's prompt and output, in a comment on it, and in c-2's prompt; the phone number is
    in c-1's second output and, written another way, in the user's edit of it.
    """
    template = _read_jsonl_gz(next((landing / "responses" / str(DAYS[0])).glob("*.jsonl.gz")))[0]

    def response(response_id: str, conversation_id: str, prompt: str, output: str) -> dict[str, Any]:
        return template | {
            "response_id": response_id,
            "conversation_id": conversation_id,
            "messages": [{"role": "user", "content": prompt}],
            "retrieved_context": [],
            "output": output,
        }

    def feedback(event_id: str, response_id: str, signal: str, value: str) -> dict[str, Any]:
        return {
            "event_id": event_id,
            "response_id": response_id,
            "tenant_id": template["tenant_id"],
            "user_id": template["user_id"],
            "created_at": f"{DAYS[1]}T09:00:00.000Z",
            "signal": signal,
            "value": value,
            "client": "web",
        }

    _write_jsonl(
        landing / "responses" / str(DAYS[0]) / "handmade.jsonl",
        [
            response(
                "r-1", "c-1", f"Reply to the customer; my address is {EMAIL}.", f"Sent a copy to {EMAIL}."
            ),
            response("r-2", "c-1", "Add a phone number to call.", f"Call us on {PHONE} any time."),
            response("r-3", "c-2", f"Please write to {EMAIL} about the refund.", "Done."),
        ],
    )
    _write_jsonl(
        landing / "feedback" / str(DAYS[1]) / "handmade.jsonl",
        [
            feedback("e-1", "r-1", "comment", f"Also copy {EMAIL} on the next one."),
            feedback("e-2", "r-2", "edit", "Call us on +1 (415) 555-0142 any time."),
        ],
    )


def _texts(con: duckdb.DuckDBPyConnection, responses: str, feedback: str) -> pl.DataFrame:
    """(table, id, scope, text) of every free text, the scope being the conversation, in a stable order."""
    conversations = con.sql("select response_id, conversation_id from raw_responses").pl()
    events = con.sql(f"select * from {feedback}").pl().join(conversations, on="response_id", how="left")
    return pl.concat(
        [
            response_texts(con.sql(f"select * from {responses}").pl(), pl.col("conversation_id"))
            .sort("id", "field", maintain_order=True)
            .with_columns(table=pl.lit("responses")),
            feedback_texts(events, pl.col("conversation_id"))
            .sort("id", maintain_order=True)
            .with_columns(table=pl.lit("feedback")),
        ]
    ).select("table", "id", "scope", "text")


# Guards issue 3's pseudonym option end to end: across prompt, output, comment and edit of one
# conversation, and across the responses and feedback tables and landing days, one value gets one keyed
# pseudonym; another conversation gets another.
def test_values_keep_one_pseudonym_throughout_their_conversation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dbt_manifest: Path
) -> None:
    monkeypatch.setenv(PSEUDONYM_KEY_VARIABLE, KEY)
    settings = PlatformSettings.from_environment(
        {
            "FEEDBACK_PLATFORM_DATA_DIR": str(tmp_path),
            "FEEDBACK_PLATFORM_PII_PLACEHOLDERS": "pseudonyms",
            PSEUDONYM_KEY_VARIABLE: KEY,
        }
    )
    generation = generate_sample_logs(
        SampleLogConfig(days=2, responses_per_day=40, seed=11, start_date=DAYS[0]), settings.landing_dir
    )
    _land_a_conversation_with_late_feedback(settings.landing_dir)
    job = build_definitions(settings).resolve_job_def("landing_day_job")
    instance = dg.DagsterInstance.ephemeral()
    for day in DAYS:  # one run per day, as the nightly schedule does: day 2 finds c-1 in day 1's rows
        result = job.execute_in_process(instance=instance, partition_key=str(day))
        assert result.success
        assert all(evaluation.passed for evaluation in result.get_asset_check_evaluations())

    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        raw = _texts(con, "raw_responses", "raw_feedback")
        redacted = _texts(con, "redacted_responses", "redacted_feedback")
    assert raw.select("table", "id", "scope").equals(redacted.select("table", "id", "scope"))
    redacted_text = dict(zip(redacted["id"] + "/" + raw["text"], redacted["text"], strict=True))

    pseudonyms = KeyedPseudonyms(KEY)
    email_in_c1 = pseudonyms.pseudonym("c-1", "EMAIL_ADDRESS", EMAIL)
    phone_in_c1 = pseudonyms.pseudonym("c-1", "PHONE_NUMBER", PHONE)
    assert redacted_text[f"r-1/Reply to the customer; my address is {EMAIL}."].endswith(f"is {email_in_c1}.")
    assert redacted_text[f"r-1/Sent a copy to {EMAIL}."] == f"Sent a copy to {email_in_c1}."
    assert (
        redacted_text[f"e-1/Also copy {EMAIL} on the next one."]
        == f"Also copy {email_in_c1} on the next one."
    )
    assert redacted_text[f"r-2/Call us on {PHONE} any time."] == f"Call us on {phone_in_c1} any time."
    assert (
        redacted_text["e-2/Call us on +1 (415) 555-0142 any time."] == f"Call us on {phone_in_c1} any time."
    )
    email_in_c2 = pseudonyms.pseudonym("c-2", "EMAIL_ADDRESS", EMAIL)
    assert email_in_c2 != email_in_c1
    assert redacted_text[f"r-3/Please write to {EMAIL} about the refund."] == (
        f"Please write to {email_in_c2} about the refund."
    )

    # Every planted email and phone number of the generated sample: its conversation's pseudonym.
    pairs = raw.with_columns(redacted=redacted.get_column("text"))
    checked = 0
    for entity_type, value in generation.planted_pii:
        if entity_type in TRACED_ENTITIES:
            holding = pairs.filter(pl.col("text").str.contains(value, literal=True))
            for scope, text in holding.select("scope", "redacted").iter_rows():
                assert pseudonyms.pseudonym(scope, entity_type, value) in text and value not in text
                checked += 1
    assert checked >= 10
