"""The rules of raw-text retention on small values: each tenant's window, the line rebuilt from its redacted
row, and the tenants file's validation of the setting."""

from datetime import date, datetime
from pathlib import Path

import pytest

from feedback_platform.lib.retention.raw_text import line_with_redacted_text
from feedback_platform.lib.retention.windows import RetentionWindows
from feedback_platform.lib.tenants import DEFAULT_RAW_TEXT_RETENTION_DAYS, TenantsFileError, load_tenants_file
from feedback_platform.settings import DEFAULT_TENANTS_FILE


# Guards the windows: a tenant's own window or the default; a line of unknown tenant gets the shortest; a
# window of N days keeps the newest day and the N - 1 before it; None keeps every day.
def test_each_tenant_keeps_its_own_number_of_landing_days() -> None:
    windows = RetentionWindows(default_days=30, tenant_days={"acme": 2, "globex": 60})
    newest = date(2026, 11, 30)
    assert windows.oldest_kept_day("acme", newest) == date(2026, 11, 29)
    assert windows.oldest_kept_day("globex", newest) == date(2026, 10, 2)
    assert windows.oldest_kept_day("initech", newest) == date(2026, 11, 1)
    assert windows.oldest_kept_day(None, newest) == date(2026, 11, 29)
    forever = RetentionWindows(default_days=None, tenant_days={"acme": 7})
    assert forever.oldest_kept_day("initech", newest) is None
    assert forever.oldest_kept_day(None, newest) == date(2026, 11, 24)
    assert RetentionWindows(default_days=None).oldest_kept_day(None, newest) is None


# Guards the rebuilt landing line: text comes from the redacted row, wherever it sits; typed values keep the
# line's spelling; what the row does not hold goes.
def test_a_landing_line_takes_the_text_of_its_redacted_row_and_nothing_else() -> None:
    line = {
        "response_id": "r1",
        "created_at": "2026-11-01T08:00:00Z",
        "latency_ms": 1020,
        "messages": [{"role": "user", "content": "I am Jane Roe", "name": "Jane"}],
        "retrieved_context": [{"doc_id": "kb-1", "text": "call 555-0100", "score": 0.5}],
        "output": "Hello Jane",
        "debug": {"raw_prompt": "Jane Roe's prompt"},
    }
    row = {
        "response_id": "r1",
        "created_at": datetime(2026, 11, 1, 8),
        "latency_ms": 1020,
        "messages": [{"role": "user", "content": "I am <PERSON>"}],
        "retrieved_context": [{"doc_id": "kb-1", "text": "call <PHONE_NUMBER>", "score": 0.5}],
        "output": "Hello <PERSON>",
        "landing_date": date(2026, 11, 1),
    }
    assert line_with_redacted_text(line, row) == {
        "response_id": "r1",
        "created_at": "2026-11-01T08:00:00Z",
        "latency_ms": 1020,
        "messages": [{"role": "user", "content": "I am <PERSON>"}],
        "retrieved_context": [{"doc_id": "kb-1", "text": "call <PHONE_NUMBER>", "score": 0.5}],
        "output": "Hello <PERSON>",
    }
    assert line_with_redacted_text({"signal": "rating", "value": 4}, {"signal": "rating", "value": "4"}) == {
        "signal": "rating",
        "value": 4,
    }
    assert line_with_redacted_text({"messages": [{"content": "a"}, {"content": "b"}]}, {"messages": []}) == {
        "messages": []
    }
    assert line_with_redacted_text({"output": "Jane"}, {"output": None}) == {"output": None}


# Guards the setting: the shipped file keeps 90 days, a tenant overrides it, and a window that is not a
# positive number of days is an error naming the file and key.
def test_the_tenants_file_sets_the_windows(tmp_path: Path) -> None:
    shipped = load_tenants_file(DEFAULT_TENANTS_FILE).raw_text_retention()
    assert shipped.default_days == DEFAULT_RAW_TEXT_RETENTION_DAYS == 90
    own = tmp_path / "tenants.yaml"
    own.write_text(
        "raw_text_retention_days: 365\ntenants:\n  - {id: acme, name: Acme, raw_text_retention_days: 30}\n",
        encoding="utf-8",
    )
    assert load_tenants_file(own).raw_text_retention() == RetentionWindows(365, {"acme": 30})
    own.write_text("tenants:\n  - {id: acme, name: Acme, raw_text_retention_days: 0}\n", encoding="utf-8")
    with pytest.raises(TenantsFileError, match=r"tenants\.yaml: tenants\.0\.raw_text_retention_days"):
        load_tenants_file(own)
