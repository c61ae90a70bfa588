"""The hostile-input corpus through ingest (issue 16, item 9, small): every kind of damage ends where it must
(quarantined with a reason, kept, or reported unread), no line is lost and nothing crashes."""

from datetime import date
from pathlib import Path

from feedback_platform.lib.logs.landing import count_landing_lines, unread_entries
from feedback_platform.lib.logs.validation import STREAMS, validate_landing_day
from feedback_platform.lib.sample_logs.hostile import outcomes, write_hostile_day

DAY = date(2026, 11, 1)


# Guards every case of the corpus at once: 40 kinds and more, each where it belongs, and the line balance.
def test_every_kind_of_hostile_input_ends_where_it_must(tmp_path: Path) -> None:
    cases = write_hostile_day(tmp_path, DAY)
    assert len(cases) >= 40
    batches = {stream: validate_landing_day(tmp_path, stream, DAY) for stream in STREAMS}
    for stream, batch in batches.items():
        assert batch.lines_read == batch.rows.height + batch.quarantined.height
        assert batch.lines_read == count_landing_lines(tmp_path, stream, DAY)
        assert batch.quarantined["reason"].null_count() == 0
    quarantined = (
        batches["responses"]
        .quarantined.vstack(batches["feedback"].quarantined)
        .vstack(batches["consent"].quarantined)
    )
    found = outcomes(
        cases,
        {stream: batch.rows for stream, batch in batches.items()},
        quarantined,
        unread_entries(tmp_path),
    )
    assert found == {case.kind: case.outcome for case in cases}
