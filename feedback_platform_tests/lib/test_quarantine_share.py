"""When a landing day's quarantine is a broken producer: the limit, what counts, and what the report shows."""

from datetime import date

import polars as pl
import pytest

from feedback_platform.lib.logs.quarantine_share import (
    QuarantineLimit,
    broken_lines,
    days_over_limit,
    describe,
    reason_counts,
)
from feedback_platform.lib.logs.tombstones import EXPIRED_LINE, tombstone_line

DAY = date(2026, 11, 1)


def _quarantined(*rows: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "stream": ["feedback"] * len(rows),
            "landing_date": [DAY] * len(rows),
            "reason": [reason for reason, _ in rows],
            "raw_line": [line for _, line in rows],
        }
    )


# Guards what counts as broken: the platform's tombstones (an erasure's, retention's) are not a producer's.
def test_tombstones_are_not_broken_lines() -> None:
    quarantined = _quarantined(
        ("erased by er-0123456789ab", tombstone_line("er-0123456789ab")),
        ("raw text past its retention window", EXPIRED_LINE),
        ("invalid JSON", '{"event_id": '),
    )
    assert broken_lines(quarantined)["reason"].to_list() == ["invalid JSON"]


# Guards the limit: a share over max_share on a day of min_lines or more; a small day is never over.
@pytest.mark.parametrize(
    ("kept", "broken", "over"), [(80, 20, False), (79, 21, True), (5, 10, False), (0, 20, True)]
)
def test_the_limit_needs_a_large_enough_share_on_a_large_enough_day(
    kept: int, broken: int, over: bool
) -> None:
    assert QuarantineLimit(max_share=0.2, min_lines=20).exceeded(kept, broken) is over


# Guards the report: share and top reasons per stream and day, and no value of a line quoted (a duplicate's
# id is cut off, as in the ingest metadata).
def test_days_over_the_limit_name_share_and_reasons_without_values() -> None:
    quarantined = _quarantined(
        *[("invalid JSON", "{")] * 20,
        ("duplicate event_id 'ev-secret-1' (first at f:1)", "{}"),
        ("duplicate event_id 'ev-secret-2' (first at f:2)", "{}"),
    )
    counts = [{"landing_date": str(DAY), "stream": "feedback", "kept": 10, "broken": 22}]
    (over,) = days_over_limit(counts, quarantined, QuarantineLimit())
    assert over["share"] == round(22 / 32, 4)
    assert over["top_reasons"] == [
        {"reason": "invalid JSON", "lines": 20},
        {"reason": "duplicate event_id", "lines": 2},
    ]
    assert (
        describe([over]) == "feedback 2026-11-01: 22 of 32 lines quarantined (69%), most for 'invalid JSON'"
    )
    assert "secret" not in str(reason_counts(quarantined).to_dicts())
