"""The conversion rate counts a day's signals and those the latest dataset versions draw on, and no other."""

from datetime import date, datetime

import polars as pl
from polars.testing import assert_frame_equal

from feedback_platform.lib.monitoring.conversion import conversion_by_day, daily_conversion

DAY_1, DAY_2 = date(2026, 11, 1), date(2026, 11, 2)

FEEDBACK = pl.DataFrame(
    {
        "event_id": ["e1", "e2", "e3", "e4"],
        "signal": ["thumb", "thumb", "rating", "copy"],
        "feedback_created_at": [
            datetime(2026, 11, 1, 9),
            datetime(2026, 11, 1, 23, 59),
            datetime(2026, 11, 1, 12),
            datetime(2026, 11, 2, 0, 1),
        ],
    }
)
VERSIONS = pl.DataFrame(
    {
        "name": ["sft", "sft", "dpo"],
        "version": ["sft-old", "sft-new", "dpo-1"],
        "latest": [False, True, True],
    }
)
LINEAGE = pl.DataFrame(
    {
        "dataset": ["sft", "sft", "dpo", "dpo", "dpo"],
        "version": ["sft-old", "sft-new", "dpo-1", "dpo-1", "dpo-1"],
        "row_id": ["r1", "r2", "p1", "p1", "p2"],
        "feedback_event_id": ["e3", "e1", "e1", "e2", None],
    }
)


def test_only_the_latest_versions_count_and_each_event_once() -> None:
    conversion = daily_conversion(FEEDBACK, LINEAGE, VERSIONS, ["eval", "sft", "dpo"])

    expected = pl.DataFrame(
        {
            "feedback_date": [DAY_1, DAY_1, DAY_2],
            "signal": ["rating", "thumb", "copy"],
            "signals": [1, 2, 1],
            # e3 is only in the superseded SFT version; e1 is in two datasets but counts once in "any".
            "reached_any_dataset": [0, 2, 0],
            "conversion_rate": [0.0, 1.0, 0.0],
            "reached_eval": [0, 0, 0],
            "reached_sft": [0, 1, 0],
            "reached_dpo": [0, 2, 0],
        },
        schema_overrides={
            column: pl.UInt32
            for column in ("signals", "reached_any_dataset", "reached_eval", "reached_sft", "reached_dpo")
        },
    )
    assert_frame_equal(conversion.sort("feedback_date", "signal"), expected.sort("feedback_date", "signal"))


def test_days_sum_their_signals() -> None:
    by_day = conversion_by_day(daily_conversion(FEEDBACK, LINEAGE, VERSIONS, ["sft", "dpo"]))

    assert by_day.select("feedback_date", "signals", "reached_any_dataset").rows() == [
        (DAY_1, 3, 2),
        (DAY_2, 1, 0),
    ]
    assert by_day["conversion_rate"].to_list() == [2 / 3, 0.0]


def test_no_dataset_versions_yet_converts_nothing() -> None:
    conversion = daily_conversion(FEEDBACK, LINEAGE.clear(), VERSIONS.clear(), ["sft"])

    assert conversion["signals"].sum() == 4
    assert conversion["reached_any_dataset"].sum() == conversion["reached_sft"].sum() == 0
