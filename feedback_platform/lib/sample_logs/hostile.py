"""A corpus of hostile input for one landing day: what a broken or malicious producer writes.

Each case is one kind of damage, with what the platform must do with it: quarantine the line with a reason,
keep it (normalised where it needs to be, its planted personal data redacted), or leave the file unread and
report it. Every line carries its kind in a marker (`marker(kind)`): as its id where the line has one, else
inside its text, so a test or `bench/faults.py` finds where each case ended up. The corpus is written beside
a day's ordinary logs (`write_hostile_day`), never instead of them.
"""

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import polars as pl

Outcome = Literal["quarantined", "kept", "not_read"]

TENANT = "acme_retail"
USER = "u_hostile"
PLANTED_EMAIL = "hostile.person@example.org"
PLANTED_CARD = "4111111111111111"
ZERO_WIDTH = "\u200b"


@dataclass(frozen=True)
class HostileCase:
    """One kind of damage: which stream it lands in, what the platform must do, and the personal data it
    plants (which must never reach a redacted table or a dataset)."""

    kind: str
    stream: str
    outcome: Outcome
    lines: tuple[str, ...] = ()
    """Lines appended to the day's hostile file of the stream (`hostile.jsonl`)."""
    file: tuple[str, bytes] | None = None
    """A file of its own in the day folder: (name, bytes)."""
    folder: str | None = None
    """A folder of its own in the stream folder, beside the day folders."""
    planted: tuple[str, ...] = field(default=())


def _long_text_planting(value: str) -> str:
    """About 250,000 characters of legal text (redaction reads texts over 100,000 in windows) with `value`
    planted across the 100,000th character, where the first window is cut, in the middle and at the end."""
    text = ("The parcel was late and the tracking page kept showing the wrong depot. " * 3_500)[:250_000]
    for position in (250_000, 150_000, 100_000 - len(value) // 2):
        text = f"{text[:position]} {value} {text[position:]}"
    return text


def marker(kind: str) -> str:
    return f"hostile-{kind}"


def _dumps(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _response(kind: str, day: date, **changes: Any) -> dict[str, Any]:
    record = {
        "response_id": marker(kind),
        "conversation_id": f"c-{marker(kind)}",
        "tenant_id": TENANT,
        "user_id": USER,
        "created_at": f"{day}T10:00:00Z",
        "model": "atlas-large",
        "model_version": "2026-09-15",
        "prompt_version": "v2",
        "feature": "support_chat",
        "language": "en",
        "messages": [
            {"role": "system", "content": "You are the support assistant of Acme Retail."},
            {"role": "user", "content": "Where is my order?"},
        ],
        "retrieved_context": [],
        "output": "Your order ships tomorrow.",
        "latency_ms": 120,
    }
    return {**record, **changes}


def _feedback(kind: str, day: date, signal: str, value: Any, **changes: Any) -> dict[str, Any]:
    record = {
        "event_id": marker(kind),
        "response_id": marker("base"),
        "tenant_id": TENANT,
        "user_id": USER,
        "created_at": f"{day}T10:05:00Z",
        "signal": signal,
        "value": value,
        "client": "web",
    }
    return {**record, **changes}


def _consent(kind: str, day: date, **changes: Any) -> dict[str, Any]:
    record = {"user_id": marker(kind), "tenant_id": TENANT, "created_at": f"{day}T09:00:00Z"}
    return {**record, "action": "opt_out_training", **changes}


def _quarantined_lines(day: date) -> list[HostileCase]:
    r, f = "responses", "feedback"
    line: Callable[[dict[str, Any]], tuple[str]] = lambda record: (_dumps(record),)  # noqa: E731
    return [
        HostileCase("truncated_json", r, "quarantined", (_dumps(_response("truncated_json", day))[:90],)),
        HostileCase("json_array", r, "quarantined", (_dumps([_response("json_array", day)]),)),
        HostileCase("nan_value", r, "quarantined", (_dumps(_response("nan_value", day))[:-1] + ',"x":NaN}',)),
        HostileCase(
            "trailing_comma", r, "quarantined", (_dumps(_response("trailing_comma", day))[:-1] + ",}",)
        ),
        HostileCase(
            "single_quotes", r, "quarantined", (_dumps(_response("single_quotes", day)).replace('"', "'"),)
        ),
        HostileCase(
            "comment_in_json", r, "quarantined", (_dumps(_response("comment_in_json", day)) + " // ok",)
        ),
        HostileCase(
            "missing_field",
            r,
            "quarantined",
            line({k: v for k, v in _response("missing_field", day).items() if k != "output"}),
        ),
        HostileCase(
            "latency_as_text", r, "quarantined", line(_response("latency_as_text", day, latency_ms="fast"))
        ),
        HostileCase(
            "negative_latency", r, "quarantined", line(_response("negative_latency", day, latency_ms=-1))
        ),
        HostileCase("no_messages", r, "quarantined", line(_response("no_messages", day, messages=[]))),
        HostileCase(
            "unknown_role",
            r,
            "quarantined",
            line(_response("unknown_role", day, messages=[{"role": "robot", "content": "hi"}])),
        ),
        HostileCase(
            "score_as_text",
            r,
            "quarantined",
            line(
                _response(
                    "score_as_text", day, retrieved_context=[{"doc_id": "kb-1", "text": "t", "score": "high"}]
                )
            ),
        ),
        HostileCase(
            "naive_timestamp",
            r,
            "quarantined",
            line(_response("naive_timestamp", day, created_at=f"{day}T10:00:00")),
        ),
        HostileCase(
            "impossible_date",
            r,
            "quarantined",
            line(_response("impossible_date", day, created_at="2026-13-45T10:00:00Z")),
        ),
        HostileCase(
            "future_timestamp",
            r,
            "quarantined",
            line(_response("future_timestamp", day, created_at="2099-01-01T00:00:00Z")),
        ),
        HostileCase(
            "email_as_user_id",
            r,
            "quarantined",
            line({**_response("email_as_user_id", day), "user_id": PLANTED_EMAIL}),
            planted=(PLANTED_EMAIL,),
        ),
        HostileCase(
            "email_as_doc_id",
            r,
            "quarantined",
            line(
                _response(
                    "email_as_doc_id",
                    day,
                    retrieved_context=[{"doc_id": PLANTED_EMAIL, "text": "t", "score": 1}],
                )
            ),
            planted=(PLANTED_EMAIL,),
        ),
        HostileCase(
            "path_tenant_id", r, "quarantined", line(_response("path_tenant_id", day, tenant_id="../../etc"))
        ),
        HostileCase(
            "overlong_id",
            r,
            "quarantined",
            line({**_response("overlong_id", day), "conversation_id": "c" * 300}),
        ),
        HostileCase(
            "oversized_text",
            r,
            "quarantined",
            line(_response("oversized_text", day, output="word " * 200_001)),
        ),
        HostileCase(
            "unpaired_surrogate",
            r,
            "quarantined",
            (_dumps(_response("unpaired_surrogate", day))[:-1] + ',"x":"\\ud800"}',),
        ),
        HostileCase(
            "deep_nesting",
            r,
            "quarantined",
            (_dumps(_response("deep_nesting", day))[:-1] + ',"x":' + "[" * 300 + "]" * 300 + "}",),
        ),
        HostileCase("garbage_megabyte", r, "quarantined", (marker("garbage_megabyte") + "\x01" * 1_000_000,)),
        HostileCase(
            "duplicate_response_id",
            r,
            "quarantined",
            line(_response("base", day, output=f"a second copy, {marker('duplicate_response_id')}")),
        ),
        HostileCase(
            "duplicate_keys",
            f,
            "quarantined",
            (_dumps(_feedback("duplicate_keys", day, "thumb", "down"))[:-1] + ',"value":"up"}',),
        ),
        HostileCase("rating_zero", f, "quarantined", line(_feedback("rating_zero", day, "rating", 0))),
        HostileCase("rating_six", f, "quarantined", line(_feedback("rating_six", day, "rating", 6))),
        HostileCase(
            "rating_as_word", f, "quarantined", line(_feedback("rating_as_word", day, "rating", "five"))
        ),
        HostileCase(
            "thumb_sideways", f, "quarantined", line(_feedback("thumb_sideways", day, "thumb", "sideways"))
        ),
        HostileCase(
            "unknown_signal", f, "quarantined", line(_feedback("unknown_signal", day, "share", None))
        ),
        HostileCase("negative_dwell", f, "quarantined", line(_feedback("negative_dwell", day, "dwell", -3))),
        HostileCase(
            "outcome_as_word",
            f,
            "quarantined",
            line(_feedback("outcome_as_word", day, "outcome", {"name": "tests_passed", "value": "passed"})),
        ),
        HostileCase(
            "outcome_with_a_note",
            f,
            "quarantined",
            line(
                _feedback(
                    "outcome_with_a_note",
                    day,
                    "outcome",
                    {"name": "ticket_resolved", "value": True, "note": f"customer {PLANTED_EMAIL} happy"},
                )
            ),
        ),
        HostileCase("forged_tombstone", f, "quarantined", ('{"erased":"er-000000000000"}',)),
        HostileCase(
            "unknown_action",
            "consent",
            "quarantined",
            line(_consent("unknown_action", day, action="delete_me")),
        ),
    ]


def _kept_lines(day: date) -> list[HostileCase]:
    r, f = "responses", "feedback"
    spaced_email = PLANTED_EMAIL.replace("@", f"{ZERO_WIDTH}@{ZERO_WIDTH}")
    full_width_email = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in PLANTED_EMAIL)
    spaced_card = ZERO_WIDTH.join(PLANTED_CARD[i : i + 4] for i in range(0, 16, 4))
    return [
        HostileCase("base", r, "kept", (_dumps(_response("base", day)),)),
        HostileCase(
            "zero_width_email",
            r,
            "kept",
            (_dumps(_response("zero_width_email", day, output=f"Write to {spaced_email} for the refund.")),),
            planted=(PLANTED_EMAIL,),
        ),
        HostileCase(
            "full_width_email",
            r,
            "kept",
            (_dumps(_response("full_width_email", day, output=f"Write to {full_width_email} today.")),),
            planted=(PLANTED_EMAIL, full_width_email),
        ),
        HostileCase(
            "long_text",
            r,
            "kept",
            (_dumps(_response("long_text", day, output=_long_text_planting(PLANTED_EMAIL))),),
            planted=(PLANTED_EMAIL,),
        ),
        HostileCase(
            "zero_width_card",
            f,
            "kept",
            (_dumps(_feedback("zero_width_card", day, "comment", f"card {spaced_card} was charged twice")),),
            planted=(PLANTED_CARD,),
        ),
        HostileCase(
            "nul_in_email",
            f,
            "kept",
            (
                _dumps(
                    _feedback("nul_in_email", day, "comment", "mail hostile.per\x00son@example.org please")
                ),
            ),
            planted=(PLANTED_EMAIL,),
        ),
        HostileCase(
            "unknown_fields",
            f,
            "kept",
            (_dumps({**_feedback("unknown_fields", day, "copy", None), "extra": {"a": 1}}),),
        ),
        HostileCase(
            "late_event",
            f,
            "kept",
            (_dumps(_feedback("late_event", day, "copy", None, created_at="2026-01-02T00:00:00Z")),),
        ),
        HostileCase("consent_opt_out", "consent", "kept", (_dumps(_consent("consent_opt_out", day)),)),
        *(
            HostileCase(
                f"{kind}_thumb",
                f,
                "kept",
                (_dumps(_feedback(f"{kind}_thumb", day, "thumb", "up", response_id=marker(kind))),),
            )
            for kind in ("zero_width_email", "full_width_email")
        ),
    ]


def _files(day: date) -> list[HostileCase]:
    valid = _dumps(_response("crlf_file", day)).encode()
    bom = _dumps(_response("bom_file", day)).encode()
    return [
        HostileCase("crlf_file", "responses", "kept", file=("crlf.jsonl", valid + b"\r\n")),
        HostileCase("bom_file", "responses", "kept", file=("bom.jsonl", b"\xef\xbb\xbf" + bom + b"\n")),
        HostileCase(
            "invalid_utf8",
            "responses",
            "quarantined",
            file=("invalid_utf8.jsonl", marker("invalid_utf8").encode() + b"\xff\xfe\n"),
        ),
        HostileCase(
            "truncated_gzip",
            "responses",
            "quarantined",
            file=(
                "truncated.jsonl.gz",
                gzip.compress((marker("truncated_gzip") + " " * 5000 + "\n").encode() * 20)[:-40],
            ),
        ),
        HostileCase(
            "mislabelled_gzip",
            "responses",
            "quarantined",
            file=("plain.jsonl.gz", (marker("mislabelled_gzip") + "\n").encode()),
        ),
        HostileCase("wrong_suffix", "responses", "not_read", file=("export.json", b"{}\n")),
        HostileCase("empty_lines", "feedback", "quarantined", file=("blank.jsonl", b"\n   \n")),
        HostileCase("misnamed_day_folder", "responses", "not_read", folder=f"{day}-late"),
    ]


def hostile_cases(day: date) -> list[HostileCase]:
    """Every case of the corpus for landing day `day`."""
    return [*_kept_lines(day), *_quarantined_lines(day), *_files(day)]


def write_hostile_day(landing_root: Path, day: date) -> list[HostileCase]:
    """Write the corpus into `day`'s folders under `landing_root`, beside the ordinary logs; returns the
    cases written."""
    cases = hostile_cases(day)
    for stream in {case.stream for case in cases}:
        folder = landing_root / stream / str(day)
        folder.mkdir(parents=True, exist_ok=True)
        lines = [line for case in cases if case.stream == stream for line in case.lines]
        if lines:
            (folder / "hostile.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for case in cases:
            if case.stream == stream and case.file is not None:
                (folder / case.file[0]).write_bytes(case.file[1])
            if case.stream == stream and case.folder is not None:
                (landing_root / stream / case.folder).mkdir(exist_ok=True)
    return cases


_ID_COLUMNS = {"responses": "response_id", "feedback": "event_id", "consent": "user_id"}


def outcomes(
    cases: list[HostileCase],
    kept: dict[str, pl.DataFrame],
    quarantined: pl.DataFrame,
    unread: list[tuple[str, str]],
) -> dict[str, Outcome | None]:
    """Where each case ended up, from the raw tables (`kept`, by stream), `quarantined_rows` and the report
    of what was not read; None for a case found nowhere (lost)."""
    return {case.kind: _outcome(case, kept, quarantined, unread) for case in cases}


def _outcome(
    case: HostileCase, kept: dict[str, pl.DataFrame], quarantined: pl.DataFrame, unread: list[tuple[str, str]]
) -> Outcome | None:
    if case.folder is not None or case.outcome == "not_read":
        name = case.folder or (case.file[0] if case.file else "")
        return "not_read" if any(path.endswith(name) for path, _ in unread) else None
    if case.file is not None and case.outcome == "quarantined":
        return "quarantined" if quarantined["source_file"].str.ends_with(case.file[0]).any() else None
    if kept[case.stream][_ID_COLUMNS[case.stream]].eq(marker(case.kind)).any():
        return "kept"
    found = quarantined["raw_line"].str.contains(marker(case.kind), literal=True) | (
        quarantined["raw_line"].eq(case.lines[0]) if case.lines else False
    )
    return "quarantined" if found.any() else None
