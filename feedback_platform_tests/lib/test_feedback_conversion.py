"""The conversion rate counts a day's signals and those the latest dataset versions draw on, and no other."""

from datetime import date, datetime

import duckdb
import polars as pl
from polars.testing import assert_frame_equal

from feedback_platform.lib.datasets.index import REGISTRY_TABLE
from feedback_platform.lib.datasets.row_lineage_table import LINEAGE_TABLE
from feedback_platform.lib.monitoring.conversion import (
    conversion_by_day,
    daily_conversion,
    events_reached_per_dataset,
)

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


def _conversion(datasets: list[str], lineage: pl.DataFrame = LINEAGE, versions: pl.DataFrame = VERSIONS):
    """The conversion DuckDB counts over these frames stored as the warehouse's tables."""
    with duckdb.connect() as con:
        for table, frame in (("feedback", FEEDBACK), (LINEAGE_TABLE, lineage), (REGISTRY_TABLE, versions)):
            con.register("frame", frame.to_arrow())
            con.execute(f"create table {table} as select * from frame")
            con.unregister("frame")
        return daily_conversion(con, datasets, feedback_table="feedback"), events_reached_per_dataset(
            con, datasets
        )


def test_only_the_latest_versions_count_and_each_event_once() -> None:
    conversion, reached = _conversion(["eval", "sft", "dpo"])

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
    assert reached == {"eval": 0, "sft": 1, "dpo": 2}


def test_days_sum_their_signals() -> None:
    by_day = conversion_by_day(_conversion(["sft", "dpo"])[0])

    assert by_day.select("feedback_date", "signals", "reached_any_dataset").rows() == [
        (DAY_1, 3, 2),
        (DAY_2, 1, 0),
    ]
    assert by_day["conversion_rate"].to_list() == [2 / 3, 0.0]


def test_no_dataset_versions_yet_converts_nothing() -> None:
    conversion, reached = _conversion(["sft"], LINEAGE.clear(), VERSIONS.clear())

    assert conversion["signals"].sum() == 4
    assert conversion["reached_any_dataset"].sum() == conversion["reached_sft"].sum() == 0
    assert reached == {"sft": 0}
