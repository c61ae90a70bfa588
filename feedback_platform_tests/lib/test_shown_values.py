"""What previews and samples bound for Dagster's metadata may show of a row (lib/shown_values.py)."""

from datetime import date

import polars as pl

from feedback_platform.lib.shown_values import MASKED_USER_ID, may_show, shown_frame, shown_value


# Guards the rule itself: ids, dates, names from closed sets and a pair's model are shown; texts, a pair's
# chosen text, user ids and columns nobody listed are not.
def test_ids_dates_and_names_may_be_shown_but_not_texts_or_user_ids() -> None:
    shown = ["response_id", "feedback_event_ids", "landing_date", "created_at", "model", "chosen_model"]
    withheld = ["messages", "output", "chosen", "comment_text", "raw_line", "value", "user_id", "new_column"]
    assert [column for column in shown if may_show(column)] == shown
    assert [column for column in withheld if may_show(column)] == []
    assert not may_show("response_user_id") and not may_show("chosen_user_id")


# Guards a dataset preview: each text column becomes `<column>_chars` (a message list counts its contents,
# a context list its documents' texts), user ids are masked, everything else is kept as it is.
def test_a_frame_shows_texts_by_their_length_and_masks_user_ids() -> None:
    rows = pl.DataFrame(
        {
            "example_id": ["e1", "e2"],
            "user_id": ["u_1234567890", None],
            "response_date": [date(2026, 11, 1), date(2026, 11, 2)],
            "messages": [
                [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello"}],
                [],
            ],
            "retrieved_context": [[{"doc_id": "kb-1", "text": "Opening hours", "score": 0.9}], None],
            "completion": ["Hi there", None],
            "reasons": [["thumb_down"], ["low_rating"]],
            "weight": [1.0, 0.5],
        }
    )
    assert shown_frame(rows).to_dicts() == [
        {
            "example_id": "e1",
            "user_id": MASKED_USER_ID,
            "response_date": date(2026, 11, 1),
            "messages_chars": len("Be brief.") + len("Hello"),
            "retrieved_context_chars": len("Opening hours"),
            "completion_chars": len("Hi there"),
            "reasons": ["thumb_down"],
            "weight": 1.0,
        },
        {
            "example_id": "e2",
            "user_id": None,
            "response_date": date(2026, 11, 2),
            "messages_chars": 0,
            "retrieved_context_chars": None,
            "completion_chars": None,
            "reasons": ["low_rating"],
            "weight": 0.5,
        },
    ]


# Guards single values (GX failing samples): texts by their length, also inside lists and dicts, numbers
# and shown keys kept, user ids masked.
def test_a_value_keeps_numbers_and_shown_keys_only() -> None:
    assert shown_value("output", "Call me") == "[7 chars]"
    assert shown_value("rating", 7) == 7
    assert shown_value("event_id", "ev-1") == "ev-1"
    assert shown_value("user_id", "u_1") == MASKED_USER_ID
    assert shown_value("messages", [{"role": "user", "content": "hi"}]) == [
        {"role": "user", "content": "[2 chars]"}
    ]
    assert shown_value(None, {"user_id": "u_1", "score": 0.5}) == {"user_id": MASKED_USER_ID, "score": 0.5}
